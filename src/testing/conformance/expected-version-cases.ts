import assert from 'node:assert/strict';
import { ConcurrencyError, EventfoldError, OptimisticLockError } from '../../core/errors.js';
import type { EventStore } from '../../core/event-store.js';
import { ExpectedVersion } from '../../core/expected-version.js';
import { assertFeedLength, type CaseContext, events, rejectsWith } from './fixtures.js';

type Expected = ExpectedVersion;

/** Every expected-version mode on new and existing streams. */
export function expectedVersionCases({ describe, it, withStore }: CaseContext): void {
  /** Appends with `expected` to a stream at version `at`; asserts success or a conflict carrying `at`. */
  const check = (at: number, expected: Expected, ok: boolean) =>
    withStore(async (store: EventStore) => {
      if (at > 0) await store.append('Task-1', events(at));
      const attempt = store.append('Task-1', events(1, 'Next'), { expectedVersion: expected });
      if (ok) {
        const result = await attempt;
        assert.equal(result.version, at + 1);
        assert.equal(await store.getVersion('Task-1'), at + 1);
        return;
      }
      const error = await rejectsWith<ConcurrencyError>(
        attempt,
        'CONCURRENCY',
        `expected ${String(expected)} at ${at}`,
      );
      assert.ok(error instanceof ConcurrencyError);
      assert.ok(error instanceof OptimisticLockError);
      assert.ok(error instanceof EventfoldError);
      assert.ok(ConcurrencyError.is(error));
      assert.equal(error.streamId, 'Task-1');
      assert.equal(error.expectedVersion, expected);
      assert.equal(error.actualVersion, at);
      assert.equal(await store.getVersion('Task-1'), at, 'nothing written');
      await assertFeedLength(store, at, 'nothing written');
    });

  describe('expected version', () => {
    const cases: [string, number, Expected, boolean][] = [
      ['Any on a new stream', 0, ExpectedVersion.Any, true],
      ['Any on an existing stream', 3, ExpectedVersion.Any, true],
      ['NoStream on a new stream', 0, ExpectedVersion.NoStream, true],
      ['NoStream on an existing stream', 2, ExpectedVersion.NoStream, false],
      ['StreamExists on a new stream', 0, ExpectedVersion.StreamExists, false],
      ['StreamExists on an existing stream', 2, ExpectedVersion.StreamExists, true],
      ['0 on a new stream', 0, 0, true],
      ['0 on an existing stream', 1, 0, false],
      ['the exact version', 3, 3, true],
      ['a lower version', 3, 2, false],
      ['a higher version', 3, 4, false],
      ['a version on a new stream', 0, 1, false],
    ];
    for (const [name, at, expected, ok] of cases) {
      it(`${name} ${ok ? 'succeeds' : 'conflicts with the actual version'}`, () =>
        check(at, expected, ok));
    }

    it('defaults to Any', () =>
      withStore(async (store) => {
        await store.append('d-1', events(2));
        assert.equal((await store.append('d-1', events(1))).version, 3);
      }));

    it('runs the tutorial sequence: 0, then 1, then a stale 1 conflicts with actual 2', () =>
      withStore(async (store) => {
        await store.append('Task-9', [{ type: 'TaskCreated', data: { title: 'x' } }], {
          expectedVersion: 0,
        });
        await store.append('Task-9', [{ type: 'TaskCompleted', data: {} }], { expectedVersion: 1 });
        const error = await rejectsWith<ConcurrencyError>(
          store.append('Task-9', [{ type: 'TaskCompleted', data: {} }], { expectedVersion: 1 }),
          'CONCURRENCY',
        );
        assert.equal(error.expectedVersion, 1);
        assert.equal(error.actualVersion, 2);
      }));

    it('leaves a multi-event append that conflicts wholly unwritten', () =>
      withStore(async (store) => {
        await store.append('c-1', events(2));
        await rejectsWith(store.append('c-1', events(5), { expectedVersion: 1 }), 'CONCURRENCY');
        await assertFeedLength(store, 2);
        assert.equal(await store.getVersion('c-1'), 2);
      }));
  });
}
