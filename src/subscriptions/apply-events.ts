import type { RecordedEvent } from '../core/events.js';
import type { TransactionOutcome } from '../core/contracts/subscription-storage.js';
import { isPromiseLike } from '../core/is-promise-like.js';

/** A handler threw for `events[index]` of a slice; the transaction was rolled back. */
export class SliceFailure extends Error {
  readonly index: number;
  constructor(index: number, cause: unknown) {
    super(`handler failed at index ${index}`, { cause });
    this.index = index;
  }
}

/** How far {@link applyEvents} got: events covered (handled or skipped) and handled. */
export interface ApplyProgress {
  covered: number;
  handled: number;
}

/** What {@link applyEvents} needs of its subscription. */
export interface ApplyStep<Tx> {
  readonly apply: (event: RecordedEvent, tx: Tx) => unknown;
  readonly isMine: (event: RecordedEvent) => boolean;
  /** Checked before every event but the first: stop early (graceful stop). */
  readonly shouldStop: () => boolean;
}

/**
 * Applies `events` in order inside a storage transaction and returns the
 * outcome (the checkpoint at the last event covered). Stays synchronous while
 * the handlers are (a synchronous storage needs that); a handler's throw or rejection becomes
 * a {@link SliceFailure} with the event's index.
 */
export function applyEvents<Tx>(
  events: readonly RecordedEvent[],
  tx: Tx,
  step: ApplyStep<Tx>,
  progress: ApplyProgress,
): TransactionOutcome | Promise<TransactionOutcome> {
  const from = (start: number): TransactionOutcome | Promise<TransactionOutcome> => {
    for (let i = start; i < events.length; i++) {
      if (i > 0 && step.shouldStop()) break;
      const event = events[i] as RecordedEvent;
      if (step.isMine(event)) {
        let result: unknown;
        try {
          result = step.apply(event, tx);
        } catch (error) {
          throw new SliceFailure(i, error);
        }
        if (isPromiseLike(result)) {
          return Promise.resolve(result).then(
            () => {
              progress.handled++;
              progress.covered = i + 1;
              return from(i + 1);
            },
            (error: unknown) => {
              throw new SliceFailure(i, error);
            },
          );
        }
        progress.handled++;
      }
      progress.covered = i + 1;
    }
    const last = events[progress.covered - 1];
    return last === undefined ? {} : { checkpoint: last.position };
  };
  return from(0);
}
