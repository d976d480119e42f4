import type { ClientBase, PoolClient } from 'pg';
import { EventfoldError } from '../../../core/errors.js';
import { decodePosition, type Position } from '../../../core/position.js';
import type {
  FeedFilter,
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { secretsOf, toDatabaseError } from '../database-error.js';
import { positionOf } from '../event-rows.js';
import type { PostgresEventStore } from '../postgres-event-store.js';
import { countEventsSql, pendingEventsSql, subscriptionSql } from '../sql/subscriptions.js';
import { lockAndCheck, PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { parkDeadLetter, PostgresDeadLetterStore } from './postgres-dead-letter-store.js';
import { PostgresLeaseStore } from './postgres-lease-store.js';
import { withPool, type PostgresSubscriptionContext } from './postgres-subscription-context.js';

/**
 * Subscription state in a PostgreSQL store's own schema: checkpoints and dead
 * letters in its `checkpoints` and `dead_letters` tables (created by the
 * store's migration 2), leases as session advisory locks on dedicated
 * connections. It is atomic: a projection's handlers get a `pg` client inside
 * `BEGIN`, and the read-model writes and the checkpoint commit together. Each
 * transaction first takes an advisory lock on the checkpoint, so instances and
 * rebuilds of one projection never interleave their batches.
 *
 * Keep batches short: while a projection's transaction holds a transaction id,
 * the global feed's horizon waits for it (see docs/postgres.md).
 *
 * @example
 * ```ts
 * import { PostgresEventStore, PostgresSubscriptionStorage } from 'eventfold/postgres';
 * const store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * const storage = new PostgresSubscriptionStorage(store);
 * const running = startProjection(store, taskList, { storage });
 * ```
 */
export class PostgresSubscriptionStorage implements SubscriptionStorage<PoolClient> {
  readonly atomic = true;
  readonly checkpoints: PostgresCheckpointStore;
  readonly deadLetters: PostgresDeadLetterStore;
  readonly leases: PostgresLeaseStore;
  readonly #context: PostgresSubscriptionContext;
  readonly #s: string;

  constructor(store: PostgresEventStore) {
    this.#s = store.quotedSchema;
    this.#context = {
      pool: store.pool,
      schema: store.schema,
      sql: subscriptionSql(this.#s),
      secrets: secretsOf(store.pool.options),
      ready: () => store.migrate(),
    };
    this.checkpoints = new PostgresCheckpointStore(this.#context);
    this.deadLetters = new PostgresDeadLetterStore(this.#context);
    this.leases = new PostgresLeaseStore(this.#context, store.pool.options);
  }

  async transaction(
    scope: TransactionScope,
    work: (tx: PoolClient) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void> {
    const { name, expected, alsoLocks = [] } = scope;
    assertSubscriptionName(name);
    await this.#context.ready();
    const action = `transaction of subscription "${name}"`;
    let client: PoolClient;
    try {
      client = await this.#context.pool.connect();
    } catch (error) {
      throw toDatabaseError(error, action, this.#context.secrets);
    }
    let broken = false;
    let inWork = false;
    try {
      await client.query('BEGIN');
      // Lock every checkpoint written, in name order (no deadlock), the scope's check under its lock.
      for (const locked of [...new Set([name, ...alsoLocks])].sort()) {
        await lockAndCheck(client, this.#context, locked, locked === name ? expected : undefined);
      }
      inWork = true;
      const outcome = await work(client);
      inWork = false;
      await this.#write(client, name, outcome);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      if (inWork || EventfoldError.is(error)) throw error;
      throw toDatabaseError(error, action, this.#context.secrets);
    } finally {
      client.release(broken);
    }
  }

  headPosition(): Promise<Position | undefined> {
    return withPool(this.#context, 'head of the feed', async (pool) => {
      const row = (await pool.query<{ xid: string; pos: string }>(this.#context.sql.head)).rows[0];
      return row === undefined ? undefined : positionOf(row.xid, row.pos);
    });
  }

  countEventsAfter(after: Position | undefined, filter: FeedFilter, cap: number): Promise<number> {
    const { types, categories } = filter;
    if (types?.length === 0 || categories?.length === 0) return Promise.resolve(0);
    const [xid = 0n, position = 0n] = after === undefined ? [] : decodePosition(after, 2);
    const values: unknown[] = [String(xid), String(position), cap];
    if (types !== undefined) values.push(types);
    if (categories !== undefined) values.push(categories);
    const sql = countEventsSql(this.#s, types !== undefined, categories !== undefined);
    return withPool(this.#context, 'event count', async (pool) => {
      return (await pool.query<{ n: number }>(sql, values)).rows[0]?.n ?? 0;
    });
  }

  hasPendingEvents(after: Position | undefined, filter: FeedFilter): Promise<boolean> {
    const { types, categories } = filter;
    if (types?.length === 0 || categories?.length === 0) return Promise.resolve(false);
    const [xid = 0n, position = 0n] = after === undefined ? [] : decodePosition(after, 2);
    const values: unknown[] = [String(xid), String(position)];
    if (types !== undefined) values.push(types);
    if (categories !== undefined) values.push(categories);
    const sql = pendingEventsSql(this.#s, types !== undefined, categories !== undefined);
    return withPool(this.#context, 'pending events check', async (pool) => {
      return (await pool.query<{ pending: boolean }>(sql, values)).rows[0]?.pending === true;
    });
  }

  async #write(client: ClientBase, name: string, outcome: TransactionOutcome): Promise<void> {
    const { sql } = this.#context;
    if (outcome.park !== undefined) await parkDeadLetter(client, sql, outcome.park);
    if (outcome.unpark !== undefined) {
      await client.query(sql.deleteDeadLetter, [name, outcome.unpark]);
    }
    for (const reset of outcome.reset ?? []) {
      assertSubscriptionName(reset);
      await client.query(sql.deleteDeadLetters, [reset]);
      await client.query(sql.upsertCheckpoint, [reset, null]);
    }
    if (outcome.checkpoint !== undefined && outcome.reset?.includes(name) !== true) {
      await client.query(sql.upsertCheckpoint, [name, outcome.checkpoint]);
    }
  }
}
