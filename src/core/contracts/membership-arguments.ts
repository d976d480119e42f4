import { InvalidOptionError, ValidationError } from '../errors.js';
import { checkOption } from '../options.js';
import { assertSubscriptionName } from './subscription-name.js';

/** The longest member id of a consumer group, in characters. */
export const MAX_MEMBER_ID_LENGTH = 200;

/**
 * Checks the arguments of a {@link MembershipStore} call before any storage is
 * touched: `group` a subscription name, `member` 1 to 200 characters without
 * NUL (a `ValidationError`), `ttlMs` an integer of milliseconds ≥ 1 (an
 * `InvalidOptionError` naming `ttlMs`). Absent arguments are not checked.
 */
export function checkMembershipArguments(group: unknown, member?: unknown, ttlMs?: unknown): void {
  assertSubscriptionName(group);
  if (arguments.length > 1 && !isMemberId(member)) {
    const shown = typeof member === 'string' ? JSON.stringify(member.slice(0, 64)) : typeof member;
    throw new ValidationError(
      `Invalid group member id ${shown}: expected 1 to ${MAX_MEMBER_ID_LENGTH} characters without NUL`,
    );
  }
  if (arguments.length > 2) {
    if (ttlMs === undefined) {
      throw new InvalidOptionError(
        'ttlMs',
        ttlMs,
        'an integer of milliseconds from 1 to 2147483647',
      );
    }
    checkOption.milliseconds('ttlMs', ttlMs, 1);
  }
}

/** Whether `member` is a valid member id: 1 to 200 characters without NUL. */
export function isMemberId(member: unknown): member is string {
  return (
    typeof member === 'string' &&
    member.length > 0 &&
    member.length <= MAX_MEMBER_ID_LENGTH &&
    !member.includes('\u0000')
  );
}
