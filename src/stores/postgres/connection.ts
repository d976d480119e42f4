import { Pool, type ClientConfig } from 'pg';
import { ValidationError } from '../../core/errors.js';
import { secretsOf } from './database-error.js';
import type { PostgresEventStoreOptions } from './postgres-event-store-options.js';
import { assertSchemaName, DEFAULT_SCHEMA } from './schema-name.js';

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
}

const SCHEMA_PARAM = /([?&])schema=([^&#]*)(&?)/;

/** Splits the `schema` query parameter off a connection URL (`pg` does not know it). */
export function splitSchemaParam(url: string): { url: string; schema: string | undefined } {
  const match = SCHEMA_PARAM.exec(url);
  if (match === null) return { url, schema: undefined };
  const [all, sep, value, amp] = match as unknown as [string, string, string, string];
  const rest =
    url.slice(0, match.index) + (amp === '' ? '' : sep) + url.slice(match.index + all.length);
  let schema: string;
  try {
    schema = decodeURIComponent(value);
  } catch {
    schema = value;
  }
  return { url: rest.replace(/[?&]$/, ''), schema };
}

/**
 * Checks the options, then opens (or adopts) the pool they describe. Throws a
 * {@link ValidationError} (having closed any pool it opened) for bad options.
 */
export function openConnection(options: PostgresEventStoreOptions): Connection {
  const connection = poolOf(options);
  try {
    const schema = options.schema ?? connection.schema;
    assertSchemaName(schema);
    const interval = options.notifyIntervalMs;
    if (
      interval !== undefined &&
      !(typeof interval === 'number' && interval >= 0 && interval < Infinity)
    ) {
      throw new ValidationError(
        'PostgresEventStore: notifyIntervalMs must be a non-negative number',
      );
    }
    return { ...connection, schema };
  } catch (error) {
    if (connection.owned) void connection.pool.end().catch(() => undefined);
    throw error;
  }
}

function poolOf(options: PostgresEventStoreOptions): Connection {
  if (options.pool !== undefined && options.connectionString !== undefined) {
    throw new ValidationError(
      'PostgresEventStore: give either a pool or a connectionString, not both',
    );
  }
  if (options.pool !== undefined) {
    const pool = options.pool;
    return {
      pool,
      owned: false,
      clientConfig: pool.options,
      secrets: secretsOf(pool.options),
      schema: DEFAULT_SCHEMA,
    };
  }
  const given = options.connectionString;
  if (given !== undefined && typeof given !== 'string') {
    throw new ValidationError('PostgresEventStore: connectionString must be a string');
  }
  const { url, schema } =
    given === undefined ? { url: undefined, schema: undefined } : splitSchemaParam(given);
  const config: ClientConfig = {
    application_name: 'eventfold',
    ...options.poolConfig,
    ...(url === undefined ? {} : { connectionString: url }),
  };
  const pool = new Pool({ max: 10, ...config });
  const secrets = [
    ...secretsOf(config),
    ...(given === undefined ? [] : secretsOf({ connectionString: given })),
  ];
  return { pool, owned: true, clientConfig: config, secrets, schema: schema ?? DEFAULT_SCHEMA };
}
