/** A live member of a consumer group, as its last heartbeat left it. */
export interface GroupMember {
  /** The member's id (unique within its group; a process picks its own). */
  readonly member: string;
  /** When the member first joined (kept across heartbeats until it leaves or expires). */
  readonly joinedAt: Date;
  /** When the member counts as gone unless it beats again. */
  readonly expiresAt: Date;
}

/**
 * Who belongs to a consumer group now, across processes: each member beats
 * its heart (records itself with a time to live) and reads the live members
 * to decide which partitions of the feed are its own. A member that stops
 * beating drops out when its time to live runs out; one that stops cleanly
 * leaves at once.
 *
 * Expiry is judged by the storage's clock where it has one (the SQL
 * databases), so members on machines with skewed clocks agree.
 *
 * @example
 * ```ts
 * await storage.membership.heartbeat('mailer', 'worker-1', 10_000);
 * const live = await storage.membership.members('mailer'); // sorted by member id
 * ```
 */
export interface MembershipStore {
  /**
   * Records `member` as live in `group` for `ttlMs` from now (joining when it
   * is absent or expired, renewing otherwise); resolves to the members live
   * after this heartbeat, sorted by member id (code point order).
   */
  heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]>;
  /** The live (unexpired) members of `group`, sorted by member id (code point order). */
  members(group: string): Promise<GroupMember[]>;
  /** Removes `member` from `group` at once (nothing happens when it is absent). Never rejects for an absent member. */
  leave(group: string, member: string): Promise<void>;
}
