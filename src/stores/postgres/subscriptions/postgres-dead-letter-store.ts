import type { Position } from '../../../core/position.js';
import type {
  DeadLetter,
  DeadLetterError,
  DeadLetterStore,
  NewDeadLetter,
} from '../../../core/contracts/dead-letter-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import type { SubscriptionSql } from '../sql/subscriptions.js';
import {
  withPool,
  type PostgresSubscriptionContext,
  type TimedQuery,
} from './postgres-subscription-context.js';

interface DeadLetterRow {
  subscription: string;
  event_id: string;
  stream_id: string;
  version: string;
  position: string;
  type: string;
  error: string;
  attempts: number;
  parked_at: Date;
  last_attempt_at: Date;
}

/**
 * Dead letters in the `dead_letters` table of a PostgreSQL store's schema
 * (part of a {@link PostgresSubscriptionStorage}).
 */
export class PostgresDeadLetterStore implements DeadLetterStore {
  readonly #context: PostgresSubscriptionContext;

  /**
   * For {@link PostgresSubscriptionStorage}.
   *
   * @internal
   */
  constructor(context: PostgresSubscriptionContext) {
    this.#context = context;
  }

  list(subscription?: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return withPool(this.#context, 'dead letter list', async (query) => {
      const { rows } = await query<DeadLetterRow>(this.#context.sql.selectDeadLetters, [
        subscription ?? null,
        options.limit ?? null,
      ]);
      return rows.map(toDeadLetter);
    });
  }

  count(subscription?: string): Promise<number> {
    return withPool(this.#context, 'dead letter count', async (query) => {
      const { rows } = await query<{ n: number }>(this.#context.sql.countDeadLetters, [
        subscription ?? null,
      ]);
      return rows[0]?.n ?? 0;
    });
  }

  async park(letter: NewDeadLetter): Promise<void> {
    assertSubscriptionName(letter.subscription);
    await withPool(this.#context, 'parking an event', (query) =>
      parkDeadLetter(query, this.#context.sql, letter),
    );
  }

  remove(subscription: string, eventId: string): Promise<boolean> {
    return withPool(
      this.#context,
      'dead letter removal',
      async (query) =>
        ((await query(this.#context.sql.deleteDeadLetter, [subscription, eventId])).rowCount ?? 0) >
        0,
    );
  }

  clear(subscription: string): Promise<number> {
    return withPool(
      this.#context,
      'dead letter clearing',
      async (query) =>
        (await query(this.#context.sql.deleteDeadLetters, [subscription])).rowCount ?? 0,
    );
  }
}

/** Writes (or adds to) a dead letter through `query` (on the pool, or on a client inside a transaction). */
export async function parkDeadLetter(
  query: TimedQuery,
  sql: SubscriptionSql,
  letter: NewDeadLetter,
): Promise<void> {
  assertSubscriptionName(letter.subscription);
  const { event } = letter;
  await query(sql.upsertDeadLetter, [
    letter.subscription,
    event.id,
    event.streamId,
    event.version,
    event.position,
    event.type,
    JSON.stringify(letter.error),
    letter.attempts,
  ]);
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    subscription: row.subscription,
    eventId: row.event_id,
    streamId: row.stream_id,
    version: Number(row.version),
    position: row.position as Position,
    type: row.type,
    error: JSON.parse(row.error) as DeadLetterError,
    attempts: row.attempts,
    parkedAt: row.parked_at,
    lastAttemptAt: row.last_attempt_at,
  };
}
