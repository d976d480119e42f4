import { ValidationError } from '../errors.js';

/** The longest subscription name, in characters. */
export const MAX_SUBSCRIPTION_NAME_LENGTH = 200;

/** Whether `name` is a valid subscription name: a non-empty string of at most 200 characters without NUL. */
export function isSubscriptionName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_SUBSCRIPTION_NAME_LENGTH &&
    !name.includes('\u0000')
  );
}

/** Throws a {@link ValidationError} unless `name` is a non-empty string of at most 200 characters without NUL. */
export function assertSubscriptionName(name: unknown): asserts name is string {
  if (!isSubscriptionName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
    throw new ValidationError(
      `Invalid subscription name ${shown}: expected 1 to ${MAX_SUBSCRIPTION_NAME_LENGTH} characters without NUL`,
    );
  }
}
