import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categoryOf } from '../../src/index.js';
import type { BenchEvent, BenchTarget } from '../lib/targets.js';
import type { SqliteSynchronous } from '../../src/stores/sqlite/index.js';
import { Floor } from '../sqlite.js';

/**
 * The SQLite floor: raw better-sqlite3 with eventfold's schema doing the same inserts and
 * selects, one transaction per append, in WAL mode with `synchronous` NORMAL (or FULL).
 */
export function sqliteFloorTarget(synchronous: SqliteSynchronous = 'NORMAL'): BenchTarget {
  return {
    name:
      synchronous === 'NORMAL' ? 'raw better-sqlite3 (floor)' : 'raw better-sqlite3 FULL (floor)',
    backend: 'sqlite',
    kind: 'floor',
    ...(synchronous === 'NORMAL' ? {} : { variant: synchronous }),
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-floor-'));
      const floor = new Floor(join(dir, 'floor.db'), synchronous);
      return Promise.resolve({
        appendNew(streamId: string, events: readonly BenchEvent[]) {
          floor.append(streamId, categoryOf(streamId), 1, events);
          return Promise.resolve();
        },
        appendAt(streamId: string, version: number, events: readonly BenchEvent[]) {
          floor.append(streamId, categoryOf(streamId), version + 1, events);
          return Promise.resolve();
        },
        readStream(streamId: string) {
          return Promise.resolve(floor.read(streamId).length);
        },
        readFeed(pageSize: number) {
          let count = 0;
          let after = 0;
          for (;;) {
            const page = floor.page(after, pageSize);
            count += page.parsed.length;
            if (page.parsed.length < pageSize) return Promise.resolve(count);
            after = page.next;
          }
        },
        fold<S>(streamId: string, initial: S, evolve: (state: S, event: BenchEvent) => S) {
          let state = initial;
          // Rows in raw mode: position, version, event_id, type, recorded_at, metadata, data.
          for (const row of floor.read(streamId) as unknown[][]) {
            state = evolve(state, { type: row[3] as string, data: row[6] });
          }
          return Promise.resolve(state);
        },
        close() {
          floor.db.close();
          rmSync(dir, { recursive: true, force: true });
          return Promise.resolve();
        },
      });
    },
  };
}
