import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';
import { loadOptionalDependency } from '../../core/optional-dependency.js';

const require = createRequire(import.meta.url);
let api: typeof Api | undefined;

/**
 * The `@opentelemetry/api` module, loaded on first use: `eventfold/opentelemetry`
 * imports it only for types, so importing the subpath never needs it, and
 * `openTelemetry()` without it installed throws a `MissingDependencyError` naming it.
 *
 * @internal
 */
export function loadOpenTelemetryApi(): typeof Api {
  api ??= loadOptionalDependency(
    require,
    '@opentelemetry/api',
    'eventfold/opentelemetry',
  ) as typeof Api;
  return api;
}
