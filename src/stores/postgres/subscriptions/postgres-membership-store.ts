import { checkMembershipArguments } from '../../../core/contracts/membership-arguments.js';
import type { GroupMember, MembershipStore } from '../../../core/contracts/membership-store.js';
import { groupMemberSql, type GroupMemberSql } from '../sql/group-members.js';
import { withPool, type PostgresSubscriptionContext } from './postgres-subscription-context.js';

type MemberRow = { member: string; joined_at: Date; expires_at: Date };

/**
 * Consumer-group members as rows of the schema's `group_members` table,
 * shared by every process on the database. Expiry is judged by the server's
 * clock (`clock_timestamp()`), so members on machines with skewed clocks agree.
 */
export class PostgresMembershipStore implements MembershipStore {
  readonly #context: PostgresSubscriptionContext;
  readonly #sql: GroupMemberSql;

  /**
   * For {@link PostgresSubscriptionStorage}; `quotedSchema` names the schema in SQL.
   *
   * @internal
   */
  constructor(context: PostgresSubscriptionContext, quotedSchema: string) {
    this.#context = context;
    this.#sql = groupMemberSql(quotedSchema);
  }

  async heartbeat(group: string, member: string, ttlMs: number): Promise<GroupMember[]> {
    checkMembershipArguments(group, member, ttlMs);
    return withPool(this.#context, 'group heartbeat', async (query) =>
      (await query<MemberRow>(this.#sql.heartbeat, [group, member, ttlMs])).rows.map(toMember),
    );
  }

  async members(group: string): Promise<GroupMember[]> {
    checkMembershipArguments(group);
    return withPool(this.#context, 'group members lookup', async (query) =>
      (await query<MemberRow>(this.#sql.members, [group])).rows.map(toMember),
    );
  }

  async leave(group: string, member: string): Promise<void> {
    checkMembershipArguments(group, member);
    await withPool(this.#context, 'leaving a group', (query) =>
      query(this.#sql.leave, [group, member]),
    );
  }
}

function toMember(row: MemberRow): GroupMember {
  return { member: row.member, joinedAt: row.joined_at, expiresAt: row.expires_at };
}
