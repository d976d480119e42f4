import type { FeedEnd } from '../../core/contracts/feed-end.js';
import { DatabaseError } from '../../core/errors.js';
import type { Position, PositionCodec } from '../../core/position.js';
import { positionOf } from './postgres-rows.js';

/** A PostgreSQL snapshot (`pg_snapshot`): transactions below `xmin` had ended, from `xmax` on had not begun, `xip` were running. */
interface Snapshot {
  readonly xmin: bigint;
  readonly xmax: bigint;
  readonly xip: ReadonlySet<bigint>;
}

/** Parses the text form of a `pg_snapshot`: `xmin:xmax:xip1,xip2,…`. */
export function parseSnapshot(text: string): Snapshot {
  const match = /^(\d+):(\d+):([\d,]*)$/.exec(text);
  if (match === null) {
    throw new DatabaseError(`PostgreSQL returned an unexpected snapshot: ${JSON.stringify(text)}`);
  }
  const [, xmin = '0', xmax = '0', xip = ''] = match;
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    xip: new Set(xip === '' ? [] : xip.split(',').map((x) => BigInt(x))),
  };
}

/**
 * Where "only new events" begins on PostgreSQL, from the snapshot and head
 * read in one statement. The feed shows only transactions older than every
 * running one (the horizon), so transactions that committed before the
 * snapshot may still lie above the head: the events of a transaction the
 * snapshot sees as committed (`pg_visible_in_snapshot`: below `xmax`, not in
 * progress) were appended before the start, and are skipped. Those of
 * transactions in progress then, or begun later, are new.
 */
export function postgresFeedEnd(
  snapshot: string,
  xid: string | null,
  position: string | null,
  positions: PositionCodec<readonly [bigint, bigint]>,
): FeedEnd {
  const { xmax, xip } = parseSnapshot(snapshot);
  const head = xid === null || position === null ? undefined : positionOf(xid, position);
  const committedBefore = (at: Position): boolean => {
    const [transaction] = positions.decode(at);
    return transaction < xmax && !xip.has(transaction);
  };
  return { position: head, committedBefore };
}
