import type { KV, KvEntry } from '@nats-io/kv';
import type { GroupMember, MembershipStore } from '../../../core/contracts/membership-store.js';
import { checkMembershipArguments } from '../../../core/contracts/membership-arguments.js';
import { DatabaseError } from '../../../core/errors.js';
import { compareCodePoints } from '../../../core/list-streams.js';
import {
  encodeKey,
  guard,
  live,
  liveEntries,
  hasFields,
  parseEntry,
  revisionOf,
  writeIf,
  type NatsBuckets,
} from '../nats-kv.js';

/**
 * A member as stored. Its times are the server's: a beat's time is the
 * timestamp JetStream gave the message, so only the time to live is stored,
 * and the time the member joined (`null` on the beat that joined: that
 * beat's own timestamp).
 */
interface StoredMember {
  readonly member: string;
  readonly joinedAt: number | null;
  readonly ttlMs: number;
}

/** How many times a heartbeat re-reads after losing a race before it gives up. */
const MAX_ROUNDS = 16;

/** A member as read: its stored value, the revision of its key, and its times on the server's clock. */
interface Read {
  readonly revision: number;
  readonly member: GroupMember;
}

/**
 * The members of consumer groups in the key-value bucket `<prefix>-members`,
 * one key per group and member (`<group>.<member>`, each part in base64url)
 * holding `{ member, joinedAt, ttlMs }` (part of a
 * {@link NatsSubscriptionStorage}). A heartbeat writes its own key with a
 * compare-and-set (keeping `joinedAt` while the member is live), then reads
 * the group's keys and removes the expired ones it saw (each by its
 * revision, so a member that beat again in between stays).
 *
 * Expiry is judged by the server's clock, as the contract asks: a beat's
 * time is the timestamp JetStream gives its message, and a member expires
 * `ttlMs` after its last beat. A heartbeat reads the timestamp of its own
 * write, which tells this process how far its clock is from the server's;
 * `members()` judges with the process's clock corrected by the offset its
 * last heartbeat measured (a process that never beat uses its own clock).
 * So members on machines with skewed clocks agree, to within the time a
 * write takes.
 */
export class NatsMembershipStore implements MembershipStore {
  readonly #buckets: NatsBuckets;
  readonly #clock: () => number;
  /** The server's clock minus this process's, as the last heartbeat measured it. */
  #offset = 0;

  /**
   * For {@link NatsSubscriptionStorage}; `clock` is the process's clock (tests skew it).
   *
   * @internal
   */
  constructor(buckets: NatsBuckets, clock: () => number = Date.now) {
    this.#buckets = buckets;
    this.#clock = clock;
  }

  async heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]> {
    checkMembershipArguments(group, member, ttlMs);
    const kv = await this.#bucket();
    const key = memberKey(group, member);
    const action = `heartbeat of member "${member}" of group "${group}"`;
    let written: { revision: number; sent: number; acked: number } | undefined;
    for (let round = 0; round < MAX_ROUNDS && written === undefined; round++) {
      const entry = await guard(action, () => kv.get(key));
      const current = live(entry);
      const before = current === undefined ? undefined : toRead(current);
      const alive = before !== undefined && before.member.expiresAt.getTime() > this.#now();
      const value: StoredMember = {
        member,
        joinedAt: alive ? before.member.joinedAt.getTime() : null,
        ttlMs,
      };
      const sent = this.#clock();
      const revision = await writeIf(kv, key, JSON.stringify(value), revisionOf(entry), action);
      if (revision !== undefined) written = { revision, sent, acked: this.#clock() };
    }
    if (written === undefined)
      throw new DatabaseError(`NATS ${action} failed: the member's key kept changing under it`);
    const done = written;
    const reads = await this.#read(kv, group);
    const own = reads.find((read) => read.revision === done.revision);
    if (own !== undefined) {
      // The server stamped the write between sending and the acknowledgement: take the middle.
      const beat = own.member.expiresAt.getTime() - ttlMs;
      this.#offset = beat - (done.sent + done.acked) / 2;
    }
    const now = this.#now();
    const expired = reads.filter((read) => read.member.expiresAt.getTime() <= now);
    await Promise.all(
      expired.map(({ revision }) =>
        this.#buckets.removeRevision('members', revision).catch(() => false),
      ),
    );
    return alivesOf(reads, now);
  }

  async members(group: string): Promise<GroupMember[]> {
    checkMembershipArguments(group);
    return alivesOf(await this.#read(await this.#bucket(), group), this.#now());
  }

  async leave(group: string, member: string): Promise<void> {
    checkMembershipArguments(group, member);
    await this.#buckets.purgeKey('members', memberKey(group, member));
  }

  /** Now on the server's clock, as far as this process knows it. */
  #now(): number {
    return this.#clock() + this.#offset;
  }

  /** The group's members with a value, expired or not. */
  async #read(kv: KV, group: string): Promise<Read[]> {
    const action = `reading the members of group "${group}"`;
    const keys = await this.#buckets.keys('members', action, `${encodeKey(group)}.*`);
    return (await liveEntries(kv, keys, action)).map(toRead);
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('members');
  }
}

function memberKey(group: string, member: string): string {
  return `${encodeKey(group)}.${encodeKey(member)}`;
}

function alivesOf(reads: readonly Read[], now: number): GroupMember[] {
  return reads
    .map((read) => read.member)
    .filter((member) => member.expiresAt.getTime() > now)
    .sort((a, b) => compareCodePoints(a.member, b.member));
}

function toRead(entry: KvEntry): Read {
  const value = parseEntry(entry, isStoredMember);
  const beat = entry.created.getTime();
  return {
    revision: entry.revision,
    member: {
      member: value.member,
      joinedAt: new Date(value.joinedAt ?? beat),
      expiresAt: new Date(beat + value.ttlMs),
    },
  };
}

function isStoredMember(value: unknown): value is StoredMember {
  return hasFields(value, { member: 'string', ttlMs: 'number' }) && hasJoinedAt(value);
}

function hasJoinedAt(value: unknown): boolean {
  const { joinedAt } = value as { joinedAt?: unknown };
  return joinedAt === null || typeof joinedAt === 'number';
}
