import type { Position } from '../../../core/position.js';
import type {
  DeadLetter,
  DeadLetterError,
  DeadLetterStore,
  NewDeadLetter,
} from '../../../core/contracts/dead-letter-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import type { DeadLetterRow } from '../sql/dead-letters.js';
import { runToPromise } from './run-to-promise.js';
import type { SqliteSubscriptionStatements } from './sqlite-subscription-statements.js';

/** The most dead letters a `list` returns when no limit is given. */
const LIST_ALL = 2 ** 31 - 1;

/**
 * Dead letters in the `eventfold_dead_letters` table of a SQLite store's file
 * (part of a {@link SqliteSubscriptionStorage}).
 */
export class SqliteDeadLetterStore implements DeadLetterStore {
  readonly #sql: SqliteSubscriptionStatements;

  /**
   * For {@link SqliteSubscriptionStorage}.
   *
   * @internal
   */
  constructor(sql: SqliteSubscriptionStatements) {
    this.#sql = sql;
  }

  list(subscription?: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return runToPromise('listing dead letters', () => {
      const limit = options.limit ?? LIST_ALL;
      const rows =
        subscription === undefined
          ? this.#sql.allDeadLetters.all(limit)
          : this.#sql.deadLetters.all(subscription, limit);
      return rows.map(toDeadLetter);
    });
  }

  count(subscription?: string): Promise<number> {
    return runToPromise('counting dead letters', () =>
      subscription === undefined
        ? (this.#sql.countAllDeadLetters.get() ?? 0)
        : (this.#sql.countDeadLetters.get(subscription) ?? 0),
    );
  }

  park(letter: NewDeadLetter): Promise<void> {
    return runToPromise('parking an event', () => {
      parkDeadLetter(this.#sql, letter, Date.now());
    });
  }

  remove(subscription: string, eventId: string): Promise<boolean> {
    return runToPromise(
      'removing a dead letter',
      () => this.#sql.deleteDeadLetter.run(subscription, eventId).changes > 0,
    );
  }

  clear(subscription: string): Promise<number> {
    return runToPromise(
      'clearing dead letters',
      () => this.#sql.deleteDeadLetters.run(subscription).changes,
    );
  }
}

/** Writes (or adds to) a dead letter. */
export function parkDeadLetter(
  sql: SqliteSubscriptionStatements,
  letter: NewDeadLetter,
  now: number,
): void {
  assertSubscriptionName(letter.subscription);
  const { event } = letter;
  sql.upsertDeadLetter.run(
    letter.subscription,
    event.id,
    event.streamId,
    event.version,
    event.position,
    event.type,
    JSON.stringify(letter.error),
    letter.attempts,
    now,
    now,
  );
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    subscription: row[0],
    eventId: row[1],
    streamId: row[2],
    version: row[3],
    position: row[4] as Position,
    type: row[5],
    error: JSON.parse(row[6]) as DeadLetterError,
    attempts: row[7],
    parkedAt: new Date(row[8]),
    lastAttemptAt: new Date(row[9]),
  };
}
