/** The SQL of consumer-group membership, for a quoted schema `s`. */
export interface GroupMemberSql {
  /**
   * Joins or renews `$2` in group `$1` for `$3` milliseconds (an expired
   * member joins anew), drops the group's long-expired rows, and returns
   * the live members in member order.
   */
  readonly heartbeat: string;
  /** The live members of group `$1`, in member order. */
  readonly members: string;
  /** Removes member `$2` of group `$1`. */
  readonly leave: string;
}

/** The statements for schema `s` (quoted); expiry by the server's `clock_timestamp()`. */
export function groupMemberSql(s: string): GroupMemberSql {
  return {
    heartbeat: `WITH beat AS (
  INSERT INTO ${s}.group_members AS m (group_name, member, joined_at, expires_at)
  VALUES ($1, $2, clock_timestamp(), clock_timestamp() + $3::bigint * interval '1 millisecond')
  ON CONFLICT (group_name, member) DO UPDATE SET
    joined_at = CASE WHEN m.expires_at <= clock_timestamp() THEN excluded.joined_at ELSE m.joined_at END,
    expires_at = excluded.expires_at
  RETURNING member, joined_at, expires_at
), swept AS (
  DELETE FROM ${s}.group_members
  WHERE group_name = $1 AND member <> $2 AND expires_at <= clock_timestamp() - interval '1 hour'
)
SELECT member, joined_at, expires_at FROM beat
UNION ALL
SELECT member, joined_at, expires_at FROM ${s}.group_members
  WHERE group_name = $1 AND member <> $2 AND expires_at > clock_timestamp()
ORDER BY member`,
    members: `SELECT member, joined_at, expires_at FROM ${s}.group_members
  WHERE group_name = $1 AND expires_at > clock_timestamp() ORDER BY member`,
    leave: `DELETE FROM ${s}.group_members WHERE group_name = $1 AND member = $2`,
  };
}
