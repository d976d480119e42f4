import { EventfoldError } from '../core/errors.js';
import type { SubscriptionErrorInfo } from './subscription-options.js';

/** The last error a subscription reported, for its status. */
export interface LastError {
  readonly message: string;
  readonly at: Date;
}

/**
 * Tells `onError` about `error` (internal): a handler's error as thrown (with
 * its event), any other as an `EventfoldError` (wrapping a foreign one, its
 * `cause`). A throwing listener is ignored. Returns the error as recorded.
 *
 * @internal
 */
export function reportError(
  onError: ((error: unknown, info: SubscriptionErrorInfo) => void) | undefined,
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
  return {
    message: reported instanceof Error ? reported.message : String(reported),
    at: new Date(),
  };
}
