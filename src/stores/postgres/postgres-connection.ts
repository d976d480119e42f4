import type { ClientConfig, Pool } from 'pg';
import { InvalidOptionError, ValidationError } from '../../core/errors.js';
import { secretsOf } from './postgres-database-error.js';
import type { PostgresEventStoreOptions } from './postgres-event-store-options.js';
import { loadPg } from './pg-driver.js';
import { assertSchemaName, DEFAULT_SCHEMA } from './schema-name.js';
import {
  DEFAULT_TIMEOUTS,
  splitTimeoutParams,
  type PostgresTimeouts,
} from './postgres-timeouts.js';

/** The pool a store uses, whether it owns it, and what must never be shown. */
export interface Connection {
  readonly pool: Pool;
  /** True when the store created the pool and so ends it on close. */
  readonly owned: boolean;
  /** Settings for extra dedicated connections (the `LISTEN` connection). */
  readonly clientConfig: ClientConfig;
  /** Passwords and connection strings to redact from error messages. */
  readonly secrets: readonly string[];
  /** The schema to use: the option, else the URL's `schema` parameter, else the default; validated. */
  readonly schema: string;
  /** The time limits: the options, else the URL's parameters, else the defaults. */
  readonly timeouts: PostgresTimeouts;
}

const SCHEMA_PARAM = /([?&])schema=([^&#]*)(&?)/;

/**
 * Splits the `schema` query parameter off a connection URL (`pg` does not know
 * it). Given twice (`?schema=a&schema=b`), it is an `InvalidOptionError`
 * naming `schema` rather than a silent choice of one.
 *
 * @example
 * ```ts
 * splitSchemaParam('postgresql://h/db?schema=billing'); // { url: 'postgresql://h/db', schema: 'billing' }
 * ```
 */
export function splitSchemaParam(url: string): { url: string; schema: string | undefined } {
  const match = SCHEMA_PARAM.exec(url);
  if (match === null) return { url, schema: undefined };
  const [all, sep, value, amp] = match as unknown as [string, string, string, string];
  const rest =
    url.slice(0, match.index) + (amp === '' ? '' : sep) + url.slice(match.index + all.length);
  const schema = decodeParam(value);
  const again = SCHEMA_PARAM.exec(rest);
  if (again !== null) {
    throw new InvalidOptionError(
      'schema',
      [schema, decodeParam(again[2] ?? '')],
      'one schema parameter in the connection URL, not two',
    );
  }
  return { url: rest.replace(/[?&]$/, ''), schema };
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Checks the `schema` option of a store: an {@link InvalidOptionError} naming
 * it unless it is a safe schema name (see `assertSchemaName`).
 *
 * @example
 * ```ts
 * checkSchemaOption('billing_events'); // ok
 * checkSchemaOption('Billing'); // throws InvalidOptionError, option 'schema'
 * ```
 */
export function checkSchemaOption(schema: unknown): asserts schema is string {
  try {
    assertSchemaName(schema);
  } catch (error) {
    if (!ValidationError.is(error)) throw error;
    throw new InvalidOptionError(
      'schema',
      schema,
      'a schema name of 1 to 48 lower-case letters, digits and underscores, starting with a letter or underscore and not with "pg_"',
    );
  }
}

/**
 * Opens (or adopts) the pool the options describe, once their values are
 * checked (`checkPostgresOptions`), and settles the schema: the option, else
 * the URL's `schema` parameter, else the default. Throws an
 * {@link InvalidOptionError} (having closed any pool it opened) when both a
 * pool and a connection string are given, or for a bad schema name.
 */
export function openConnection(options: PostgresEventStoreOptions): Connection {
  const connection = poolOf(options);
  try {
    const schema = options.schema ?? connection.schema;
    checkSchemaOption(schema);
    return { ...connection, schema };
  } catch (error) {
    if (connection.owned) void connection.pool.end().catch(() => undefined);
    throw error;
  }
}

function poolOf(options: PostgresEventStoreOptions): Connection {
  if (options.pool !== undefined && options.connectionString !== undefined) {
    throw new InvalidOptionError(
      'pool',
      options.pool,
      'no pool when a connectionString is given (give one or the other)',
    );
  }
  if (options.pool !== undefined) {
    const pool = options.pool;
    if (options.connectTimeoutMs !== undefined) {
      throw new InvalidOptionError(
        'connectTimeoutMs',
        options.connectTimeoutMs,
        'no connectTimeoutMs with your own pool (set its connectionTimeoutMillis)',
      );
    }
    return {
      pool,
      owned: false,
      clientConfig: pool.options,
      secrets: secretsOf(pool.options),
      schema: DEFAULT_SCHEMA,
      timeouts: {
        connectTimeoutMs: pool.options.connectionTimeoutMillis ?? 0,
        statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_TIMEOUTS.statementTimeoutMs,
      },
    };
  }
  const given = options.connectionString;
  const fromUrl: {
    url: string | undefined;
    timeouts: ReturnType<typeof splitTimeoutParams>['timeouts'];
  } = given === undefined ? { url: undefined, timeouts: {} } : splitTimeoutParams(given);
  const { url, schema } =
    fromUrl.url === undefined
      ? { url: undefined, schema: undefined }
      : splitSchemaParam(fromUrl.url);
  const timeouts: PostgresTimeouts = {
    connectTimeoutMs:
      options.connectTimeoutMs ??
      fromUrl.timeouts.connectTimeoutMs ??
      options.poolConfig?.connectionTimeoutMillis ??
      DEFAULT_TIMEOUTS.connectTimeoutMs,
    statementTimeoutMs:
      options.statementTimeoutMs ??
      fromUrl.timeouts.statementTimeoutMs ??
      DEFAULT_TIMEOUTS.statementTimeoutMs,
  };
  const config: ClientConfig = {
    application_name: 'eventfold',
    // Lets the operating system notice a peer that vanished while a connection is idle.
    keepAlive: true,
    ...options.poolConfig,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    ...(url === undefined ? {} : { connectionString: url }),
  };
  const { Pool: PgPool } = loadPg();
  const pool = new PgPool({ max: 10, ...config });
  const secrets = [
    ...secretsOf(config),
    ...(given === undefined ? [] : secretsOf({ connectionString: given })),
  ];
  return {
    pool,
    owned: true,
    clientConfig: config,
    secrets,
    schema: schema ?? DEFAULT_SCHEMA,
    timeouts,
  };
}
