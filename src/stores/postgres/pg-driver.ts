import { createRequire } from 'node:module';
import type * as Pg from 'pg';
import { loadOptionalDependency } from '../../core/optional-dependency.js';

const require = createRequire(import.meta.url);
let pg: typeof Pg | undefined;

/**
 * The `pg` module, loaded on first use: `eventfold/postgres` imports `pg` only
 * for types, so importing it (or `eventfold`) never needs `pg`, and a store
 * created without `pg` installed throws a `MissingDependencyError` naming it.
 */
export function loadPg(): typeof Pg {
  pg ??= loadOptionalDependency(
    require,
    'pg',
    'eventfold/postgres (and createEventStore with a postgresql: URL)',
    '@types/pg',
  ) as typeof Pg;
  return pg;
}
