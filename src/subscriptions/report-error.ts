import { EventfoldError } from '../core/errors.js';
import type { EventfoldLogger } from '../core/logger.js';
import type { SubscriptionErrorInfo } from './subscription-options.js';

/** The last error a subscription reported, for its status. */
export interface LastError {
  readonly message: string;
  readonly at: Date;
}

/** Where a subscription reports its errors. */
export interface ErrorListeners {
  readonly onError: ((error: unknown, info: SubscriptionErrorInfo) => void) | undefined;
  readonly logger: EventfoldLogger | undefined;
}

/**
 * Tells `onError` and the logger about `error` (internal): a handler's error
 * as thrown (with its event; a `warn`), any other as an `EventfoldError`
 * (wrapping a foreign one, its `cause`; an `error`). A throwing listener or
 * logger is ignored. Returns the error as recorded.
 *
 * @internal
 */
export function reportError(
  { onError, logger }: ErrorListeners,
  error: unknown,
  info: SubscriptionErrorInfo,
): LastError {
  const reported =
    info.event !== undefined || EventfoldError.is(error)
      ? error
      : new EventfoldError(
          `Subscription "${info.subscription}": ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
  try {
    onError?.(reported, info);
  } catch {
    // A throwing error listener must not stop the subscription.
  }
  if (logger !== undefined) log(logger, reported, info);
  return {
    message: reported instanceof Error ? reported.message : String(reported),
    at: new Date(),
  };
}

function log(logger: EventfoldLogger, error: unknown, info: SubscriptionErrorInfo): void {
  const { subscription, event, attempt } = info;
  try {
    if (event === undefined) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, subscription }, message);
      return;
    }
    const fields = {
      err: error,
      subscription,
      eventId: event.id,
      eventType: event.type,
      streamId: event.streamId,
      position: event.position,
      attempt,
    };
    logger.warn(fields, `subscription ${subscription}: handler failed on ${event.type}`);
  } catch {
    // A throwing logger must not stop the subscription.
  }
}
