import { defineProjection, type Projection } from '../../../src/subscriptions/index.js';
import type { ReadModel, StreamRow } from './backend.js';

/**
 * A read model kept in memory, a map per projection (stream id → its last
 * version and how many events were applied), for the backends whose storage
 * has no transaction for read models (memory, NATS).
 */
export function mapReadModel(): ReadModel<undefined> {
  const tables = new Map<string, Map<string, StreamRow>>();
  return {
    projection: (name, options = {}): Promise<Projection> => {
      const table = new Map<string, StreamRow>();
      tables.set(name, table);
      const apply = (e: { streamId: string; version: number }) => {
        const row = table.get(e.streamId);
        table.set(e.streamId, { version: e.version, count: (row?.count ?? 0) + 1 });
      };
      const types = options.types ?? ['Created', 'Renamed'];
      return Promise.resolve(
        defineProjection({
          name,
          handlers: Object.fromEntries(types.map((t) => [t, apply])),
          reset: () => table.clear(),
        }),
      );
    },
    rows: (name) => Promise.resolve(new Map(tables.get(name))),
  };
}
