/**
 * PostgresSnapshotStore's lifecycle and arguments: `await using` closes it and
 * leaves the pool to its owner; bad arguments are InvalidOptionErrors naming
 * them.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, StoreClosedError, ValidationError } from '../../src/core/errors.js';
import { PostgresEventStore } from '../../src/stores/postgres/postgres-event-store.js';
import { PostgresSnapshotStore } from '../../src/stores/postgres/postgres-snapshot-store.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { rejection, thrown } from '../support/rejection.js';

const database = useTestDatabase('snapshot_store');

describe('PostgresSnapshotStore lifecycle', () => {
  it('closes with await using; the event store and its pool stay open', async () => {
    await using store = await PostgresEventStore.connect({
      connectionString: database().url,
      schema: uniqueName('snap'),
    });
    let kept: PostgresSnapshotStore;
    {
      await using snapshots = new PostgresSnapshotStore(store);
      kept = snapshots;
      await snapshots.save({ streamId: 'Task-1', version: 2, schemaVersion: 1, state: [1, 2] });
    }
    expect(StoreClosedError.is(await rejection(kept.load('Task-1')))).toBe(true);
    expect(StoreClosedError.is(await rejection(kept.migrate()))).toBe(true);
    expect(await store.getVersion('Task-1')).toBe(0);
    await using again = new PostgresSnapshotStore(store);
    expect((await again.load('Task-1'))?.state).toEqual([1, 2]);
  });

  it('closes with await using on a pool of yours, which stays open', async () => {
    const pool = new pg.Pool({ connectionString: database().url, max: 2 });
    try {
      {
        await using snapshots = new PostgresSnapshotStore(pool, uniqueName('snap'));
        expect(await snapshots.delete('Task-1')).toBe(false);
      }
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('PostgresSnapshotStore arguments', () => {
  it('refuses a source that is neither a PostgresEventStore nor a pool, naming it', () => {
    for (const source of [{}, 'postgres://x', null, undefined, 42, { pool: {}, schema: 'x' }]) {
      const error = thrown(() => new PostgresSnapshotStore(source as never));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe('source');
      expect((error as InvalidOptionError).value).toBe(source);
      expect((error as Error).message).toMatch(
        /^Invalid option source=.*: expected a PostgresEventStore, or a pg Pool \(and a schema name\)$/,
      );
    }
  });

  it('refuses a schema that is not a string, or not the event store’s, naming it', async () => {
    const pool = new pg.Pool({ connectionString: database().url, max: 1 });
    const schema = uniqueName('snap');
    const store = new PostgresEventStore({ connectionString: database().url, schema });
    try {
      for (const bad of [42, null, true, {}]) {
        const error = thrown(() => new PostgresSnapshotStore(pool, bad as never));
        expect(InvalidOptionError.is(error)).toBe(true);
        expect((error as InvalidOptionError).option).toBe('schema');
      }
      const other = thrown(
        () =>
          new (PostgresSnapshotStore as new (s: unknown, n: string) => PostgresSnapshotStore)(
            store,
            'other_schema',
          ),
      );
      expect(InvalidOptionError.is(other)).toBe(true);
      expect((other as Error).message).toBe(
        `Invalid option schema="other_schema": expected the event store's schema "${schema}" (pass its pool to use another schema)`,
      );
      expect(new PostgresSnapshotStore(store).schema).toBe(schema);
      for (const unsafe of ['a; DROP TABLE x', 'Billing', 'pg_catalog', '', 'x'.repeat(49)]) {
        const error = thrown(() => new PostgresSnapshotStore(pool, unsafe));
        expect(InvalidOptionError.is(error)).toBe(true);
        expect(ValidationError.is(error)).toBe(true);
        expect((error as InvalidOptionError).option).toBe('schema');
        expect((error as InvalidOptionError).value).toBe(unsafe);
      }
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
