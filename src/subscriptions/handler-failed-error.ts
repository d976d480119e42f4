import { EventfoldError } from '../core/errors.js';

/** The codes of the subscription layer's errors. */
export type SubscriptionErrorCode = 'HANDLER_FAILED';
import type { RecordedEvent } from '../core/events.js';

/**
 * A subscription with `onFailure: 'stop'` stopped because its handler kept
 * throwing for one event; `cause` is the last error. The checkpoint stays just
 * before the event, so the next run tries it again.
 */
export class HandlerFailedError extends EventfoldError {
  static override readonly code: SubscriptionErrorCode = 'HANDLER_FAILED';
  /** The subscription. */
  readonly subscription: string;
  /** The event the handler failed on. */
  readonly event: RecordedEvent;
  /** How many times the handler was tried. */
  readonly attempts: number;

  constructor(subscription: string, event: RecordedEvent, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Subscription "${subscription}" stopped: its handler failed ${attempts} time(s) on ${event.type} ${event.streamId}@${event.version} (${reason})`,
      { cause },
    );
    this.subscription = subscription;
    this.event = event;
    this.attempts = attempts;
  }
}
