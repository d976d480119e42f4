import type BetterSqlite3 from 'better-sqlite3';
import {
  DELETE_CHECKPOINT,
  SELECT_CHECKPOINT,
  SELECT_CHECKPOINTS,
  UPSERT_CHECKPOINT,
  type CheckpointRow,
} from '../sql/checkpoints.js';
import {
  COUNT_ALL_DEAD_LETTERS,
  COUNT_DEAD_LETTERS,
  DELETE_DEAD_LETTER,
  DELETE_DEAD_LETTERS,
  SELECT_ALL_DEAD_LETTERS,
  SELECT_DEAD_LETTERS,
  UPSERT_DEAD_LETTER,
  type DeadLetterRow,
} from '../sql/dead-letters.js';
import { ACQUIRE_LEASE, RELEASE_LEASE, RENEW_LEASE, SELECT_LEASE } from '../sql/leases.js';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

/** The prepared statements of the subscription tables (rows as arrays, plain numbers). */
export class SqliteSubscriptionStatements {
  readonly checkpoint: Statement<[name: string], CheckpointRow>;
  readonly checkpoints: Statement<[], CheckpointRow>;
  readonly upsertCheckpoint: Statement<[name: string, position: string | null, at: number]>;
  readonly deleteCheckpoint: Statement<[name: string]>;
  readonly deadLetters: Statement<[subscription: string, limit: number], DeadLetterRow>;
  readonly allDeadLetters: Statement<[limit: number], DeadLetterRow>;
  readonly countDeadLetters: Statement<[subscription: string], number>;
  readonly countAllDeadLetters: Statement<[], number>;
  readonly upsertDeadLetter: Statement<DeadLetterRow>;
  readonly deleteDeadLetter: Statement<[subscription: string, eventId: string]>;
  readonly deleteDeadLetters: Statement<[subscription: string]>;
  readonly acquireLease: Statement<[name: string, holder: string, expiresAt: number, now: number]>;
  readonly renewLease: Statement<[expiresAt: number, name: string, holder: string]>;
  readonly releaseLease: Statement<[name: string, holder: string]>;
  readonly lease: Statement<[name: string, now: number], { holder: string; expires_at: number }>;

  constructor(db: BetterSqlite3.Database) {
    this.checkpoint = db
      .prepare<[string], CheckpointRow>(SELECT_CHECKPOINT)
      .raw()
      .safeIntegers(false);
    this.checkpoints = db.prepare<[], CheckpointRow>(SELECT_CHECKPOINTS).raw().safeIntegers(false);
    this.upsertCheckpoint = db.prepare<[string, string | null, number]>(UPSERT_CHECKPOINT);
    this.deleteCheckpoint = db.prepare<[string]>(DELETE_CHECKPOINT);
    this.deadLetters = db
      .prepare<[string, number], DeadLetterRow>(SELECT_DEAD_LETTERS)
      .raw()
      .safeIntegers(false);
    this.allDeadLetters = db
      .prepare<[number], DeadLetterRow>(SELECT_ALL_DEAD_LETTERS)
      .raw()
      .safeIntegers(false);
    this.countDeadLetters = db
      .prepare<[string], number>(COUNT_DEAD_LETTERS)
      .pluck()
      .safeIntegers(false);
    this.countAllDeadLetters = db
      .prepare<[], number>(COUNT_ALL_DEAD_LETTERS)
      .pluck()
      .safeIntegers(false);
    this.upsertDeadLetter = db.prepare<DeadLetterRow>(UPSERT_DEAD_LETTER);
    this.deleteDeadLetter = db.prepare<[string, string]>(DELETE_DEAD_LETTER);
    this.deleteDeadLetters = db.prepare<[string]>(DELETE_DEAD_LETTERS);
    this.acquireLease = db.prepare<[string, string, number, number]>(ACQUIRE_LEASE);
    this.renewLease = db.prepare<[number, string, string]>(RENEW_LEASE);
    this.releaseLease = db.prepare<[string, string]>(RELEASE_LEASE);
    this.lease = db
      .prepare<[string, number], { holder: string; expires_at: number }>(SELECT_LEASE)
      .safeIntegers(false);
  }
}
