/**
 * The checks and failure reports of the given/when/then helpers (internal to
 * `eventfold/testing`).
 *
 * @module
 */
import assert from 'node:assert/strict';
import { inspect, isDeepStrictEqual } from 'node:util';
import type { NewEvent } from '../core/events.js';

/**
 * An error class, or a predicate an error must satisfy.
 *
 * @example
 * ```ts
 * spec.given([]).when(command).thenThrows((e) => e instanceof TaskError && e.code === 'NOT_FOUND');
 * ```
 */
export type ErrorMatcher<T extends Error = Error> =
  (abstract new (...args: never[]) => T) | ((error: unknown) => boolean);

/**
 * What running a scenario's command gave: its events and the state after them, or an error.
 *
 * @internal
 */
export type Outcome<E, S> =
  { readonly events: readonly E[]; readonly state: S } | { readonly error: unknown };

/**
 * Part of the given/when/then helpers.
 *
 * @internal
 */
export function checkEvents<E extends NewEvent, S>(
  command: unknown,
  outcome: Outcome<E, S>,
  expected: E | readonly E[],
): void {
  const wanted = (Array.isArray(expected) ? expected : [expected]) as readonly NewEvent[];
  if ('error' in outcome) {
    fail(
      `the command threw instead of producing ${wanted.length} event(s)`,
      command,
      formatEvents(wanted),
      `threw ${formatError(outcome.error)}`,
    );
  }
  const actual = outcome.events.map(comparable);
  const want = wanted.map(comparable);
  if (!isDeepStrictEqual(actual, want)) {
    throw new assert.AssertionError({
      message: report(
        'the command did not produce the expected events',
        command,
        formatEvents(wanted),
        formatEvents(outcome.events),
      ),
      actual,
      expected: want,
      operator: 'deepStrictEqual',
    });
  }
}

/**
 * Part of the given/when/then helpers.
 *
 * @internal
 */
export function checkThrows<E extends NewEvent, S>(
  command: unknown,
  outcome: Outcome<E, S>,
  matcher: ErrorMatcher,
): unknown {
  const wanted = describeMatcher(matcher);
  if (!('error' in outcome)) {
    fail(
      'the command did not throw',
      command,
      `throws ${wanted}`,
      outcome.events.length === 0 ? 'no event, no error' : formatEvents(outcome.events),
    );
  }
  if (!matches(matcher, outcome.error)) {
    fail(
      'the command threw another error',
      command,
      `throws ${wanted}`,
      `threw ${formatError(outcome.error)}`,
    );
  }
  return outcome.error;
}

/**
 * Part of the given/when/then helpers.
 *
 * @internal
 */
export function checkNothing<E extends NewEvent, S>(
  command: unknown,
  outcome: Outcome<E, S>,
): void {
  if ('error' in outcome) {
    fail('the command threw', command, 'no event, no error', `threw ${formatError(outcome.error)}`);
  }
  if (outcome.events.length > 0) {
    fail('the command produced events', command, 'no event', formatEvents(outcome.events));
  }
}

/**
 * Part of the given/when/then helpers.
 *
 * @internal
 */
export function checkState<E extends NewEvent, S>(
  command: unknown,
  outcome: Outcome<E, S>,
  expected: S,
): void {
  if ('error' in outcome) {
    fail(
      'the command threw',
      command,
      `state ${format(expected)}`,
      `threw ${formatError(outcome.error)}`,
    );
  }
  if (!isDeepStrictEqual(outcome.state, expected)) {
    throw new assert.AssertionError({
      message: report(
        'the state after the command is not the expected one',
        command,
        format(expected),
        format(outcome.state),
      ),
      actual: outcome.state,
      expected,
      operator: 'deepStrictEqual',
    });
  }
}

function matches(matcher: ErrorMatcher, error: unknown): boolean {
  if (isErrorClass(matcher)) {
    const guard = (matcher as { is?: unknown }).is;
    if (typeof guard === 'function') return (guard as (v: unknown) => boolean).call(matcher, error);
    return error instanceof matcher;
  }
  return matcher(error);
}

function isErrorClass(matcher: ErrorMatcher): matcher is abstract new (...args: never[]) => Error {
  const proto: unknown = (matcher as { prototype?: unknown }).prototype;
  return matcher === Error || proto instanceof Error;
}

function describeMatcher(matcher: ErrorMatcher): string {
  return isErrorClass(matcher) ? matcher.name : `an error matching ${matcher.toString()}`;
}

function comparable(event: NewEvent): { type: string; data: unknown } {
  return { type: event.type, data: event.data };
}

function fail(headline: string, command: unknown, expected: string, actual: string): never {
  throw new assert.AssertionError({
    message: report(headline, command, expected, actual),
    operator: 'fail',
  });
}

function report(headline: string, command: unknown, expected: string, actual: string): string {
  return [
    `given/when/then: ${headline}`,
    `  when:     ${format(command)}`,
    `  expected: ${expected}`,
    `  actual:   ${actual}`,
  ].join('\n');
}

function formatEvents(events: readonly NewEvent[]): string {
  return events.length === 0 ? '[] (no event)' : `[${events.map(formatEvent).join(', ')}]`;
}

/**
 * An event as `Type { data }`.
 *
 * @internal
 */
export function formatEvent(event: NewEvent): string {
  return `${event.type} ${format(event.data)}`;
}

function formatError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : format(error);
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  return inspect(value, { depth: 6, breakLength: Number.POSITIVE_INFINITY, compact: true });
}

/**
 * An error's message.
 *
 * @internal
 */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
