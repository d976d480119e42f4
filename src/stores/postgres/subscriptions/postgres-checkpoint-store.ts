import type { Position } from '../../../core/position.js';
import { CheckpointConflictError } from '../../../core/contracts/checkpoint-conflict-error.js';
import type {
  Checkpoint,
  CheckpointStore,
  ExpectedCheckpoint,
} from '../../../core/contracts/checkpoint-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { withTransaction } from '../with-transaction.js';
import {
  asDatabaseErrors,
  checkpointLockKey,
  timedOn,
  withPool,
  type PostgresSubscriptionContext,
  type TimedQuery,
} from './postgres-subscription-context.js';

interface CheckpointRow {
  name: string;
  position: string | null;
  updated_at: Date;
}

/**
 * Checkpoints in the `checkpoints` table of a PostgreSQL store's schema (part
 * of a {@link PostgresSubscriptionStorage}).
 */
export class PostgresCheckpointStore implements CheckpointStore {
  readonly #context: PostgresSubscriptionContext;

  /**
   * For {@link PostgresSubscriptionStorage}.
   *
   * @internal
   */
  constructor(context: PostgresSubscriptionContext) {
    this.#context = context;
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    assertSubscriptionName(name);
    return withPool(this.#context, 'checkpoint load', async (query) => {
      const row = (await query<CheckpointRow>(this.#context.sql.selectCheckpoint, [name])).rows[0];
      return row === undefined ? undefined : toCheckpoint(row);
    });
  }

  list(): Promise<Checkpoint[]> {
    return withPool(this.#context, 'checkpoint list', async (query) =>
      (await query<CheckpointRow>(this.#context.sql.selectCheckpoints)).rows.map(toCheckpoint),
    );
  }

  async save(
    name: string,
    position: Position | null,
    options: { expected?: ExpectedCheckpoint } = {},
  ): Promise<void> {
    assertSubscriptionName(name);
    const { expected } = options;
    const context = this.#context;
    if (expected === undefined) {
      await withPool(context, 'checkpoint save', async (query) => {
        await query(context.sql.upsertCheckpoint, [name, position]);
      });
      return;
    }
    await context.ready();
    await withTransaction(context, 'checkpoint save', (client) =>
      asDatabaseErrors(context, 'checkpoint save', async () => {
        const query = timedOn(client, context);
        await lockAndCheck(query, context, name, expected);
        await query(context.sql.upsertCheckpoint, [name, position]);
      }),
    );
  }

  async delete(name: string): Promise<boolean> {
    assertSubscriptionName(name);
    return withPool(
      this.#context,
      'checkpoint delete',
      async (query) =>
        ((await query(this.#context.sql.deleteCheckpoint, [name])).rowCount ?? 0) > 0,
    );
  }
}

/** Takes the checkpoint's transaction lock (through `query`, inside a transaction), then throws a {@link CheckpointConflictError} unless it is `expected`. */
export async function lockAndCheck(
  query: TimedQuery,
  context: PostgresSubscriptionContext,
  name: string,
  expected: ExpectedCheckpoint | undefined,
): Promise<void> {
  await query(context.sql.lockCheckpoint, [checkpointLockKey(context.schema, name)]);
  if (expected === undefined) return;
  const row = (await query<CheckpointRow>(context.sql.selectCheckpoint, [name])).rows[0];
  const actual = (row?.position ?? null) as Position | null;
  if (actual !== expected) throw new CheckpointConflictError(name, expected, actual);
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { name: row.name, position: row.position as Position | null, updatedAt: row.updated_at };
}
