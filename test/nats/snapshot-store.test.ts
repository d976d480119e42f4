/**
 * NatsSnapshotStore against the real NATS server: the shared snapshot-store
 * suite, its bucket, a snapshot larger than a NATS message, a delete that
 * erases, and bad arguments.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, StoreClosedError, ValidationError } from '../../src/index.js';
import { NatsSnapshotStore } from '../../src/stores/nats/nats-snapshot-store.js';
import { runSnapshotStoreSuite } from '../../src/testing/index.js';
import { useNats, uniquePrefix } from '../support/nats-test.js';
import { rejection, thrown } from '../support/rejection.js';

const nats = useNats();

runSnapshotStoreSuite('nats (a key-value bucket)', {
  describe,
  it,
  createSnapshotStore: () =>
    Promise.resolve(new NatsSnapshotStore(nats.connection(), { prefix: uniquePrefix('snap') })),
});

describe('NatsSnapshotStore', () => {
  it('keeps snapshots in <prefix>-snapshots, shared by stores of one prefix, and leaves the connection open', async () => {
    const prefix = uniquePrefix('snap');
    {
      await using snapshots = new NatsSnapshotStore(nats.connection(), { prefix });
      await snapshots.ensure();
      await snapshots.save({ streamId: 'Task.1 ✓', version: 3, schemaVersion: 1, state: { n: 3 } });
    }
    expect(nats.connection().isClosed()).toBe(false);
    const info = await nats.manager().streams.info(`KV_${prefix}-snapshots`);
    expect(info.config).toMatchObject({
      storage: 'file',
      num_replicas: 1,
      max_msgs_per_subject: 1,
    });
    expect(info.state.messages).toBe(1);
    await using again = new NatsSnapshotStore(nats.connection(), { prefix });
    expect(await again.load('Task.1 ✓')).toMatchObject({ version: 3, state: { n: 3 } });
    // A delete removes the message itself: no delete marker is left in the stream.
    expect(await again.delete('Task.1 ✓')).toBe(true);
    expect((await nats.manager().streams.info(`KV_${prefix}-snapshots`)).state.messages).toBe(0);
    expect(StoreClosedError.is(await rejection(closedStore().ensure()))).toBe(true);
  });

  it('refuses a snapshot larger than one NATS message before sending it, and stays usable', async () => {
    await using snapshots = new NatsSnapshotStore(nats.connection(), {
      prefix: uniquePrefix('snap'),
    });
    const max = nats.connection().info?.max_payload ?? 0;
    const error = await rejection(
      snapshots.save({ streamId: 'Big-1', version: 1, schemaVersion: 1, state: 'x'.repeat(max) }),
    );
    expect(ValidationError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^The snapshot of stream "Big-1" is \d+ bytes: more than the \d+ bytes/,
    );
    expect(await snapshots.load('Big-1')).toBeUndefined();
    const fits = 'x'.repeat(max - 4096);
    expect(
      await snapshots.save({ streamId: 'Big-1', version: 1, schemaVersion: 1, state: fits }),
    ).toBe(true);
    expect((await snapshots.load('Big-1'))?.state).toBe(fits);
  });

  it('refuses a bad connection or prefix, naming it', () => {
    for (const [connection, options, option] of [
      [undefined, { prefix: 'p' }, 'connection'],
      [nats.connection(), { prefix: '' }, 'prefix'],
      [nats.connection(), { prefix: 'p', replicas: 6 }, 'replicas'],
    ] as const) {
      const error = thrown(() => new NatsSnapshotStore(connection as never, options));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });
});

function closedStore(): NatsSnapshotStore {
  const store = new NatsSnapshotStore(nats.connection(), { prefix: uniquePrefix('snap') });
  void store.close();
  return store;
}
