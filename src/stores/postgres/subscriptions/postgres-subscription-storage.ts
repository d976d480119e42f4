import type { ClientBase, PoolClient } from 'pg';
import { applyOutcome, type OutcomeWriter } from '../../../core/contracts/apply-outcome.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { secretsOf } from '../postgres-database-error.js';
import type { PostgresEventStore } from '../postgres-event-store.js';
import { subscriptionSql } from '../sql/subscriptions.js';
import { withTransaction } from '../with-transaction.js';
import { lockAndCheck, PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { parkDeadLetter, PostgresDeadLetterStore } from './postgres-dead-letter-store.js';
import { PostgresLeaseStore } from './postgres-lease-store.js';
import {
  asDatabaseErrors,
  type PostgresSubscriptionContext,
} from './postgres-subscription-context.js';

/**
 * Subscription state in a PostgreSQL store's own schema: checkpoints and dead
 * letters in its `checkpoints` and `dead_letters` tables (created by the
 * store's migrations), leases as session advisory locks on dedicated
 * connections. It has `atomicReadModels`: a projection's handlers get a `pg`
 * client inside `BEGIN` (and may be async), and the read-model writes and the
 * checkpoint commit together. Each transaction first takes an advisory lock on
 * the checkpoint, so instances and rebuilds of one projection never interleave
 * their batches. `close()` (or `await using`) releases the leases it holds;
 * the store's pool stays open.
 *
 * Keep batches short: while a projection's transaction holds a transaction id,
 * the global feed's horizon waits for it (see docs/postgres.md).
 *
 * @example
 * ```ts
 * import { PostgresEventStore, PostgresSubscriptionStorage } from 'eventfold/postgres';
 * await using store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * await using storage = new PostgresSubscriptionStorage(store);
 * await using running = startProjection(store, taskList, { storage });
 * ```
 */
export class PostgresSubscriptionStorage
  implements SubscriptionStorage<PoolClient>, AsyncDisposable
{
  /** `atomicReadModels` as the store says; never `synchronousTransactions`. */
  readonly capabilities: {
    readonly atomicReadModels: boolean;
    readonly synchronousTransactions: false;
  };
  readonly checkpoints: PostgresCheckpointStore;
  readonly deadLetters: PostgresDeadLetterStore;
  readonly leases: PostgresLeaseStore;
  readonly #context: PostgresSubscriptionContext;

  constructor(store: PostgresEventStore) {
    this.capabilities = {
      atomicReadModels: store.capabilities.atomicReadModels,
      synchronousTransactions: false,
    };
    this.#context = {
      pool: store.pool,
      schema: store.schema,
      sql: subscriptionSql(store.quotedSchema),
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
    const context = this.#context;
    await context.ready();
    const action = `transaction of subscription "${name}"`;
    await withTransaction(context, action, async (client) => {
      // Lock every checkpoint written, in name order (no deadlock), the scope's check under its lock.
      await asDatabaseErrors(context, action, async () => {
        for (const locked of [...new Set([name, ...alsoLocks])].sort()) {
          await lockAndCheck(client, context, locked, locked === name ? expected : undefined);
        }
      });
      const outcome = await work(client); // the work's own errors propagate unchanged
      await asDatabaseErrors(context, action, () =>
        applyOutcome(outcome, name, writer(client, context)),
      );
    });
  }

  /** Releases the leases it holds (their dedicated connections); the store's pool stays open. */
  close(): Promise<void> {
    return this.leases.close();
  }

  /** The same as {@link PostgresSubscriptionStorage.close}: `await using storage = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Writes an outcome through `client`, inside its transaction. */
function writer(
  client: ClientBase,
  context: PostgresSubscriptionContext,
): OutcomeWriter<Promise<void>> {
  const { sql } = context;
  return {
    park: (letter) => parkDeadLetter(client, sql, letter),
    unpark: async (subscription, eventId) => {
      await client.query(sql.deleteDeadLetter, [subscription, eventId]);
    },
    clearDeadLetters: async (subscription) => {
      await client.query(sql.deleteDeadLetters, [subscription]);
    },
    saveCheckpoint: async (name, position) => {
      await client.query(sql.upsertCheckpoint, [name, position]);
    },
  };
}
