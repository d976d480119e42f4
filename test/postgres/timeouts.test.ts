/**
 * The store's time limits: defaults, options, URL parameters (checked), and
 * what happens when a statement or a connection runs out of time.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseError, InvalidOptionError } from '../../src/core/errors.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { splitTimeoutParams } from '../../src/stores/postgres/postgres-timeouts.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { TcpProxy } from '../faults/tcp-proxy.js';
import { event, rawClient } from './helpers.js';

const database = useTestDatabase('timeouts');

function invalidOption(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    if (InvalidOptionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

async function timed(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('PostgreSQL time limits', () => {
  it('take the defaults, the URL parameters, then the options; pg never sees the parameters', async () => {
    const url = 'postgresql://u:pw@127.0.0.1:5432/app';
    const plain = new PostgresEventStore({ connectionString: url });
    const fromUrl = new PostgresEventStore({
      connectionString: `${url}?connectTimeoutMs=2500&sslmode=disable&statementTimeoutMs=7000&schema=x_1`,
    });
    const both = new PostgresEventStore({
      connectionString: `${url}?statementTimeoutMs=7000`,
      statementTimeoutMs: 0,
      connectTimeoutMs: 1234,
    });
    try {
      expect(plain.timeouts).toEqual({ connectTimeoutMs: 10_000, statementTimeoutMs: 30_000 });
      expect(plain.pool.options.connectionTimeoutMillis).toBe(10_000);
      expect(fromUrl.timeouts).toEqual({ connectTimeoutMs: 2500, statementTimeoutMs: 7000 });
      expect(fromUrl.pool.options.connectionString).toBe(`${url}?sslmode=disable`);
      expect(fromUrl.pool.options.connectionTimeoutMillis).toBe(2500);
      expect(fromUrl.schema).toBe('x_1');
      expect(both.timeouts).toEqual({ connectTimeoutMs: 1234, statementTimeoutMs: 0 });
      expect(both.pool.options.connectionString).toBe(url);
    } finally {
      await Promise.all([plain.close(), fromUrl.close(), both.close()]);
    }
    expect(splitTimeoutParams('postgresql://h/db?statementTimeoutMs=5&a=b#f')).toEqual({
      url: 'postgresql://h/db?a=b#f',
      timeouts: { statementTimeoutMs: 5 },
    });
  });

  it('are checked: malformed, negative, repeated, or a connect limit with your own pool', async () => {
    const url = 'postgresql://127.0.0.1:5432/app';
    const cases: [() => unknown, string, unknown][] = [
      [
        () => new PostgresEventStore({ connectionString: `${url}?statementTimeoutMs=soon` }),
        'statementTimeoutMs',
        'soon',
      ],
      [
        () => new PostgresEventStore({ connectionString: `${url}?connectTimeoutMs=` }),
        'connectTimeoutMs',
        '',
      ],
      [
        () =>
          new PostgresEventStore({
            connectionString: `${url}?connectTimeoutMs=1&connectTimeoutMs=2`,
          }),
        'connectTimeoutMs',
        '2',
      ],
      [
        () => new PostgresEventStore({ connectionString: url, statementTimeoutMs: -1 }),
        'statementTimeoutMs',
        -1,
      ],
      [
        () => new PostgresEventStore({ connectionString: url, connectTimeoutMs: 1.5 }),
        'connectTimeoutMs',
        1.5,
      ],
    ];
    for (const [create, option, value] of cases) {
      const error = invalidOption(create);
      expect([error.option, error.value]).toEqual([option, value]);
    }
    const store = new PostgresEventStore({ connectionString: database().url });
    try {
      const error = invalidOption(
        () => new PostgresEventStore({ pool: store.pool, connectTimeoutMs: 100 }),
      );
      expect(error.option).toBe('connectTimeoutMs');
    } finally {
      await store.close();
    }
  });

  it('a statement past its limit fails as a lost connection, in time, and the store goes on', async () => {
    const schema = uniqueName('slow');
    const store = await PostgresEventStore.connect({
      connectionString: `${database().url}?statementTimeoutMs=300`,
      schema,
    });
    const admin = await rawClient(database().url);
    try {
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".streams IN ACCESS EXCLUSIVE MODE`);
      const { error, ms } = await timed(store.append('Slow-1', [event('A')]));
      await admin.query('ROLLBACK');
      expect(DatabaseError.is(error) && error.connectionLost).toBe(true);
      expect((error as Error).message).toBe(
        'PostgreSQL append to stream "Slow-1" failed: Query read timeout',
      );
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(2_000);
      expect((await store.append('Slow-2', [event('B')])).version).toBe(1);
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('a server that does not answer fails the connection in time', async () => {
    const target = new URL(database().url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    proxy.partition();
    const url = new URL(database().url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    try {
      const { error, ms } = await timed(
        PostgresEventStore.connect({ connectionString: url.toString(), connectTimeoutMs: 300 }),
      );
      expect(DatabaseError.is(error) && error.connectionLost).toBe(true);
      expect(ms).toBeLessThan(2_000);
      expect(proxy.accepted).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
