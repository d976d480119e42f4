import type BetterSqlite3 from 'better-sqlite3';
import { checkMembershipArguments } from '../../../core/contracts/membership-arguments.js';
import type { GroupMember, MembershipStore } from '../../../core/contracts/membership-store.js';
import {
  DELETE_EXPIRED_MEMBERS,
  DELETE_MEMBER,
  SELECT_DATABASE_NOW,
  SELECT_MEMBERS,
  UPSERT_MEMBER,
} from '../sql/group-members.js';
import { runToPromise } from './run-to-promise.js';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;
type MemberRow = { member: string; joined_at: number; expires_at: number };

/**
 * Consumer-group members as rows of `eventfold_group_members` in a SQLite
 * store's file, shared by every process on the file. Expiry is judged by
 * SQLite's clock (`julianday('now')`), read in the same transaction as the
 * heartbeat.
 */
export class SqliteMembershipStore implements MembershipStore {
  readonly #immediate: <T>(fn: () => T) => T;
  readonly #now: Statement<[], number>;
  readonly #deleteExpired: Statement<[group: string, now: number]>;
  readonly #upsert: Statement<[group: string, member: string, joinedAt: number, expiresAt: number]>;
  readonly #select: Statement<[group: string, now: number], MemberRow>;
  readonly #delete: Statement<[group: string, member: string]>;

  /**
   * For {@link SqliteSubscriptionStorage}: `immediate` runs a function in a `BEGIN IMMEDIATE` transaction.
   *
   * @internal
   */
  constructor(db: BetterSqlite3.Database, immediate: <T>(fn: () => T) => T) {
    this.#immediate = immediate;
    this.#now = db.prepare<[], number>(SELECT_DATABASE_NOW).pluck().safeIntegers(false);
    this.#deleteExpired = db.prepare<[string, number]>(DELETE_EXPIRED_MEMBERS);
    this.#upsert = db.prepare<[string, string, number, number]>(UPSERT_MEMBER);
    this.#select = db.prepare<[string, number], MemberRow>(SELECT_MEMBERS).safeIntegers(false);
    this.#delete = db.prepare<[string, string]>(DELETE_MEMBER);
  }

  heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]> {
    return runToPromise('beating a group member’s heart', () => {
      checkMembershipArguments(group, member, ttlMs);
      return this.#immediate(() => {
        const now = this.#now.get() as number;
        this.#deleteExpired.run(group, now); // an expired member joins anew
        this.#upsert.run(group, member, now, now + ttlMs);
        return this.#live(group, now);
      });
    });
  }

  members(group: string): Promise<GroupMember[]> {
    return runToPromise('reading a group’s members', () => {
      checkMembershipArguments(group);
      return this.#live(group, this.#now.get() as number);
    });
  }

  leave(group: string, member: string): Promise<void> {
    return runToPromise('leaving a group', () => {
      checkMembershipArguments(group, member);
      this.#delete.run(group, member);
    });
  }

  #live(group: string, now: number): GroupMember[] {
    return this.#select.all(group, now).map((row) => ({
      member: row.member,
      joinedAt: new Date(row.joined_at),
      expiresAt: new Date(row.expires_at),
    }));
  }
}
