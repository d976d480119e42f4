import { abortable, abortScope, sleep, type AbortOptions } from '../../core/abort.js';
import { ReplicationTimeoutError } from './replica-errors.js';
import { lsnValue } from './wal-position.js';

/** How long a wait for replay lasts by default. */
export const DEFAULT_REPLAY_WAIT_MS = 10_000;

/**
 * Polls `read` (a server's WAL position) until it reaches `lsn`, first after
 * 1 ms, then twice as long each time up to `maxDelayMs`; resolves with the
 * position reached. A read that fails (the server unreachable for now) is
 * tried again until the time is up. Past `timeoutMs` (default 10,000): a
 * {@link ReplicationTimeoutError} with the last position read and the last
 * failure as `cause`; the caller's `signal` rejects with its own reason.
 */
export async function waitForWal(
  read: () => Promise<string>,
  lsn: string,
  options: AbortOptions | undefined,
  maxDelayMs: number,
): Promise<string> {
  const target = lsnValue(lsn);
  const timeoutMs = options?.timeoutMs ?? DEFAULT_REPLAY_WAIT_MS;
  using scope = abortScope({ signal: options?.signal, timeoutMs });
  let reached: string | undefined;
  let failure: unknown;
  let delayMs = 1;
  for (;;) {
    try {
      reached = await abortable(read(), scope.signal);
      failure = undefined;
      if (lsnValue(reached) >= target) return reached;
    } catch (error) {
      if (scope.signal?.aborted !== true) failure = error;
    }
    try {
      if (scope.signal?.aborted !== true) await sleep(delayMs, scope.signal);
    } catch {
      // the time ran out, or the caller aborted: below
    }
    if (scope.signal?.aborted === true) {
      if (options?.signal?.aborted === true) throw options.signal.reason;
      throw new ReplicationTimeoutError(lsn, reached, timeoutMs, failure);
    }
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}
