import type BetterSqlite3 from 'better-sqlite3';
import type { ScavengeChunk } from '../../core/scavenge.js';
import { scavengeBelow } from '../../core/stream-deletion.js';
import { checkMetadataVersion, type PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type { StoredStreamMetadata } from '../kernel/event-store-driver.js';
import { EVENT_TAGS_TABLE, EVENTS_TABLE, STREAM_STATES_TABLE } from './sql/tables.js';
import type { SqliteStatements } from './sqlite-statements.js';
import { sqliteStreamStates } from './sqlite-stream-states.js';

type Victim = [position: number, tags: string | null];

/** The statements of metadata and scavenging, prepared once per connection. */
interface LifecycleStatements {
  readonly targets: BetterSqlite3.Statement<[string, number], string>;
  readonly victims: BetterSqlite3.Statement<[string, number, number], Victim>;
  readonly deleteEvent: BetterSqlite3.Statement<[number]>;
  readonly deleteTag: BetterSqlite3.Statement<[string, number]>;
}

const prepared = new WeakMap<BetterSqlite3.Database, LifecycleStatements>();

function statementsOf(db: BetterSqlite3.Database): LifecycleStatements {
  let statements = prepared.get(db);
  if (statements === undefined) {
    statements = {
      targets: db
        .prepare<[string, number], string>(
          `SELECT stream_id FROM ${STREAM_STATES_TABLE} WHERE stream_id > ? ORDER BY stream_id LIMIT ?`,
        )
        .pluck()
        .safeIntegers(false),
      // Never the feed's last event: SQLite would hand its position (the rowid) out again.
      victims: db
        .prepare<[string, number, number], Victim>(
          `SELECT position, tags FROM ${EVENTS_TABLE}
           WHERE stream_id = ? AND version < ? AND position < (SELECT max(position) FROM ${EVENTS_TABLE})
           ORDER BY version LIMIT ?`,
        )
        .raw(true)
        .safeIntegers(false),
      deleteEvent: db.prepare<[number]>(`DELETE FROM ${EVENTS_TABLE} WHERE position = ?`),
      deleteTag: db.prepare<[string, number]>(
        `DELETE FROM ${EVENT_TAGS_TABLE} WHERE tag = ? AND position = ?`,
      ),
    };
    prepared.set(db, statements);
  }
  return statements;
}

/** Stream metadata and scavenging in a SQLite store's database; callers run inside the transaction that needs them. */
export const sqliteLifecycle = {
  /** The stream's metadata and its version; throws for a tombstone. */
  metadata(db: BetterSqlite3.Database, streamId: string): StoredStreamMetadata {
    const row = sqliteStreamStates.row(db, streamId);
    return { json: row?.[5] ?? null, version: row?.[6] ?? 0 };
  },
  /** Checks the expected metadata version and stores the metadata; returns its new version. */
  setMetadata(db: BetterSqlite3.Database, metadata: PreparedStreamMetadata): number {
    const { streamId } = metadata;
    const current = sqliteStreamStates.row(db, streamId)?.[6] ?? 0;
    checkMetadataVersion(streamId, metadata.expectedMetadataVersion, current);
    sqliteStreamStates.setMetadata(
      db,
      streamId,
      metadata.json,
      metadata.maxAge,
      metadata.maxCount,
      current + 1,
    );
    return current + 1;
  },
  /** The streams with a state row (deleted, truncated, or given metadata), after `after` by id. */
  targets(db: BetterSqlite3.Database, after: string | undefined, limit: number): string[] {
    return statementsOf(db).targets.all(after ?? '', limit);
  },
  /** Removes up to `limit` of the stream's events that `scavengeBelow` gives, with their tags. */
  scavengeChunk(statements: SqliteStatements, streamId: string, limit: number): ScavengeChunk {
    const db = statements.database;
    const row = sqliteStreamStates.row(db, streamId, true);
    if (row === undefined) return { removed: 0, tombstoned: false };
    const hard = row[2] !== 0;
    const stored = statements.streamVersion.get(streamId) ?? 0;
    const visible = sqliteStreamStates.visibilityOf(db, streamId, row, stored);
    const below = scavengeBelow(visible.last, row[0], hard, visible.start);
    const own = statementsOf(db);
    const victims = own.victims.all(streamId, Math.min(below, Number.MAX_SAFE_INTEGER), limit);
    for (const [position, tags] of victims) {
      if (tags !== null)
        for (const tag of JSON.parse(tags) as string[]) own.deleteTag.run(tag, position);
      own.deleteEvent.run(position);
    }
    return { removed: victims.length, tombstoned: hard };
  },
  /**
   * After a scavenge: `VACUUM` when `compact`, then the write-ahead log
   * checkpointed into the file and truncated, so the removed rows (zeroed
   * by `secure_delete`) leave no copy in the log. Returns false when a reader
   * kept part of the log.
   */
  finish(db: BetterSqlite3.Database, compact: boolean): boolean {
    if (compact) db.exec('VACUUM');
    const mode = db.pragma('journal_mode', { simple: true }) as string;
    if (mode.toLowerCase() !== 'wal') return true;
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy === 0;
  },
};
