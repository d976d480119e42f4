import { createRequire } from 'node:module';
import type * as FastCheckModule from 'fast-check';
import { loadOptionalDependency } from '../../core/optional-dependency.js';

/** The fast-check module. */
export type FastCheck = typeof FastCheckModule;

const require = createRequire(import.meta.url);
let fastCheck: FastCheck | undefined;

/**
 * fast-check, loaded when the property suite is registered: importing
 * `eventfold/testing/property` never needs it, and registering the suite
 * without it installed throws a `MissingDependencyError` naming it.
 */
export function loadFastCheck(): FastCheck {
  fastCheck ??= loadOptionalDependency(
    require,
    'fast-check',
    'eventfold/testing/property',
  ) as FastCheck;
  return fastCheck;
}
