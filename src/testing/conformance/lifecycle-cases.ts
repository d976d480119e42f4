import assert from 'node:assert/strict';
import type { EventStore } from '../../core/event-store.js';
import {
  callCounter,
  type CaseContext,
  events,
  failsWith,
  pause,
  rejection,
  rejectsWith,
} from './fixtures.js';

/** How long a case waits to be sure that no (further) wake-up comes. */
const QUIET_MS = 200;

/** Append listeners: exact calls, stopping, disposal. */
function listenerCases({ describe, it, options, withStore }: CaseContext): void {
  describe('append listeners', () => {
    it('calls a listener once per committed append, never for a rejected one, never after stop', () =>
      withStore(async (store) => {
        const calls = callCounter();
        const stop = store.onAppended(calls.listener);
        await stop.ready;
        await rejectsWith(store.append('w-1', events(1), { expectedVersion: 3 }), 'CONCURRENCY');
        await rejectsWith(store.append('', events(1)), 'VALIDATION');
        await pause(QUIET_MS);
        assert.equal(calls.count, 0, 'no call for rejected appends');
        await store.append('w-1', events(1));
        await calls.reached(1);
        await pause(QUIET_MS);
        assert.equal(calls.count, 1, 'one call for one append');
        await store.append('w-1', events(2));
        await calls.reached(2);
        await pause(QUIET_MS);
        assert.equal(calls.count, 2, 'one more call for the next append');
        stop();
        stop();
        await store.append('w-1', events(1));
        await pause(QUIET_MS);
        assert.equal(calls.count, 2, 'no call after stop');
      }));

    it('stops a listener at the end of a `using` scope', () =>
      withStore(async (store) => {
        const calls = callCounter();
        {
          using subscription = store.onAppended(calls.listener);
          await subscription.ready;
          await store.append('d-1', events(1));
          await calls.reached(1);
        }
        await store.append('d-1', events(1));
        await pause(QUIET_MS);
        assert.equal(calls.count, 1, 'no call after disposal');
      }));

    it('stops a listener at the end of an `await using` scope', () =>
      withStore(async (store) => {
        const calls = callCounter();
        {
          await using subscription = store.onAppended(calls.listener);
          await subscription.ready;
          await store.append('d-2', events(1));
          await calls.reached(1);
        }
        await store.append('d-2', events(1));
        await pause(QUIET_MS);
        assert.equal(calls.count, 1, 'no call after disposal');
      }));

    it('wakes every listener although one throws, and the append still succeeds', () =>
      withStore(async (store) => {
        let thrown = 0;
        const calls = callCounter();
        using failing = store.onAppended(() => {
          thrown++;
          throw new Error('listener failure');
        });
        using counting = store.onAppended(calls.listener);
        await Promise.all([failing.ready, counting.ready]);
        const result = await store.append('t-1', events(1));
        assert.equal(result.version, 1);
        await calls.reached(1);
        await pause(QUIET_MS);
        assert.equal(thrown, 1);
        assert.equal(calls.count, 1);
      }));

    // Without cross-process notifications the wake-up is this process's own
    // signal, coalesced per turn of the event loop; through a server (LISTEN/NOTIFY)
    // each notification wakes listeners, and how many there are depends on timing.
    if (!options.capabilities.crossProcessNotifications) {
      it('coalesces the appends of one turn into one call', () =>
        withStore(async (store) => {
          const calls = callCounter();
          using subscription = store.onAppended(calls.listener);
          await subscription.ready;
          await Promise.all([
            store.append('c-1', events(1)),
            store.append('c-2', events(2)),
            store.append('c-1', events(1)),
          ]);
          await calls.reached(1);
          await pause(QUIET_MS);
          assert.equal(calls.count, 1);
        }));
    }
  });
}

/** Every method of a closed store fails with STORE_CLOSED. */
async function assertClosed(store: EventStore): Promise<void> {
  const calls: [string, () => unknown][] = [
    ['append', () => store.append('l-1', events(1))],
    ['read', () => store.read('l-1')],
    ['readAllPage', () => store.readAllPage()],
    ['readAll', () => store.readAll().toArray()],
    ['readAll iteration', () => store.readAll()[Symbol.asyncIterator]().next()],
    ['exists', () => store.exists('l-1')],
    ['getVersion', () => store.getVersion('l-1')],
    ['headPosition', () => store.headPosition()],
    ['countEventsAfter', () => store.countEventsAfter(undefined, {}, 10)],
    ['hasPendingEvents', () => store.hasPendingEvents(undefined, {})],
    ['onAppended', () => store.onAppended(() => undefined)],
  ];
  for (const [name, call] of calls) {
    const error = await failsWith(call, 'STORE_CLOSED', name);
    assert.equal(error.message, 'The event store is closed', name);
  }
}

/** Closing a store: idempotent close, `await using`, and every call afterwards. */
export function lifecycleCases(context: CaseContext): void {
  const { describe, it, options } = context;
  listenerCases(context);
  describe('closing', () => {
    it('close is idempotent and every later call fails with STORE_CLOSED', async () => {
      const store = await options.createStore({});
      await store.append('l-1', events(1));
      assert.deepEqual(await Promise.all([store.close(), store.close()]), [undefined, undefined]);
      assert.equal(await store.close(), undefined);
      assert.equal(await store[Symbol.asyncDispose](), undefined);
      await assertClosed(store);
    });

    it('`await using` closes the store at the end of its scope', async () => {
      let escaped: EventStore | undefined;
      {
        await using store = await options.createStore({});
        escaped = store;
        await store.append('u-1', events(2));
        assert.equal(await store.getVersion('u-1'), 2);
      }
      await assertClosed(escaped);
      assert.equal(await escaped.close(), undefined, 'close after disposal is fine');
    });

    it('`await using` closes the store when its scope throws', async () => {
      let escaped: EventStore | undefined;
      const failure = new Error('scope failed');
      const caught = await rejection(
        (async () => {
          await using store = await options.createStore({});
          escaped = store;
          await store.append('u-2', events(1));
          throw failure;
        })(),
      );
      assert.equal(caught, failure);
      assert.ok(escaped !== undefined);
      await assertClosed(escaped);
    });

    if (options.capabilities.durable) {
      it('keeps what was appended inside an `await using` scope (durable)', async () => {
        const reopen = options.reopenStore;
        assert.ok(reopen !== undefined, 'a durable store needs reopenStore in the suite options');
        let escaped: EventStore | undefined;
        let position: string | undefined;
        {
          await using store = await options.createStore({});
          escaped = store;
          position = (await store.append('u-3', events(3))).position;
        }
        const reopened = await reopen(escaped, {});
        try {
          assert.equal(await reopened.getVersion('u-3'), 3);
          assert.equal(await reopened.headPosition(), position);
        } finally {
          await reopened.close();
        }
      });
    }
  });
}
