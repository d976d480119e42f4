import type { Position } from '../../../core/position.js';
import { CheckpointConflictError } from '../../../core/contracts/checkpoint-conflict-error.js';
import type {
  Checkpoint,
  CheckpointStore,
  ExpectedCheckpoint,
} from '../../../core/contracts/checkpoint-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import type { CheckpointRow } from '../sql/checkpoints.js';
import { runToPromise } from './run-to-promise.js';
import type { SqliteSubscriptionStatements } from './sqlite-subscription-statements.js';

/**
 * Checkpoints in the `eventfold_checkpoints` table of a SQLite store's file
 * (part of a {@link SqliteSubscriptionStorage}).
 */
export class SqliteCheckpointStore implements CheckpointStore {
  readonly #sql: SqliteSubscriptionStatements;
  readonly #transaction: <T>(fn: () => T) => T;

  /**
   * For {@link SqliteSubscriptionStorage}; `transaction` runs `fn` in `BEGIN IMMEDIATE`.
   *
   * @internal
   */
  constructor(sql: SqliteSubscriptionStatements, transaction: <T>(fn: () => T) => T) {
    this.#sql = sql;
    this.#transaction = transaction;
  }

  load(name: string): Promise<Checkpoint | undefined> {
    return runToPromise('loading a checkpoint', () => {
      assertSubscriptionName(name);
      const row = this.#sql.checkpoint.get(name);
      return row === undefined ? undefined : toCheckpoint(row);
    });
  }

  list(): Promise<Checkpoint[]> {
    return runToPromise('listing checkpoints', () => this.#sql.checkpoints.all().map(toCheckpoint));
  }

  save(
    name: string,
    position: Position | null,
    options: { expected?: ExpectedCheckpoint } = {},
  ): Promise<void> {
    return runToPromise('saving a checkpoint', () => {
      assertSubscriptionName(name);
      this.#transaction(() => {
        if (options.expected !== undefined) checkExpected(this.#sql, name, options.expected);
        this.#sql.upsertCheckpoint.run(name, position, Date.now());
      });
    });
  }

  delete(name: string): Promise<boolean> {
    return runToPromise('deleting a checkpoint', () => {
      assertSubscriptionName(name);
      return this.#sql.deleteCheckpoint.run(name).changes > 0;
    });
  }
}

/** Throws a {@link CheckpointConflictError} unless `name`'s checkpoint is `expected`. */
export function checkExpected(
  sql: SqliteSubscriptionStatements,
  name: string,
  expected: ExpectedCheckpoint,
): void {
  const actual = (sql.checkpoint.get(name)?.[1] ?? null) as Position | null;
  if (actual !== expected) throw new CheckpointConflictError(name, expected, actual);
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    name: row[0],
    position: row[1] as Position | null,
    updatedAt: new Date(row[2]),
  };
}
