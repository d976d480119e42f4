import type { RecordedEvent } from '../events.js';
import type { Position } from '../position.js';

/** The error a parked event failed with, as stored. */
export interface DeadLetterError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/**
 * An event a subscription gave up on: its handler kept throwing, so the event
 * was parked with the last error and the subscription moved on. The event
 * itself stays in the store; a dead letter refers to it.
 *
 * @example
 * ```ts
 * const [letter] = await storage.deadLetters.list('emailer');
 * console.log(letter.streamId, letter.version, letter.error.message, letter.attempts);
 * ```
 */
export interface DeadLetter {
  /** The subscription (or group member) that parked it. */
  readonly subscription: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: Position;
  readonly type: string;
  /** The last error. */
  readonly error: DeadLetterError;
  /** How many times the handler was tried, in all. */
  readonly attempts: number;
  /** When it was first parked. */
  readonly parkedAt: Date;
  /** When it was last tried. */
  readonly lastAttemptAt: Date;
}

/** A dead letter to write: parking the same event again adds its attempts and keeps `parkedAt`. */
export interface NewDeadLetter {
  readonly subscription: string;
  readonly event: RecordedEvent;
  readonly error: DeadLetterError;
  readonly attempts: number;
}

/**
 * Stores dead letters (parked events), one per subscription and event.
 *
 * @example
 * ```ts
 * console.log(await storage.deadLetters.count('emailer'), 'parked');
 * ```
 */
export interface DeadLetterStore {
  /** The parked events of one subscription (or of all), oldest position first. */
  list(subscription?: string, options?: { limit?: number }): Promise<DeadLetter[]>;
  /** How many events are parked for one subscription (or for all). */
  count(subscription?: string): Promise<number>;
  /** Parks an event (or records another failure of one already parked). */
  park(letter: NewDeadLetter): Promise<void>;
  /** Removes one dead letter; resolves to whether it was there. */
  remove(subscription: string, eventId: string): Promise<boolean>;
  /** Removes every dead letter of a subscription; resolves to how many. */
  clear(subscription: string): Promise<number>;
}

/** The stored form of an error thrown by a handler. */
export function toDeadLetterError(error: unknown): DeadLetterError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
