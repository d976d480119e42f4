import type { KV } from '@nats-io/kv';
import type { GroupMember, MembershipStore } from '../../../core/contracts/membership-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { DatabaseError, ValidationError } from '../../../core/errors.js';
import { compareCodePoints } from '../../../core/list-streams.js';
import { checkOption } from '../../../core/options.js';
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

/** A member as stored: times in milliseconds since the epoch (the member's clock). */
interface StoredMember {
  readonly member: string;
  readonly joinedAt: number;
  readonly expiresAt: number;
}

/** The longest member id, in characters. */
const MAX_MEMBER_LENGTH = 200;
/** How many times a heartbeat re-reads after losing a race before it gives up. */
const MAX_ROUNDS = 16;

/** A member together with the revision of its key. */
interface Read {
  readonly value: StoredMember;
  readonly revision: number;
}

/**
 * The members of consumer groups in the key-value bucket `<prefix>-members`,
 * one key per group and member (`<group>.<member>`, each part in base64url)
 * holding `{ member, joinedAt, expiresAt }` (part of a
 * {@link NatsSubscriptionStorage}). A heartbeat writes its own key with a
 * compare-and-set (keeping `joinedAt` while the member is live), then reads
 * the group's keys and removes the expired ones it saw (each by its
 * revision, so a member that beat again in between stays).
 *
 * Key-value buckets have no clock to ask: expiry is judged by each process's
 * own clock against the time the member wrote, so the processes of a group
 * must have clocks that agree to well within the time to live (NTP gives
 * milliseconds). A clock ahead sees members expire early; one behind late.
 */
export class NatsMembershipStore implements MembershipStore {
  readonly #buckets: NatsBuckets;

  /**
   * For {@link NatsSubscriptionStorage}.
   *
   * @internal
   */
  constructor(buckets: NatsBuckets) {
    this.#buckets = buckets;
  }

  async heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]> {
    assertSubscriptionName(group);
    assertMember(member);
    checkOption.milliseconds('ttlMs', ttlMs, 1);
    const kv = await this.#bucket();
    const key = memberKey(group, member);
    const action = `heartbeat of member "${member}" of group "${group}"`;
    let written = false;
    for (let round = 0; round < MAX_ROUNDS && !written; round++) {
      const entry = await guard(action, () => kv.get(key));
      const current = live(entry);
      const before = current === undefined ? undefined : parseEntry(current, isStoredMember);
      const now = Date.now();
      const value: StoredMember = {
        member,
        joinedAt: before !== undefined && before.expiresAt > now ? before.joinedAt : now,
        expiresAt: now + ttlMs,
      };
      written =
        (await writeIf(kv, key, JSON.stringify(value), revisionOf(entry), action)) !== undefined;
    }
    if (!written)
      throw new DatabaseError(`NATS ${action} failed: the member's key kept changing under it`);
    const { alive, expired } = await this.#read(kv, group);
    await Promise.all(
      expired.map(({ revision }) =>
        this.#buckets.removeRevision('members', revision).catch(() => false),
      ),
    );
    return alive;
  }

  async members(group: string): Promise<GroupMember[]> {
    assertSubscriptionName(group);
    return (await this.#read(await this.#bucket(), group)).alive;
  }

  async leave(group: string, member: string): Promise<void> {
    assertSubscriptionName(group);
    assertMember(member);
    await this.#buckets.purgeKey('members', memberKey(group, member));
  }

  /** The group's live members (sorted) and its expired entries. */
  async #read(kv: KV, group: string): Promise<{ alive: GroupMember[]; expired: Read[] }> {
    const action = `reading the members of group "${group}"`;
    const keys = await this.#buckets.keys('members', action, `${encodeKey(group)}.*`);
    const entries = await liveEntries(kv, keys, action);
    const now = Date.now();
    const alive: GroupMember[] = [];
    const expired: Read[] = [];
    for (const entry of entries) {
      const value = parseEntry(entry, isStoredMember);
      if (value.expiresAt > now) alive.push(toMember(value));
      else expired.push({ value, revision: entry.revision });
    }
    alive.sort((a, b) => compareCodePoints(a.member, b.member));
    return { alive, expired };
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('members');
  }
}

function memberKey(group: string, member: string): string {
  return `${encodeKey(group)}.${encodeKey(member)}`;
}

function assertMember(member: unknown): asserts member is string {
  if (
    typeof member !== 'string' ||
    member.length === 0 ||
    member.length > MAX_MEMBER_LENGTH ||
    member.includes('\u0000')
  ) {
    const shown = typeof member === 'string' ? JSON.stringify(member.slice(0, 64)) : typeof member;
    throw new ValidationError(
      `Invalid group member ${shown}: expected 1 to ${MAX_MEMBER_LENGTH} characters without NUL`,
    );
  }
}

function toMember(value: StoredMember): GroupMember {
  return {
    member: value.member,
    joinedAt: new Date(value.joinedAt),
    expiresAt: new Date(value.expiresAt),
  };
}

function isStoredMember(value: unknown): value is StoredMember {
  return hasFields(value, { member: 'string', joinedAt: 'number', expiresAt: 'number' });
}
