/**
 * SqliteSnapshotStore's lifecycle and arguments: `await using` closes it and
 * leaves the connection to its owner; a bad source is an InvalidOptionError
 * naming it.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatabaseError,
  InvalidOptionError,
  StoreClosedError,
  ValidationError,
} from '../../src/core/errors.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../../src/stores/sqlite/sqlite-snapshot-store.js';
import { createTempDir } from './support/temp-dir.js';
import { rejection, thrown } from '../support/rejection.js';

const dir = createTempDir('eventfold-snapshots-');
afterAll(() => dir.remove());

describe('SqliteSnapshotStore lifecycle', () => {
  it('closes with await using and leaves the event store’s connection open', async () => {
    const file = dir.file();
    await using store = new SqliteEventStore(file);
    let kept: SqliteSnapshotStore;
    {
      await using snapshots = new SqliteSnapshotStore(store);
      kept = snapshots;
      await snapshots.save({ streamId: 'Task-1', version: 4, schemaVersion: 1, state: { n: 4 } });
    }
    expect(StoreClosedError.is(await rejection(kept.load('Task-1')))).toBe(true);
    expect(kept.database.open).toBe(true);
    // The connection still serves the event store and a new snapshot store.
    expect(await store.getVersion('Task-1')).toBe(0);
    await using again = new SqliteSnapshotStore(store);
    expect((await again.load('Task-1'))?.state).toEqual({ n: 4 });
  });

  it('closes with await using on a handle of yours, which stays open', async () => {
    const db = new Database(':memory:');
    try {
      {
        await using snapshots = new SqliteSnapshotStore(db);
        expect(await snapshots.delete('Task-1')).toBe(false);
      }
      expect(db.open).toBe(true);
      expect(db.prepare('SELECT count(*) FROM eventfold_snapshots').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('SqliteSnapshotStore arguments', () => {
  it('refuses a source that is neither a SqliteEventStore nor a database, naming it', () => {
    for (const source of [{}, 'events.db', null, undefined, 42, { database: {} }]) {
      const error = thrown(() => new SqliteSnapshotStore(source as never));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect(ValidationError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe('source');
      expect((error as InvalidOptionError).value).toBe(source);
      expect((error as Error).message).toMatch(
        /^Invalid option source=.*: expected a SqliteEventStore or an open better-sqlite3 Database$/,
      );
    }
  });

  it('refuses a closed handle, and an event store whose own connection is closed, with a DatabaseError', async () => {
    const db = new Database(':memory:');
    db.close();
    const error = thrown(() => new SqliteSnapshotStore(db));
    expect(DatabaseError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      'SqliteSnapshotStore: the database handle ":memory:" is closed',
    );
    const store = new SqliteEventStore(':memory:');
    await store.close();
    expect(DatabaseError.is(thrown(() => new SqliteSnapshotStore(store)))).toBe(true);
  });
});
