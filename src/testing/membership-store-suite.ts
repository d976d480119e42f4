import assert from 'node:assert/strict';
import type { GroupMember, MembershipStore } from '../core/contracts/membership-store.js';
import { rejectsWith } from './conformance/fixtures.js';
import type { DescribeFn, ItFn } from './suite-options.js';

/**
 * How {@link runMembershipStoreSuite} reaches the membership store under test.
 *
 * @example
 * ```ts
 * const options: MembershipSuiteOptions = { describe, it, createMembershipStore: async () => ({ membership: new InMemoryMembershipStore() }) };
 * ```
 */
export interface MembershipSuiteOptions {
  /** The test runner's `describe`. */
  describe: DescribeFn;
  /** The test runner's `it`. */
  it: ItFn;
  /**
   * Returns a membership store with no members on every call, and how to
   * close what it opened (called after each case).
   */
  createMembershipStore: () => Promise<{
    membership: MembershipStore;
    close?: () => Promise<void>;
  }>;
  /**
   * How far the storage's clock and this process's may disagree, in
   * milliseconds, when the suite checks expiry times (default 1,000).
   */
  clockToleranceMs?: number;
}

/**
 * Runs every case of eventfold's consumer-group membership semantics against
 * a {@link MembershipStore}: joining and renewing (the join time kept, the
 * expiry moved), members in code point order, expiry after the time to live
 * (and joining anew after it), leaving at once (and leaving when absent),
 * groups kept apart, concurrent heartbeats, and bad input rejected before
 * any write. Runner-agnostic, like the conformance suite.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runMembershipStoreSuite } from 'eventfold/testing';
 * runMembershipStoreSuite('in-memory', { describe, it, createMembershipStore: async () => ({ membership: new InMemoryMembershipStore() }) });
 * ```
 */
export function runMembershipStoreSuite(name: string, options: MembershipSuiteOptions): void {
  const { describe, it } = options;
  const tolerance = options.clockToleranceMs ?? 1_000;
  const withStore = async (body: (membership: MembershipStore) => Promise<void>): Promise<void> => {
    const { membership, close } = await options.createMembershipStore();
    try {
      await body(membership);
    } finally {
      await close?.();
    }
  };
  const ids = (members: readonly GroupMember[]): string[] => members.map((m) => m.member);

  describe(`eventfold membership store: ${name}`, () => {
    it('a heartbeat joins the group and returns the live members', () =>
      withStore(async (membership) => {
        assert.deepEqual(await membership.members('g'), []);
        const before = Date.now();
        const live = await membership.heartbeat('g', 'm-1', 60_000);
        assert.deepEqual(ids(live), ['m-1']);
        const [me] = live as [GroupMember];
        assert.ok(me.joinedAt instanceof Date && me.expiresAt instanceof Date);
        assert.ok(me.joinedAt.getTime() >= before - tolerance, 'joinedAt is about now');
        assert.ok(me.joinedAt.getTime() <= Date.now() + tolerance, 'joinedAt is about now');
        const ttl = me.expiresAt.getTime() - me.joinedAt.getTime();
        assert.ok(ttl >= 59_900 && ttl <= 60_100, `expiresAt is joinedAt + ttlMs (got ${ttl} ms)`);
        assert.deepEqual(ids(await membership.members('g')), ['m-1']);
      }));

    it('a renewal keeps the join time and moves the expiry', () =>
      withStore(async (membership) => {
        const [first] = (await membership.heartbeat('g', 'm-1', 60_000)) as [GroupMember];
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [second] = (await membership.heartbeat('g', 'm-1', 120_000)) as [GroupMember];
        assert.equal(second.joinedAt.getTime(), first.joinedAt.getTime());
        assert.ok(second.expiresAt.getTime() > first.expiresAt.getTime() + 50_000);
      }));

    it('lists members in code point order, with every heartbeat and read', () =>
      withStore(async (membership) => {
        const members = ['b', 'a', '😀', 'Z', '\uFFFD', 'é', 'a-2'];
        for (const member of members) await membership.heartbeat('g', member, 60_000);
        const sorted = ['Z', 'a', 'a-2', 'b', 'é', '\uFFFD', '😀'];
        assert.deepEqual(ids(await membership.members('g')), sorted);
        assert.deepEqual(ids(await membership.heartbeat('g', 'b', 60_000)), sorted);
      }));

    it('a member that stops beating expires after its time to live, and joins anew', () =>
      withStore(async (membership) => {
        await membership.heartbeat('g', 'stays', 60_000);
        const gone = (await membership.heartbeat('g', 'short', 100)).find(
          (m) => m.member === 'short',
        );
        assert.ok(gone !== undefined, 'a member with a short time to live is live at first');
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.deepEqual(ids(await membership.members('g')), ['stays']);
        assert.deepEqual(ids(await membership.heartbeat('g', 'stays', 60_000)), ['stays']);
        const back = (await membership.heartbeat('g', 'short', 60_000)).find(
          (m) => m.member === 'short',
        );
        assert.ok(back !== undefined);
        assert.ok(
          back.joinedAt.getTime() > gone.joinedAt.getTime(),
          'an expired member joins anew (a new join time)',
        );
      }));

    it('leave removes a member at once, and resolves for an absent one', () =>
      withStore(async (membership) => {
        await membership.heartbeat('g', 'm-1', 60_000);
        await membership.heartbeat('g', 'm-2', 60_000);
        await membership.leave('g', 'm-1');
        assert.deepEqual(ids(await membership.members('g')), ['m-2']);
        await membership.leave('g', 'm-1');
        await membership.leave('nobody-here', 'm-9');
        await membership.leave('g', 'm-2');
        assert.deepEqual(await membership.members('g'), []);
      }));

    it('keeps groups apart', () =>
      withStore(async (membership) => {
        await membership.heartbeat('mailer', 'm-1', 60_000);
        await membership.heartbeat('billing', 'm-2', 60_000);
        await membership.heartbeat('mailer[0/2]', 'm-3', 60_000);
        assert.deepEqual(ids(await membership.members('mailer')), ['m-1']);
        assert.deepEqual(ids(await membership.members('billing')), ['m-2']);
        await membership.leave('billing', 'm-1');
        assert.deepEqual(ids(await membership.members('mailer')), ['m-1']);
      }));

    it('concurrent heartbeats of many members all count', () =>
      withStore(async (membership) => {
        const members = Array.from({ length: 20 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
        await Promise.all(members.map((member) => membership.heartbeat('g', member, 60_000)));
        await Promise.all(members.map((member) => membership.heartbeat('g', member, 60_000)));
        assert.deepEqual(ids(await membership.members('g')), members);
      }));

    it('rejects bad input before any write', () =>
      withStore(async (membership) => {
        await rejectsWith(membership.heartbeat('', 'm', 1_000), 'VALIDATION', 'empty group');
        await rejectsWith(membership.heartbeat('g', '', 1_000), 'VALIDATION', 'empty member');
        await rejectsWith(
          membership.heartbeat('g', 'x'.repeat(201), 1_000),
          'VALIDATION',
          'long member',
        );
        await rejectsWith(membership.heartbeat('g', 'a\u0000b', 1_000), 'VALIDATION', 'NUL');
        await rejectsWith(membership.heartbeat('g', 'm', 0), 'INVALID_OPTION', 'ttlMs 0');
        await rejectsWith(membership.heartbeat('g', 'm', 1.5), 'INVALID_OPTION', 'ttlMs 1.5');
        await rejectsWith(
          membership.heartbeat('g', 'm', undefined as unknown as number),
          'INVALID_OPTION',
          'no ttlMs',
        );
        await rejectsWith(membership.members(42 as unknown as string), 'VALIDATION', 'group 42');
        await rejectsWith(membership.leave('g', ''), 'VALIDATION', 'leave with an empty member');
        assert.deepEqual(await membership.members('g'), []);
      }));
  });
}
