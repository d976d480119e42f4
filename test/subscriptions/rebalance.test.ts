import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, type RecordedEvent } from '../../src/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import type { SqliteTransaction } from '../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import type { GroupSubscription } from '../../src/subscriptions/index.js';
import {
  assignedPartitions,
  assignPartitions,
  ComposedSubscriptionStorage,
  defineDocumentProjection,
  defineProjection,
  documentCollection,
  documentsOf,
  groupMemberOf,
  InMemoryCheckpointStore,
  InMemoryDeadLetterStore,
  InMemoryLeaseStore,
  InMemorySubscriptionStorage,
  startProjection,
  subscribe,
  Subscription,
} from '../../src/subscriptions/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { sleep, waitFor, within } from '../support/wait.js';

const FAST = { heartbeatMs: 30, ttlMs: 400 } as const;
const LEASE = { ttlMs: 300, retryMs: 20 } as const;

describe('partition assignment', () => {
  it('gives partition p to the member at p mod n of the sorted members', () => {
    expect(assignedPartitions('b', ['c', 'a', 'b'], 8)).toEqual([1, 4, 7]);
    expect(assignedPartitions('a', ['c', 'a', 'b'], 8)).toEqual([0, 3, 6]);
    expect(assignedPartitions('z', ['c', 'a', 'b'], 8)).toEqual([]);
    expect(assignedPartitions('a', [], 8)).toEqual([]);
    expect([...assignPartitions(['b', 'a'], 4)]).toEqual([
      ['a', [0, 2]],
      ['b', [1, 3]],
    ]);
  });

  it('covers every partition exactly once, balanced, whatever the order of the list', () => {
    for (let n = 1; n <= 9; n++) {
      const members = Array.from({ length: n }, (_, i) => `m-${(i * 7) % 10}-${i}`);
      for (const partitions of [1, 5, 16, 17]) {
        const reversed = assignPartitions([...members].reverse(), partitions);
        const assignment = assignPartitions(members, partitions);
        expect([...reversed]).toEqual([...assignment]);
        const all = [...assignment.values()].flat().sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: partitions }, (_, p) => p));
        const sizes = [...assignment.values()].map((owned) => owned.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('sorts member ids in code point order, as the SQL storages do', () => {
    // '😀' is a surrogate pair in UTF-16 (0xD83D…), which `<` puts before U+FFFD.
    expect(assignedPartitions('😀', ['\uFFFD', '😀'], 2)).toEqual([1]);
  });
});

describe('rebalancing group options', () => {
  const store = new InMemoryEventStore();
  const handler = (): undefined => undefined;

  it('are checked before it starts, each bad one named', () => {
    const bad: [object, string][] = [
      [{ partitions: 0 }, 'group.partitions'],
      [{ partitions: 1025 }, 'group.partitions'],
      [{ partitions: 2.5 }, 'group.partitions'],
      [{ partitions: 4, memberId: '' }, 'group.memberId'],
      [{ partitions: 4, heartbeatMs: 0 }, 'group.heartbeatMs'],
      [{ partitions: 4, heartbeatMs: 1_000, ttlMs: 1_000 }, 'group.ttlMs'],
      [{ partitions: 4, members: 2, member: 0 }, 'group'],
    ];
    for (const [group, option] of bad) {
      expect(() =>
        subscribe(store, { name: 'g', group: group as { partitions: number }, handler }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option }));
    }
    expect(() =>
      subscribe(store, { name: 'g', group: { partitions: 4 }, lease: false, handler }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'lease' }));
  });

  it('need a storage with membership', () => {
    const storage = new ComposedSubscriptionStorage({
      checkpoints: new InMemoryCheckpointStore(),
      deadLetters: new InMemoryDeadLetterStore(),
      leases: new InMemoryLeaseStore(),
    });
    expect(() =>
      subscribe(store, { name: 'g', group: { partitions: 4 }, storage, handler }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'storage' }));
  });

  it('are refused by a lone Subscription, which runs fixed groups only', () => {
    expect(
      () =>
        new Subscription(
          store,
          { name: 'g', group: { partitions: 4 } },
          {
            inTransaction: false,
            apply: handler,
          },
        ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'group' }));
  });
});

describe('rebalancing group in one process (memory)', () => {
  it('moves partitions between members as they join and leave: each event once, per-stream order kept, one holder per partition', async () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    const partitions = 8;
    const handled = new Map<string, number>();
    const lastVersion = new Map<string, number>();
    const active = new Map<number, string>();
    const violations: string[] = [];
    const member = (memberId: string): GroupSubscription =>
      subscribe(store, {
        name: 'mailer',
        storage,
        lease: LEASE,
        batchSize: 5,
        group: { partitions, memberId, ...FAST },
        handler: async (event: RecordedEvent) => {
          const p = groupMemberOf(event.streamId, partitions);
          const other = active.get(p);
          if (other !== undefined) violations.push(`${memberId} and ${other} both in ${p}`);
          active.set(p, memberId);
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
          const last = lastVersion.get(event.streamId) ?? 0;
          if (event.version !== last + 1)
            violations.push(`${event.streamId} v${event.version} after v${last}`);
          lastVersion.set(event.streamId, event.version);
          await sleep(1);
          active.delete(p);
        },
      });

    let writing = true;
    let appended = 0;
    const writer = (async () => {
      while (writing) {
        const stream = `Task-${appended % 23}`;
        await store.append(stream, [{ type: 'Touched', data: { n: appended } }]);
        appended++;
        await sleep(2);
      }
    })();

    const a = member('a');
    await within(
      waitFor(() => a.owned.length === partitions, 'a runs every partition'),
      'a',
    );
    const b = member('b');
    const c = member('c');
    await waitFor(
      () => a.owned.length + b.owned.length + c.owned.length === partitions && b.owned.length > 0,
      'three members share the partitions',
    );
    expect(b.members).toEqual(['a', 'b', 'c']);
    await sleep(200);
    await b.stop();
    await waitFor(() => a.owned.length + c.owned.length === partitions, 'a and c take b over');
    const d = member('d');
    await sleep(200);
    writing = false;
    await writer;
    const head = await store.headPosition();
    if (head === undefined) throw new Error('no events');
    await within(a.waitForPosition(head), 'the group catches up');

    const status = await a.status();
    expect(status).toMatchObject({
      name: 'mailer',
      memberId: 'a',
      partitions,
      members: ['a', 'c', 'd'],
    });
    expect(status.running.map((s) => s.name)).toEqual(
      status.owned.map((p) => `mailer[${p}/${partitions}]`),
    );
    await Promise.all([a.stop(), c.stop(), d.stop()]);
    expect(await storage.membership?.members('mailer')).toEqual([]);

    expect(violations).toEqual([]);
    expect(handled.size).toBe(appended);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(a.processed + b.processed + c.processed + d.processed).toBe(appended);
    expect(a.state).toBe('stopped');
    await a.finished;
  });

  it('caughtUp resolves once every partition reached the head, and a stopped member rejects it', async () => {
    const store = new InMemoryEventStore();
    for (let i = 0; i < 40; i++) await store.append(`S-${i}`, [{ type: 'X', data: {} }]);
    const seen: string[] = [];
    const solo = subscribe(store, {
      name: 'solo',
      lease: LEASE,
      group: { partitions: 4, memberId: 'only', ...FAST },
      handler: (event) => void seen.push(event.id),
    });
    await within(solo.caughtUp, 'caughtUp');
    expect(seen).toHaveLength(40);
    expect(solo.owned).toEqual([0, 1, 2, 3]);
    await solo.stop();
    const stopped = subscribe(store, {
      name: 'solo-2',
      group: { partitions: 4, ...FAST },
      handler: () => undefined,
    });
    await stopped.stop();
    await expect(stopped.caughtUp).rejects.toThrow(/stopped/);
    expect(stopped.state).toBe('stopped');
  });

  it('fails when a partition fails (onFailure: stop), and leaves the group', async () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    await store.append('Bad-1', [{ type: 'X', data: {} }]);
    const member = subscribe(store, {
      name: 'fails',
      storage,
      lease: LEASE,
      onFailure: 'stop',
      retry: { maxRetries: 0 },
      group: { partitions: 2, memberId: 'm', ...FAST },
      handler: () => {
        throw new Error('boom');
      },
    });
    await expect(within(member.finished, 'failure')).rejects.toMatchObject({
      code: 'HANDLER_FAILED',
    });
    expect(member.state).toBe('failed');
    expect(await storage.membership?.members('fails')).toEqual([]);
  });

  it('refuses to join while partitions of another count of the group run', async () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    await store.append('Task-1', [{ type: 'X', data: {} }]);
    const handler = (): undefined => undefined;
    const eight = subscribe(store, {
      name: 'counted',
      storage,
      lease: LEASE,
      group: { partitions: 8, memberId: 'a', ...FAST },
      handler,
    });
    await within(eight.caughtUp, 'caught up');
    const four = subscribe(store, {
      name: 'counted',
      storage,
      lease: LEASE,
      group: { partitions: 4, memberId: 'b', ...FAST },
      handler,
    });
    await expect(within(four.finished, 'refusal')).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      option: 'group.partitions',
    });
    await eight.stop();
    // Once the others stopped, the new count starts (another set of checkpoints).
    const again = subscribe(store, {
      name: 'counted',
      storage,
      lease: LEASE,
      group: { partitions: 4, memberId: 'b', ...FAST },
      handler,
    });
    await within(again.caughtUp, 'the new count');
    await again.stop();
  });

  it('parks in the failing partition, and replays the parked events of the partitions it runs', async () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    for (let i = 0; i < 6; i++) await store.append(`Bad-${i}`, [{ type: 'X', data: {} }]);
    let fixed = false;
    const handled: string[] = [];
    const member = subscribe(store, {
      name: 'parks',
      storage,
      lease: LEASE,
      retry: { maxRetries: 0 },
      group: { partitions: 3, memberId: 'm', ...FAST },
      handler: (event) => {
        if (!fixed) throw new Error('boom');
        handled.push(event.streamId);
      },
    });
    await within(member.caughtUp, 'caught up');
    const parked = await storage.deadLetters.list();
    expect(parked).toHaveLength(6);
    expect(new Set(parked.map((l) => l.subscription))).toEqual(
      new Set(parked.map((l) => `parks[${groupMemberOf(l.streamId, 3)}/3]`)),
    );
    fixed = true;
    expect(await member.replayParked()).toEqual({ replayed: 6, failed: 0 });
    expect(handled.sort()).toEqual(['Bad-0', 'Bad-1', 'Bad-2', 'Bad-3', 'Bad-4', 'Bad-5']);
    expect(await storage.deadLetters.list()).toEqual([]);
    await member.stop();
  });
});

describe('a document projection in a rebalancing group (SQLite)', () => {
  const dir = createTempDir('eventfold-rebalance-docs-');
  afterAll(() => dir.remove());

  it('two members keep one document per stream, each event counted once', async () => {
    const counters = documentCollection<{ n: number }>()('counters', { indexes: {} });
    const counting = defineDocumentProjection<RecordedEvent>()({
      name: 'counting',
      collections: { counters },
      handlers: {
        Touched: async (event, { counters }) => {
          const current = await counters.get(event.streamId);
          await counters.upsert(event.streamId, { n: (current?.n ?? 0) + 1 });
        },
      },
    });
    const file = dir.file();
    await using store = new SqliteEventStore(file);
    for (let i = 0; i < 200; i++)
      await store.append(`Task-${i % 13}`, [{ type: 'Touched', data: {} }]);
    const member = (memberId: string): GroupSubscription =>
      startProjection(store, counting, {
        lease: LEASE,
        group: { partitions: 4, memberId, ...FAST },
      });
    const a = member('a');
    const b = member('b');
    await waitFor(() => a.owned.length === 2 && b.owned.length === 2, 'two partitions each');
    const appended = await store.append('Task-0', [{ type: 'Touched', data: {} }]);
    await within(a.waitForPosition(appended.position), 'caught up');
    const reader = documentsOf(store).collection(counters);
    let total = 0;
    for (let i = 0; i < 13; i++) total += (await reader.get(`Task-${i}`))?.n ?? 0;
    expect(total).toBe(201);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('a member reading for its partitions', () => {
  it("shares its partitions' reads of the same positions: far fewer queries than partitions × pages", async () => {
    const events = new InMemoryEventStore();
    for (let i = 0; i < 100; i++) {
      await events.append(
        `Task-${i}`,
        Array.from({ length: 20 }, () => ({ type: 'X', data: {} })),
      );
    }
    let reads = 0;
    const store = new Proxy(events, {
      get(target, property) {
        if (property === 'readAllPage') {
          return (options: Parameters<InMemoryEventStore['readAllPage']>[0]) => {
            reads++;
            return target.readAllPage(options);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const handled = new Map<string, number>();
    const member = subscribe(store, {
      name: 'shared',
      batchSize: 100,
      lease: LEASE,
      group: { partitions: 8, memberId: 'only', ...FAST },
      handler: (event) => void handled.set(event.id, (handled.get(event.id) ?? 0) + 1),
    });
    await within(member.caughtUp, 'caught up');
    const pages = 2_000 / 100;
    // Alone, each of the 8 partitions would read every page: 160 reads and more.
    expect(reads).toBeLessThan(pages * 3);
    expect(handled.size).toBe(2_000);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // Live: one append wakes the 8 partitions, and one read serves them.
    const before = reads;
    const appended = await store.append('Task-new', [{ type: 'X', data: {} }]);
    await member.waitForPosition(appended.position);
    expect(reads - before).toBeLessThanOrEqual(4);
    await member.stop();
  });
});

describe('rebalancing group of an exactly-once projection (SQLite file, one connection per member)', () => {
  const dir = createTempDir('eventfold-rebalance-');
  afterAll(() => dir.remove());

  it('hands partitions over without applying an event twice or skipping one, and rebuilds every partition', async () => {
    const file = dir.file();
    const writerStore = new SqliteEventStore(file);
    writerStore.database.exec(
      'CREATE TABLE rm_handled (event_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, count INTEGER NOT NULL)',
    );
    const projection = defineProjection<SqliteTransaction>({
      name: 'handled',
      handlers: {
        Touched: (event, db) => {
          db.prepare(
            `INSERT INTO rm_handled (event_id, stream_id, count) VALUES (?, ?, 1)
             ON CONFLICT (event_id) DO UPDATE SET count = count + 1`,
          ).run(event.id, event.streamId);
        },
      },
      reset: (db) => {
        db.exec('DELETE FROM rm_handled');
      },
    });
    const opened: SqliteEventStore[] = [];
    const member = (memberId: string): GroupSubscription<SqliteTransaction> => {
      const store = new SqliteEventStore(file);
      opened.push(store);
      return startProjection(store, projection, {
        storage: new SqliteSubscriptionStorage(store),
        lease: LEASE,
        batchSize: 7,
        pollIntervalMs: 20,
        group: { partitions: 6, memberId, ...FAST },
      });
    };
    let appended = 0;
    const append = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await writerStore.append(`Task-${appended % 17}`, [{ type: 'Touched', data: {} }]);
        appended++;
      }
    };
    const a = member('a');
    await append(100);
    const b = member('b');
    await append(100);
    const c = member('c');
    await waitFor(() => c.owned.length === 2, 'c runs its share');
    await append(100);
    await a.stop();
    await append(100);
    const head = await writerStore.headPosition();
    if (head === undefined) throw new Error('no events');
    await within(b.waitForPosition(head), 'caught up');
    const counts = () =>
      writerStore.database
        .prepare('SELECT count(*) AS n, sum(count) AS total, max(count) AS most FROM rm_handled')
        .get() as { n: number; total: number; most: number };
    expect(counts()).toEqual({ n: appended, total: appended, most: 1 });

    await b.rebuild();
    const after = await writerStore.headPosition();
    await within(
      waitFor(() => counts().n === appended && counts().most === 1, 'rebuilt'),
      'rebuild',
    );
    if (after !== undefined) await b.waitForPosition(after);
    expect(counts()).toEqual({ n: appended, total: appended, most: 1 });
    await Promise.all([b.stop(), c.stop()]);
    for (const store of opened) await store.close();
    await writerStore.close();
  });
});
