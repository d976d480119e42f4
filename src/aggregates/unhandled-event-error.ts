import { EventfoldError } from '../core/errors.js';
import type { AggregateErrorCode } from './aggregate-error-code.js';

/**
 * An aggregate met an event type it has no handler for, while raising it or
 * loading its history. Declare a handler for the type, or declare that the
 * aggregate ignores unhandled events (`static readonly ignoreUnhandledEvents = true`,
 * or `evolveWith(handlers, { ignoreUnhandledEvents: true })`).
 *
 * @example
 * ```ts
 * try { await tasks.load('1') } catch (e) {
 *   if (UnhandledEventError.is(e)) console.error(e.aggregateType, e.eventType);
 * }
 * ```
 */
export class UnhandledEventError extends EventfoldError {
  static override readonly code: AggregateErrorCode = 'UNHANDLED_EVENT';
  /** The aggregate type (stream category) that has no handler. */
  readonly aggregateType: string;
  /** The event type that was not handled. */
  readonly eventType: string;

  constructor(aggregateType: string, eventType: string) {
    super(
      `${aggregateType} has no handler for event type "${eventType}": add one, or declare that ${aggregateType} ignores unhandled events`,
    );
    this.aggregateType = aggregateType;
    this.eventType = eventType;
  }
}
