/**
 * NatsSubscriptionStorage against the real NATS server: checkpoints (with
 * their compare-and-set), dead letters, leases (with a race of holders on
 * separate connections), the transaction's outcomes and conflicts, the
 * buckets it creates, bad input; then the shared subscription cases, run on
 * the in-memory event store with this storage.
 */
import { describe, expect, it } from 'vitest';
import {
  DatabaseError,
  InMemoryEventStore,
  InvalidOptionError,
  ValidationError,
  type Position,
  type RecordedEvent,
} from '../../src/index.js';
import { sequencePosition } from '../../src/core/position.js';
import { CheckpointConflictError } from '../../src/subscriptions/index.js';
import { NatsSubscriptionStorage } from '../../src/stores/nats/subscriptions/nats-subscription-storage.js';
import { useNats, uniquePrefix } from '../support/nats-test.js';
import { rejection, thrown } from '../support/rejection.js';
import { sleep } from '../support/wait.js';
import type { SubscriptionBackend } from '../subscriptions/support/backend.js';
import { mapReadModel } from '../subscriptions/support/map-read-model.js';
import { runSubscriptionCases } from '../subscriptions/support/subscription-cases.js';

const nats = useNats();

function storage(prefix = uniquePrefix('subs')): NatsSubscriptionStorage {
  return new NatsSubscriptionStorage(nats.connection(), { prefix });
}

const at = (n: number): Position => sequencePosition(n);

function event(n: number, id = `e${n}`): RecordedEvent {
  return {
    streamId: `Task-${n}`,
    version: n,
    position: at(n),
    id,
    type: 'Created',
    data: {},
    metadata: {},
    recordedAt: new Date(0),
    tags: [],
  };
}

/** Names that are not valid key-value keys as they are. */
const ODD_NAMES = ['a.b', 'a b', '*', '>', 'ünïcødé ✓', '../x', 'x'.repeat(200), '$KV.x'];

describe('NatsSubscriptionStorage checkpoints', () => {
  it('loads, saves, lists in code point order and deletes, for any name', async () => {
    const { checkpoints } = storage();
    expect(await checkpoints.load('a')).toBeUndefined();
    expect(await checkpoints.list()).toEqual([]);
    for (const [i, name] of ODD_NAMES.entries()) await checkpoints.save(name, at(i + 1));
    await checkpoints.save('a', null);
    const listed = await checkpoints.list();
    expect(listed.map((c) => c.name)).toEqual(
      [...ODD_NAMES, 'a'].sort((x, y) => (Buffer.from(x) < Buffer.from(y) ? -1 : 1)),
    );
    expect(listed.every((c) => c.updatedAt instanceof Date)).toBe(true);
    const loaded = await checkpoints.load('ünïcødé ✓');
    expect(loaded?.position).toBe(at(5));
    expect(loaded?.name).toBe('ünïcødé ✓');
    expect((await checkpoints.load('a'))?.position).toBeNull();
    expect(await checkpoints.delete('a.b')).toBe(true);
    expect(await checkpoints.delete('a.b')).toBe(false);
    expect(await checkpoints.load('a.b')).toBeUndefined();
    await checkpoints.save('a.b', at(9), { expected: null }); // deleted: no checkpoint again
    expect((await checkpoints.load('a.b'))?.position).toBe(at(9));
  });

  it('saves with expected only when the stored checkpoint is it, else a CheckpointConflictError', async () => {
    const { checkpoints } = storage();
    await checkpoints.save('s', at(1), { expected: null });
    await checkpoints.save('s', at(2), { expected: at(1) });
    const error = await rejection(checkpoints.save('s', at(3), { expected: at(1) }));
    expect(CheckpointConflictError.is(error)).toBe(true);
    expect(error).toMatchObject({ subscription: 's', expected: at(1), actual: at(2) });
    expect((await checkpoints.load('s'))?.position).toBe(at(2));
    // A checkpoint at the start counts as none.
    await checkpoints.save('s', null);
    await checkpoints.save('s', at(4), { expected: null });
    expect((await checkpoints.load('s'))?.position).toBe(at(4));
  });

  it('lets exactly one of many racing conditional saves win, across connections', async () => {
    const prefix = uniquePrefix('race');
    const racers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const connection = await nats.connectAnother();
        return new NatsSubscriptionStorage(connection, { prefix });
      }),
    );
    for (let round = 1; round <= 5; round++) {
      const expected = round === 1 ? null : at(round - 1);
      const results = await Promise.allSettled(
        racers.map((r, i) => r.checkpoints.save('raced', at(round * 100 + i), { expected })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const lost of results.filter((r) => r.status === 'rejected'))
        expect(CheckpointConflictError.is(lost.reason)).toBe(true);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await racers[0]?.checkpoints.load('raced'))?.position).toBe(at(round * 100 + winner));
      await racers[0]?.checkpoints.save('raced', at(round));
    }
  });
});

describe('NatsSubscriptionStorage transactions', () => {
  it('checks the expected checkpoint before the work, and writes the outcome', async () => {
    const s = storage();
    let ran = 0;
    await s.transaction({ name: 'p', expected: null }, () => {
      ran++;
      return {
        checkpoint: at(3),
        park: {
          subscription: 'p',
          event: event(2),
          error: { name: 'E', message: 'm' },
          attempts: 3,
        },
      };
    });
    expect((await s.checkpoints.load('p'))?.position).toBe(at(3));
    expect((await s.deadLetters.list('p')).map((l) => [l.eventId, l.attempts])).toEqual([
      ['e2', 3],
    ]);
    const error = await rejection(
      s.transaction({ name: 'p', expected: at(1) }, () => {
        ran++;
        return { checkpoint: at(9) };
      }),
    );
    expect(CheckpointConflictError.is(error)).toBe(true);
    expect(error).toMatchObject({ expected: at(1), actual: at(3) });
    expect(ran).toBe(1);
    await s.transaction({ name: 'p', expected: at(3) }, () => ({
      unpark: 'e2',
      checkpoint: at(4),
    }));
    expect(await s.deadLetters.count('p')).toBe(0);
    expect((await s.checkpoints.load('p'))?.position).toBe(at(4));
  });

  it('refuses to write a checkpoint moved while the work ran (even back to where it was)', async () => {
    const s = storage();
    await s.checkpoints.save('p', at(1));
    const other = storage(s.prefix);
    const error = await rejection(
      s.transaction({ name: 'p', expected: at(1) }, async () => {
        await other.checkpoints.save('p', at(7));
        await other.checkpoints.save('p', at(1));
        return { checkpoint: at(2) };
      }),
    );
    expect(CheckpointConflictError.is(error)).toBe(true);
    expect((await s.checkpoints.load('p'))?.position).toBe(at(1));
    // Without expected, the write is unconditional.
    await s.transaction({ name: 'p' }, () => ({ checkpoint: at(5) }));
    expect((await s.checkpoints.load('p'))?.position).toBe(at(5));
  });

  it('writes nothing when the work throws, and resets other members with alsoLocks', async () => {
    const s = storage();
    await s.checkpoints.save('g-0', at(5));
    await s.checkpoints.save('g-1', at(6));
    await s.deadLetters.park({
      subscription: 'g-1',
      event: event(1),
      error: { name: 'E', message: 'm' },
      attempts: 1,
    });
    const boom = new Error('boom');
    expect(await rejection(s.transaction({ name: 'g-0' }, () => Promise.reject(boom)))).toBe(boom);
    expect((await s.checkpoints.load('g-0'))?.position).toBe(at(5));
    await s.transaction({ name: 'g-0', expected: at(5), alsoLocks: ['g-1'] }, () => ({
      reset: ['g-0', 'g-1'],
      checkpoint: at(8),
    }));
    expect((await s.checkpoints.load('g-0'))?.position).toBeNull();
    expect((await s.checkpoints.load('g-1'))?.position).toBeNull();
    expect(await s.deadLetters.count()).toBe(0);
  });
});

describe('NatsSubscriptionStorage dead letters', () => {
  it('parks (adding attempts, keeping parkedAt), lists by position, counts, removes and clears', async () => {
    const { deadLetters } = storage();
    const error = { name: 'TypeError', message: 'bad', stack: 'TypeError: bad\n  at x' };
    await deadLetters.park({ subscription: 'a.b', event: event(5), error, attempts: 2 });
    await deadLetters.park({ subscription: 'a.b', event: event(3), error, attempts: 1 });
    await deadLetters.park({ subscription: 'other', event: event(4), error, attempts: 1 });
    const [first] = await deadLetters.list('a.b');
    await sleep(5);
    await deadLetters.park({
      subscription: 'a.b',
      event: event(3),
      error: { name: 'E', message: 'again' },
      attempts: 3,
    });
    const listed = await deadLetters.list('a.b');
    expect(listed.map((l) => [l.eventId, l.attempts, l.error.message])).toEqual([
      ['e3', 4, 'again'],
      ['e5', 2, 'bad'],
    ]);
    expect(listed[0]?.parkedAt).toEqual(first?.parkedAt);
    expect(listed[0]?.lastAttemptAt.getTime()).toBeGreaterThan(first?.lastAttemptAt.getTime() ?? 0);
    expect(listed[1]).toMatchObject({
      subscription: 'a.b',
      streamId: 'Task-5',
      version: 5,
      position: at(5),
      type: 'Created',
      error,
    });
    expect((await deadLetters.list()).map((l) => l.eventId)).toEqual(['e3', 'e4', 'e5']);
    expect((await deadLetters.list(undefined, { limit: 2 })).map((l) => l.eventId)).toEqual([
      'e3',
      'e4',
    ]);
    expect(await deadLetters.count('a.b')).toBe(2);
    expect(await deadLetters.count()).toBe(3);
    expect(await deadLetters.remove('a.b', 'e3')).toBe(true);
    expect(await deadLetters.remove('a.b', 'e3')).toBe(false);
    expect(await deadLetters.remove('a.b', '')).toBe(false);
    expect(await deadLetters.clear('a.b')).toBe(1);
    expect(await deadLetters.clear('a.b')).toBe(0);
    expect(await deadLetters.count()).toBe(1);
  });

  it('adds every attempt of concurrent parks of one event', async () => {
    const { deadLetters } = storage();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        deadLetters.park({
          subscription: 's',
          event: event(1),
          error: { name: 'E', message: 'm' },
          attempts: 1,
        }),
      ),
    );
    expect((await deadLetters.list('s'))[0]?.attempts).toBe(8);
  });
});

describe('NatsSubscriptionStorage leases', () => {
  it('grants one holder at a time, hands an expired lease over, and fails the old holder’s renewal', async () => {
    const { leases } = storage();
    const a = await leases.tryAcquire('task.list', 'worker-a', 1_000);
    expect(a).toMatchObject({ name: 'task.list', holder: 'worker-a' });
    expect(await leases.tryAcquire('task.list', 'worker-b', 1_000)).toBeUndefined();
    const info = await leases.holderOf('task.list');
    expect(info?.holder).toBe('worker-a');
    expect(info?.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await a?.renew()).toBe(true);
    await sleep(1_050);
    expect(await leases.holderOf('task.list')).toBeUndefined();
    const b = await leases.tryAcquire('task.list', 'worker-b', 5_000);
    expect(b?.holder).toBe('worker-b');
    expect(await a?.renew()).toBe(false);
    await a?.release(); // lost: leaves b's lease alone
    expect((await leases.holderOf('task.list'))?.holder).toBe('worker-b');
    // The same holder may take its own lease again.
    const again = await leases.tryAcquire('task.list', 'worker-b', 5_000);
    expect(again?.holder).toBe('worker-b');
    expect(await b?.renew()).toBe(false);
    await again?.release();
    await again?.release();
    expect(await leases.holderOf('task.list')).toBeUndefined();
    const c = await leases.tryAcquire('task.list', 'worker-c', 5_000);
    expect(c?.holder).toBe('worker-c');
  });

  it('lets exactly one of many holders racing on separate connections take a free lease', async () => {
    const prefix = uniquePrefix('lease-race');
    const racers = await Promise.all(
      Array.from(
        { length: 8 },
        async () => new NatsSubscriptionStorage(await nats.connectAnother(), { prefix }),
      ),
    );
    for (let round = 0; round < 5; round++) {
      const name = `raced-${round}`;
      const leases = await Promise.all(
        racers.map((r, i) => r.leases.tryAcquire(name, `holder-${i}`, 10_000)),
      );
      const held = leases.filter((lease) => lease !== undefined);
      expect(held).toHaveLength(1);
      expect((await racers[0]?.leases.holderOf(name))?.holder).toBe(held[0]?.holder);
      expect(await held[0]?.renew()).toBe(true);
    }
  });

  it('releases the leases it holds on close, and refuses bad arguments', async () => {
    const s = storage();
    await s.leases.tryAcquire('x', 'me', 10_000);
    {
      await using closing = storage(s.prefix);
      expect(await closing.leases.tryAcquire('y', 'me', 10_000)).toBeDefined();
    }
    expect(await s.leases.holderOf('y')).toBeUndefined();
    expect((await s.leases.holderOf('x'))?.holder).toBe('me');
    expect(InvalidOptionError.is(await rejection(s.leases.tryAcquire('x', 'me', 0)))).toBe(true);
    expect(InvalidOptionError.is(await rejection(s.leases.tryAcquire('x', '', 10)))).toBe(true);
    expect(ValidationError.is(await rejection(s.leases.tryAcquire('', 'me', 10)))).toBe(true);
  });
});

describe('NatsSubscriptionStorage setup', () => {
  it('creates its buckets with file storage, one replica and one value per key', async () => {
    const s = storage();
    expect(s.capabilities).toEqual({ atomicReadModels: false, synchronousTransactions: false });
    await s.ensure();
    for (const kind of ['checkpoints', 'dead-letters', 'leases', 'members']) {
      const info = await nats.manager().streams.info(`KV_${s.prefix}-${kind}`);
      expect(info.config).toMatchObject({
        storage: 'file',
        num_replicas: 1,
        max_msgs_per_subject: 1,
      });
    }
  });

  it('rejects with a DatabaseError when the server refuses a bucket (3 replicas on one server)', async () => {
    const s = new NatsSubscriptionStorage(nats.connection(), {
      prefix: uniquePrefix('replicated'),
      replicas: 3,
    });
    const error = await rejection(s.ensure());
    expect(DatabaseError.is(error)).toBe(true);
    expect((error as DatabaseError).connectionLost).toBe(false);
    expect((error as Error).message).toMatch(
      /^NATS opening the key-value bucket "replicated-[0-9a-f]+-\w[\w-]*" failed: /,
    );
    // The failed opening is not kept: the next call asks the server again.
    expect(DatabaseError.is(await rejection(s.checkpoints.load('a')))).toBe(true);
  });

  it('refuses a bad connection, prefix or replica count, naming it', () => {
    const connection = nats.connection();
    const cases: [unknown, unknown, string][] = [
      [{}, { prefix: 'p' }, 'connection'],
      [null, { prefix: 'p' }, 'connection'],
      [connection, undefined, 'options'],
      [connection, {}, 'prefix'],
      [connection, { prefix: 'a.b' }, 'prefix'],
      [connection, { prefix: 'x'.repeat(65) }, 'prefix'],
      [connection, { prefix: 'p', replicas: 0 }, 'replicas'],
      [connection, { prefix: 'p', replicas: 1.5 }, 'replicas'],
    ];
    for (const [c, options, option] of cases) {
      const error = thrown(() => new NatsSubscriptionStorage(c as never, options as never));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });

  it('refuses bad names with a ValidationError', async () => {
    const s = storage();
    for (const bad of ['', 'x'.repeat(201), 'a\u0000b', 42]) {
      expect(ValidationError.is(await rejection(s.checkpoints.load(bad as never)))).toBe(true);
      expect(ValidationError.is(await rejection(s.checkpoints.save(bad as never, null)))).toBe(
        true,
      );
      expect(
        ValidationError.is(await rejection(s.transaction({ name: bad as never }, () => ({})))),
      ).toBe(true);
      expect(ValidationError.is(await rejection(s.deadLetters.count(bad as never)))).toBe(true);
    }
  });

  it('fails with a DatabaseError that says the connection is lost once it is closed', async () => {
    const connection = await nats.connectAnother();
    const s = new NatsSubscriptionStorage(connection, { prefix: uniquePrefix('closed') });
    await s.checkpoints.save('a', at(1));
    const lease = await s.leases.tryAcquire('a', 'me', 10_000);
    await connection.close();
    // A lease on a closed connection is lost (renew says so), and releasing it never rejects.
    expect(await lease?.renew()).toBe(false);
    await lease?.release();
    const error = await rejection(s.checkpoints.load('a'));
    expect(DatabaseError.is(error)).toBe(true);
    expect((error as DatabaseError).connectionLost).toBe(true);
    expect((error as Error).message).toMatch(/^NATS loading the checkpoint of "a" failed: /);
  });
});

/** The in-memory event store with a NatsSubscriptionStorage; a peer is another connection on the same buckets. */
const natsStorageBackend: SubscriptionBackend<undefined> = {
  label: 'the in-memory store with NatsSubscriptionStorage',
  leasesExpire: true,
  capabilities: { atomicReadModels: false, synchronousTransactions: false },
  open: () => {
    const store = new InMemoryEventStore();
    const prefix = uniquePrefix('cases');
    const main = new NatsSubscriptionStorage(nats.connection(), { prefix });
    const readModel = mapReadModel();
    return Promise.resolve({
      store,
      storage: main,
      readModel,
      close: async () => {
        await main.close();
        await store.close();
      },
      openPeer: async () => {
        const peer = new NatsSubscriptionStorage(await nats.connectAnother(), { prefix });
        return { store, storage: peer, close: () => peer.close() };
      },
      ghostLease: async (name, ttlMs, holder = 'ghost') => {
        const ghost = new NatsSubscriptionStorage(await nats.connectAnother(), { prefix });
        await ghost.leases.tryAcquire(name, holder, ttlMs);
        return () => Promise.resolve();
      },
    });
  },
};

runSubscriptionCases(natsStorageBackend);
