import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import { defineProjection, startProjection, subscribe } from '../../src/subscriptions/index.js';
import type { SqliteTransaction } from '../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import { within } from '../support/wait.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-default-storage-');
afterAll(() => dir.remove());

const created = (n: number) => ({ type: 'Created', data: { n } });

describe('a subscription on SQLite without a storage', () => {
  it('keeps its checkpoint in the store’s file: a restart on a new store object resumes from it', async () => {
    const file = dir.file();
    const seen: number[] = [];
    {
      await using store = new SqliteEventStore(file);
      await store.append('Task-1', [created(1), created(2)]);
      const sub = subscribe(store, { name: 'mailer', handler: (e) => void seen.push(e.version) });
      expect(sub.storage).toBeInstanceOf(SqliteSubscriptionStorage);
      const last = await store.append('Task-1', [created(3)]);
      await within(sub.waitForPosition(last.position), 'the first run');
      await sub.stop();
    }
    {
      await using store = new SqliteEventStore(file);
      const last = await store.append('Task-1', [created(4)]);
      const sub = subscribe(store, { name: 'mailer', handler: (e) => void seen.push(e.version) });
      await within(sub.waitForPosition(last.position), 'the restart');
      await sub.stop();
    }
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('runs a projection in the store’s own transactions, resuming after a restart', async () => {
    const file = dir.file();
    const projection = defineProjection<SqliteTransaction>({
      name: 'counter',
      handlers: {
        Created: (e, db) => {
          db.prepare('INSERT INTO seen (version) VALUES (?)').run(e.version);
        },
      },
    });
    const run = async (append: number) => {
      await using store = new SqliteEventStore(file);
      store.database.exec('CREATE TABLE IF NOT EXISTS seen (version INTEGER)');
      const last = await store.append('Task-1', [created(append)]);
      const running = startProjection(store, projection);
      await within(running.waitForPosition(last.position), `run ${append}`);
      await running.stop();
      return store.database.prepare('SELECT version FROM seen ORDER BY rowid').pluck().all();
    };
    expect(await run(1)).toEqual([1]);
    expect(await run(2)).toEqual([1, 2]);
  });

  it('shares one storage per store between its subscriptions', async () => {
    await using store = new SqliteEventStore(dir.file());
    const a = subscribe(store, { name: 'a', handler: () => undefined });
    const b = subscribe(store, { name: 'b', handler: () => undefined });
    expect(a.storage).toBe(b.storage);
    await Promise.all([a.stop(), b.stop()]);
  });
});
