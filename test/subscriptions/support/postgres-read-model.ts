import type { PoolClient } from 'pg';
import type { PostgresEventStore } from '../../../src/stores/postgres/index.js';
import { defineProjection, type Projection } from '../../../src/subscriptions/index.js';
import type { StreamRow } from './backend.js';

function table(store: PostgresEventStore, name: string): string {
  return `${store.quotedSchema}.rm_${name.replace(/[^a-z0-9_]/gi, '_')}`;
}

/** A projection keeping the per-stream read model in a table of the store's schema. */
export async function postgresReadModelProjection(
  store: PostgresEventStore,
  name: string,
  types: readonly string[] = ['Created', 'Renamed'],
): Promise<Projection<PoolClient>> {
  const t = table(store, name);
  await store.pool.query(
    `CREATE TABLE IF NOT EXISTS ${t} (stream_id text PRIMARY KEY, version bigint NOT NULL, count bigint NOT NULL)`,
  );
  const sql = `INSERT INTO ${t} (stream_id, version, count) VALUES ($1, $2, 1)
    ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, count = ${t}.count + 1`;
  const apply = async (e: { streamId: string; version: number }, client: PoolClient) => {
    await client.query(sql, [e.streamId, e.version]);
  };
  return defineProjection<PoolClient>({
    name,
    handlers: Object.fromEntries(types.map((type) => [type, apply])),
    reset: async (client) => {
      await client.query(`DELETE FROM ${t}`);
    },
  });
}

/** The rows of a per-stream read model table. */
export async function postgresReadModelRows(
  store: PostgresEventStore,
  name: string,
): Promise<Map<string, StreamRow>> {
  const { rows } = await store.pool.query<{ stream_id: string; version: string; count: string }>(
    `SELECT stream_id, version, count FROM ${table(store, name)}`,
  );
  return new Map(
    rows.map((r) => [r.stream_id, { version: Number(r.version), count: Number(r.count) }]),
  );
}
