import type { AbortOptions } from '../../core/abort.js';
import type { Position } from '../../core/position.js';
import { InvalidHeaderError, ReadModelTimeoutError } from './http-errors.js';
import type { HeaderValue } from './etag.js';

/**
 * The header that carries a write's global position: command endpoints send
 * it, and a client sends it back on a read to see its own write.
 */
export const POSITION_HEADER = 'Eventfold-Position';

const POSITION = /^\d{20}(:\d{20})*$/;

/**
 * What can be waited on for a position: a `Subscription` (and so a running
 * projection or consumer group member) has this method.
 *
 * @example
 * ```ts
 * const view: PositionWaiter = startProjection(store, cartsView);
 * ```
 */
export interface PositionWaiter {
  waitForPosition(position: Position, options?: AbortOptions): Promise<void>;
}

/**
 * The position of an `Eventfold-Position` header, `undefined` when it is
 * absent; a value that is not a position throws an {@link InvalidHeaderError} (400).
 *
 * @example
 * ```ts
 * const position = positionFromHeader(request.headers['eventfold-position']);
 * ```
 */
export function positionFromHeader(header: HeaderValue): Position | undefined {
  if (header === undefined || header === null) return undefined;
  const value = (typeof header === 'string' ? header : header.join(',')).trim();
  if (!POSITION.test(value)) {
    throw new InvalidHeaderError(
      POSITION_HEADER,
      `${POSITION_HEADER} must be a position this service sent: got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value as Position;
}

/**
 * Read-your-writes: waits until `readModel` (a projection or subscription) has
 * handled `position` (the `Eventfold-Position` of the client's write). Returns
 * at once without a position. After `timeoutMs` (default 5 000) it throws a
 * {@link ReadModelTimeoutError}, answered `504`: the client retries, rather
 * than reading a view without its write. `signal` (say, the client going
 * away) stops the wait with its reason.
 *
 * @example
 * ```ts
 * await readYourWrites(cartsView, positionFromHeader(req.headers['eventfold-position']), { timeoutMs: 2_000 });
 * ```
 */
export async function readYourWrites(
  readModel: PositionWaiter,
  position: Position | undefined,
  options: AbortOptions = {},
): Promise<void> {
  if (position === undefined) return;
  const timeoutMs = options.timeoutMs ?? 5_000;
  try {
    await readModel.waitForPosition(position, { ...options, timeoutMs });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new ReadModelTimeoutError(position, timeoutMs);
    }
    throw error;
  }
}
