/**
 * Sends a notification: `$1` channel, `$2` payload, in a transaction of its own
 * (never inside an append). `NOTIFY` gives its transaction an xid, which holds
 * the feed's horizon until it commits; with `synchronous_commit` off for this
 * one transaction it commits without waiting for the WAL flush, so it holds
 * the horizon for microseconds and adds no fsync (a lost wake-up costs nothing:
 * readers poll).
 */
export const NOTIFY_SQL =
  "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1::text, $2::text)";

/** Starts listening on a channel (an identifier: the validated channel name, quoted). */
export function listenSql(channel: string): string {
  return `LISTEN "${channel}"`;
}
