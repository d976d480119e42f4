import type { GroupMember, MembershipStore } from '../core/contracts/membership-store.js';
import { checkMembershipArguments } from '../core/contracts/membership-arguments.js';
import { compareCodePoints } from '../core/list-streams.js';

interface Beat {
  readonly joinedAt: number;
  expiresAt: number;
}

/**
 * Consumer-group membership within one process: members sharing this store
 * see each other (the SQL storages extend this across processes).
 *
 * @example
 * ```ts
 * const membership = new InMemoryMembershipStore();
 * await membership.heartbeat('mailer', 'worker-1', 10_000); // [{ member: 'worker-1', … }]
 * ```
 */
export class InMemoryMembershipStore implements MembershipStore {
  readonly #groups = new Map<string, Map<string, Beat>>();

  heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]> {
    return new Promise((resolve) => {
      checkMembershipArguments(group, member, ttlMs);
      const now = Date.now();
      let members = this.#groups.get(group);
      if (members === undefined) this.#groups.set(group, (members = new Map<string, Beat>()));
      const beat = members.get(member);
      if (beat === undefined || beat.expiresAt <= now) {
        members.set(member, { joinedAt: now, expiresAt: now + ttlMs });
      } else beat.expiresAt = now + ttlMs;
      resolve(this.#live(group, now));
    });
  }

  members(group: string): Promise<GroupMember[]> {
    return new Promise((resolve) => {
      checkMembershipArguments(group);
      resolve(this.#live(group, Date.now()));
    });
  }

  leave(group: string, member: string): Promise<void> {
    return new Promise((resolve) => {
      checkMembershipArguments(group, member);
      const members = this.#groups.get(group);
      members?.delete(member);
      if (members?.size === 0) this.#groups.delete(group);
      resolve();
    });
  }

  #live(group: string, now: number): GroupMember[] {
    const members = this.#groups.get(group);
    if (members === undefined) return [];
    const live: GroupMember[] = [];
    for (const [member, beat] of members) {
      if (beat.expiresAt <= now) members.delete(member);
      else
        live.push({
          member,
          joinedAt: new Date(beat.joinedAt),
          expiresAt: new Date(beat.expiresAt),
        });
    }
    return live.sort((a, b) => compareCodePoints(a.member, b.member));
  }
}
