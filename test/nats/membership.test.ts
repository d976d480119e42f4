/**
 * NatsMembershipStore against the real NATS server: members join with a
 * heartbeat, keep their join time while they beat, expire when they stop,
 * leave at once, and are seen alike from another connection; racing
 * heartbeats of many members all land; bad input is refused.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ValidationError } from '../../src/index.js';
import { runMembershipStoreSuite } from '../../src/testing/index.js';
import { NatsBuckets } from '../../src/stores/nats/nats-kv.js';
import { NatsMembershipStore } from '../../src/stores/nats/subscriptions/nats-membership-store.js';
import { NatsSubscriptionStorage } from '../../src/stores/nats/subscriptions/nats-subscription-storage.js';
import { useNats, uniquePrefix } from '../support/nats-test.js';
import { rejection } from '../support/rejection.js';
import { sleep } from '../support/wait.js';

const nats = useNats();

function membership(prefix = uniquePrefix('members')) {
  return new NatsSubscriptionStorage(nats.connection(), { prefix }).membership;
}

runMembershipStoreSuite('NATS', {
  describe,
  it,
  createMembershipStore: () => Promise.resolve({ membership: membership() }),
});

describe('NatsMembershipStore', () => {
  it('joins with a heartbeat, keeps joinedAt while beating, and lists live members in code point order', async () => {
    const members = membership();
    expect(await members.members('mailer')).toEqual([]);
    const joined = await members.heartbeat('mailer', 'worker-b', 10_000);
    expect(joined.map((m) => m.member)).toEqual(['worker-b']);
    const first = joined[0];
    expect(first?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 9_000);
    await sleep(10);
    const live = await members.heartbeat('mailer', 'worker-a', 10_000);
    expect(live.map((m) => m.member)).toEqual(['worker-a', 'worker-b']);
    await sleep(10);
    const again = await members.heartbeat('mailer', 'worker-b', 20_000);
    const b = again.find((m) => m.member === 'worker-b');
    expect(b?.joinedAt).toEqual(first?.joinedAt);
    expect(b?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 19_000);
    // Code point order, not UTF-16 order: U+FF61 sorts before U+1F600.
    await members.heartbeat('mailer', '\u{1F600}', 10_000);
    await members.heartbeat('mailer', '\uFF61', 10_000);
    expect((await members.members('mailer')).map((m) => m.member)).toEqual([
      'worker-a',
      'worker-b',
      '\uFF61',
      '\u{1F600}',
    ]);
    // Groups are apart, whatever their names.
    await members.heartbeat('mailer.x', 'worker-z', 10_000);
    expect((await members.members('mailer')).map((m) => m.member)).not.toContain('worker-z');
    expect((await members.members('mailer.x')).map((m) => m.member)).toEqual(['worker-z']);
  });

  it('drops a member that stops beating once its time to live runs out, and one that leaves at once', async () => {
    const prefix = uniquePrefix('members');
    const members = membership(prefix);
    const other = new NatsSubscriptionStorage(await nats.connectAnother(), { prefix }).membership;
    await members.heartbeat('g', 'stays', 10_000);
    await members.heartbeat('g', 'dies', 1_000);
    await other.heartbeat('g', 'leaves', 10_000);
    expect((await other.members('g')).map((m) => m.member)).toEqual(['dies', 'leaves', 'stays']);
    await other.leave('g', 'leaves');
    await other.leave('g', 'never-joined');
    expect((await members.members('g')).map((m) => m.member)).toEqual(['dies', 'stays']);
    await sleep(1_050);
    expect((await members.members('g')).map((m) => m.member)).toEqual(['stays']);
    // A heartbeat removes the expired entries it saw; the one that died joins anew when it comes back.
    await members.heartbeat('g', 'stays', 10_000);
    const info = await nats.manager().streams.info(`KV_${prefix}-members`);
    expect(info.state.messages).toBe(1);
    const before = Date.now();
    const back = await other.heartbeat('g', 'dies', 10_000);
    expect(back.find((m) => m.member === 'dies')?.joinedAt.getTime()).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('judges expiry by the server’s clock: members whose clocks are a minute off agree', async () => {
    const prefix = uniquePrefix('members');
    const skewed = async (ms: number) =>
      new NatsMembershipStore(
        new NatsBuckets(await nats.connectAnother(), { prefix }),
        () => Date.now() + ms,
      );
    const ahead = await skewed(60_000);
    const behind = await skewed(-60_000);
    const [beat] = await ahead.heartbeat('skew', 'ahead', 1_000);
    // The test server runs on this machine: its clock is Date.now().
    expect(Math.abs((beat?.expiresAt.getTime() ?? 0) - (Date.now() + 1_000))).toBeLessThan(500);
    const seen = await behind.heartbeat('skew', 'behind', 30_000);
    expect(seen.map((m) => m.member)).toEqual(['ahead', 'behind']);
    expect(Math.abs((seen[1]?.joinedAt.getTime() ?? 0) - Date.now())).toBeLessThan(500);
    await sleep(1_100);
    expect((await behind.members('skew')).map((m) => m.member)).toEqual(['behind']);
    expect((await ahead.members('skew')).map((m) => m.member)).toEqual(['behind']);
    // The one ahead beats again later: it joins anew, and both see its join on the server's clock.
    const [again] = (await ahead.heartbeat('skew', 'ahead', 30_000)).filter(
      (m) => m.member === 'ahead',
    );
    expect(Math.abs((again?.joinedAt.getTime() ?? 0) - Date.now())).toBeLessThan(500);
    expect((await behind.members('skew')).map((m) => m.member)).toEqual(['ahead', 'behind']);
  });

  it('lands every heartbeat of many members racing on separate connections', async () => {
    const prefix = uniquePrefix('members');
    const stores = await Promise.all(
      Array.from(
        { length: 8 },
        async () => new NatsSubscriptionStorage(await nats.connectAnother(), { prefix }).membership,
      ),
    );
    for (let round = 0; round < 3; round++)
      await Promise.all(stores.map((s, i) => s.heartbeat('race', `m-${i}`, 10_000)));
    expect((await stores[0]?.members('race'))?.map((m) => m.member)).toEqual(
      stores.map((_, i) => `m-${i}`),
    );
  });

  it('refuses bad groups, members and times to live', async () => {
    const members = membership();
    expect(ValidationError.is(await rejection(members.heartbeat('', 'm', 1_000)))).toBe(true);
    expect(ValidationError.is(await rejection(members.heartbeat('g', '', 1_000)))).toBe(true);
    expect(
      ValidationError.is(await rejection(members.heartbeat('g', 'x'.repeat(201), 1_000))),
    ).toBe(true);
    expect(ValidationError.is(await rejection(members.leave('g', 'a\u0000b')))).toBe(true);
    expect(ValidationError.is(await rejection(members.members(42 as never)))).toBe(true);
    for (const ttl of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
      const error = await rejection(members.heartbeat('g', 'm', ttl));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe('ttlMs');
    }
  });
});
