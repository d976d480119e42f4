import pg from 'pg';
import { categoryOf, type EventStore } from '../../src/index.js';
import type { BenchEvent, BenchTarget } from '../lib/targets.js';
import { Floor } from '../postgres.js';

/** The PostgreSQL floor: raw `pg` doing the same inserts and selects on eventfold's schema. */
export function postgresFloorTarget(
  url: string,
  freshSchema: () => Promise<EventStore & { schema: string }>,
): BenchTarget {
  return {
    name: 'raw pg (floor)',
    backend: 'postgres',
    kind: 'floor',
    async open() {
      const store = await freshSchema(); // creates the schema with eventfold's migration
      await store.close();
      const pool = new pg.Pool({ connectionString: url, max: 16 });
      const floor = new Floor(pool, store.schema);
      return {
        appendNew: (streamId: string, events: readonly BenchEvent[]) =>
          floor.append(streamId, categoryOf(streamId), 0, events),
        appendAt: (streamId: string, version: number, events: readonly BenchEvent[]) =>
          floor.append(streamId, categoryOf(streamId), version, events),
        readStream: async (streamId: string) => (await floor.read(streamId)).length,
        async readFeed(pageSize: number) {
          let count = 0;
          let after: [string, string] = ['0', '0'];
          for (;;) {
            const page = await floor.page(after, pageSize);
            count += page.rows.length;
            if (page.rows.length < pageSize) return count;
            after = page.next;
          }
        },
        async fold<S>(streamId: string, initial: S, evolve: (state: S, event: BenchEvent) => S) {
          let state = initial;
          // Rows in array mode: transaction_id, global_position, stream_id, version, event_id, type, data, …
          for (const row of await floor.read(streamId))
            state = evolve(state, { type: row[5] as string, data: row[6] });
          return state;
        },
        close: () => pool.end(),
      };
    },
  };
}
