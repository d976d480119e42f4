import type { PoolClient } from 'pg';
import { DatabaseError } from '../../../core/errors.js';
import { isConnectionError, isConnectionLoss, sqlStateOf } from '../connection-errors.js';
import { applyOutcome, type OutcomeWriter } from '../../../core/contracts/apply-outcome.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { secretsOf, toDatabaseError } from '../postgres-database-error.js';
import type { PostgresEventStore } from '../postgres-event-store.js';
import { subscriptionSql } from '../sql/subscriptions.js';
import { withTransaction } from '../with-transaction.js';
import { ReadOnlyStoreError } from '../replica-errors.js';
import { lockAndCheck, PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { parkDeadLetter, PostgresDeadLetterStore } from './postgres-dead-letter-store.js';
import { PostgresLeaseStore } from './postgres-lease-store.js';
import { PostgresMembershipStore } from './postgres-membership-store.js';
import { PostgresDocumentStorage } from './postgres-document-storage.js';
import {
  asDatabaseErrors,
  timedOn,
  type PostgresSubscriptionContext,
  type TimedQuery,
} from './postgres-subscription-context.js';

/**
 * Subscription state in a PostgreSQL store's own schema: checkpoints, dead
 * letters and group members in its `checkpoints`, `dead_letters` and
 * `group_members` tables (created by the store's migrations), leases as session advisory locks on dedicated
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
  /** The live members of rebalancing consumer groups, in the schema's `group_members` table (expiry by the server's clock). */
  readonly membership: PostgresMembershipStore;
  /** Document collections in the store's schema (the table is created on first use). */
  readonly documents: PostgresDocumentStorage;
  readonly #context: PostgresSubscriptionContext;

  /** A `ReadOnlyStoreError` when `store` is read-only: keep subscription state on the primary. */
  constructor(store: PostgresEventStore) {
    if (store.readOnly) {
      throw new ReadOnlyStoreError(
        'subscription storage',
        'create the storage on the primary store (a replica reads the feed, the primary keeps checkpoints)',
      );
    }
    this.capabilities = {
      atomicReadModels: store.capabilities.atomicReadModels,
      synchronousTransactions: false,
    };
    this.#context = {
      pool: store.pool,
      schema: store.schema,
      sql: subscriptionSql(store.quotedSchema),
      secrets: secretsOf(store.pool.options),
      statementTimeoutMs: store.timeouts.statementTimeoutMs,
      ready: () => store.migrate(),
    };
    this.checkpoints = new PostgresCheckpointStore(this.#context);
    this.deadLetters = new PostgresDeadLetterStore(this.#context);
    this.leases = new PostgresLeaseStore(this.#context, store.pool.options);
    this.membership = new PostgresMembershipStore(this.#context, store.quotedSchema);
    this.documents = new PostgresDocumentStorage(this.#context);
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
    let lost: () => unknown = () => undefined;
    try {
      await withTransaction(context, action, async (client, checkout) => {
        lost = checkout.lost;
        const query = timedOn(client, context);
        // Lock every checkpoint written, in name order (no deadlock), the scope's check under its lock.
        await asDatabaseErrors(context, action, async () => {
          for (const locked of [...new Set([name, ...alsoLocks])].sort()) {
            await lockAndCheck(query, context, locked, locked === name ? expected : undefined);
          }
        });
        const outcome = await work(client); // the work's own errors propagate (but see below)
        await asDatabaseErrors(context, action, () =>
          applyOutcome(outcome, name, writer(query, context)),
        );
      });
    } catch (error) {
      throw connectionFailure(error, lost(), action, context) ?? error;
    }
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

/**
 * A transaction that failed because its connection did (the client reported
 * a connection error during the checkout, or the error or one of its causes
 * is a connection error, a handler's own query included) is the connection's
 * failure, not the work's: a `DatabaseError` with `connectionLost`, so the
 * subscription retries the batch on a new connection instead of blaming (and
 * parking) an event. `undefined` for any other failure.
 */
function connectionFailure(
  error: unknown,
  lost: unknown,
  action: string,
  context: PostgresSubscriptionContext,
): DatabaseError | undefined {
  if (DatabaseError.is(error) && error.connectionLost) return error;
  if (lost === undefined && !isConnectionLoss(error)) return undefined;
  // The server's reason (with its SQLSTATE) says most: the query's error, or what the connection reported.
  const found = causeOf(error);
  const cause =
    sqlStateOf(found) === undefined && isConnectionError(lost) && sqlStateOf(lost) !== undefined
      ? lost
      : isConnectionError(found) || lost === undefined
        ? found
        : lost;
  const converted = toDatabaseError(cause, action, context.secrets, true);
  return DatabaseError.is(converted) && converted.connectionLost
    ? converted
    : new DatabaseError(
        `PostgreSQL ${action} failed: the connection was lost (${converted.message})`,
        {
          cause: converted,
          connectionLost: true,
        },
      );
}

/** The innermost connection error among `error`'s causes, else `error` (a wrapper of the engine's). */
function causeOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 8; depth++) {
    if (isConnectionError(current)) return current;
    const next: unknown =
      typeof current === 'object' && current !== null
        ? (current as { cause?: unknown }).cause
        : undefined;
    if (next === undefined || next === null) break;
    current = next;
  }
  return error;
}

/** Writes an outcome through `query`, inside its transaction. */
function writer(
  query: TimedQuery,
  context: PostgresSubscriptionContext,
): OutcomeWriter<Promise<void>> {
  const { sql } = context;
  return {
    park: (letter) => parkDeadLetter(query, sql, letter),
    unpark: async (subscription, eventId) => {
      await query(sql.deleteDeadLetter, [subscription, eventId]);
    },
    clearDeadLetters: async (subscription) => {
      await query(sql.deleteDeadLetters, [subscription]);
    },
    saveCheckpoint: async (name, position) => {
      await query(sql.upsertCheckpoint, [name, position]);
    },
  };
}
