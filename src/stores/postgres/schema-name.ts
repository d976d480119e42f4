import { ValidationError } from '../../core/errors.js';

/** The schema a {@link PostgresEventStore} uses when none is given. */
export const DEFAULT_SCHEMA = 'eventfold';

/** Lower-case letters, digits and underscores, starting with a letter or underscore, at most 48 characters. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Throws a {@link ValidationError} unless `schema` is a safe PostgreSQL schema
 * name: 1 to 48 lower-case letters, digits and underscores, starting with a
 * letter or underscore, and not starting with `pg_` (reserved by PostgreSQL).
 * The name is interpolated into SQL, so nothing else is accepted.
 *
 * @example
 * ```ts
 * assertSchemaName('billing_events'); // ok
 * assertSchemaName('a; DROP TABLE x'); // throws ValidationError
 * ```
 */
export function assertSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    const shown = typeof schema === 'string' ? JSON.stringify(schema.slice(0, 64)) : typeof schema;
    throw new ValidationError(
      `Invalid PostgreSQL schema name ${shown}: use 1 to 48 lower-case letters, digits and underscores, ` +
        'starting with a letter or underscore and not with "pg_"',
    );
  }
}

/** The schema name quoted as an SQL identifier (it is validated, so quoting is a formality). */
export function quoteSchema(schema: string): string {
  assertSchemaName(schema);
  return `"${schema}"`;
}

/** The `LISTEN`/`NOTIFY` channel on which a schema's appends are announced. */
export function notificationChannel(schema: string): string {
  return `eventfold_${schema}`;
}
