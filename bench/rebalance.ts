/**
 * Rebalancing consumer groups on PostgreSQL: the catch-up of an exactly-once
 * projection (one read-model row upserted per event, in the checkpoint's
 * transaction) over a feed of N events (100 per append, 1,000 streams), run
 *
 * - alone (one subscription, no group);
 * - as 1 member of a group of `--partitions` partitions (it runs them all);
 * - as 4 members of that group, each with its own store and pool (as four
 *   processes would), started together;
 *
 * with the time to catch up, the events per second, and the feed queries
 * (`readAllPage` calls reaching the stores; a member's partitions share
 * their reads of the same positions).
 *
 * Run with `npx tsx bench/rebalance.ts [--events 20000] [--partitions 8]`.
 * PostgreSQL: `DATABASE_URL`, else `postgresql://postgres@127.0.0.1:5432/postgres`,
 * in a throwaway schema that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { PoolClient } from 'pg';
import type { EventStore } from '../src/index.js';
import { PostgresEventStore, PostgresSubscriptionStorage } from '../src/stores/postgres/index.js';
import { defineProjection, startProjection, type Projection } from '../src/subscriptions/index.js';
import { BENCH_DATABASE_URL } from './lib/database-url.js';
import { payload200 } from './lib/measure.js';

const { values } = parseArgs({
  options: { events: { type: 'string' }, partitions: { type: 'string' } },
});
const events = Number(values.events ?? 20_000);
const partitions = Number(values.partitions ?? 8);
const schema = `bench_rebalance_${randomBytes(4).toString('hex')}`;

/** A store whose `readAllPage` calls are counted. */
function counted(store: PostgresEventStore, count: { reads: number }): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'readAllPage') {
        return (options: Parameters<PostgresEventStore['readAllPage']>[0]) => {
          count.reads++;
          return target.readAllPage(options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

async function projection(
  store: PostgresEventStore,
  name: string,
): Promise<Projection<PoolClient>> {
  const table = `${store.quotedSchema}.rm_${name}`;
  await store.pool.query(
    `CREATE TABLE IF NOT EXISTS ${table} (stream_id text PRIMARY KEY, n bigint NOT NULL)`,
  );
  const upsert = `INSERT INTO ${table} AS t (stream_id, n) VALUES ($1, 1)
    ON CONFLICT (stream_id) DO UPDATE SET n = t.n + 1`;
  return defineProjection<PoolClient>({
    name,
    handlers: {
      Bench: async (event, client) => {
        await client.query(upsert, [event.streamId]);
      },
    },
  });
}

const connect = (): Promise<PostgresEventStore> =>
  PostgresEventStore.connect({ connectionString: BENCH_DATABASE_URL, schema });

const writer = await connect();
try {
  for (let i = 0; i < events; i += 100) {
    const batch = Array.from({ length: Math.min(100, events - i) }, (_, j) => ({
      type: 'Bench',
      data: payload200(i + j),
    }));
    await writer.append(`Stream-${(i / 100) % 1_000}`, batch);
  }
  await writer.pool.query(`ANALYZE ${writer.quotedSchema}.events`);
  const head = await writer.headPosition();
  if (head === undefined) throw new Error('no events');
  const rows: string[][] = [['run', 'members', 'seconds', 'events/s', 'feed queries']];

  const alone = { reads: 0 };
  {
    const store = await connect();
    const started = performance.now();
    const running = startProjection(counted(store, alone), await projection(store, 'alone'), {
      storage: new PostgresSubscriptionStorage(store),
    });
    await running.waitForPosition(head);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    await store.close();
    rows.push([
      'alone',
      '1',
      seconds.toFixed(2),
      String(Math.round(events / seconds)),
      String(alone.reads),
    ]);
  }

  for (const members of [1, 4]) {
    const name = `group_${members}`;
    const count = { reads: 0 };
    const stores = await Promise.all(Array.from({ length: members }, () => connect()));
    const projected = await projection(writer, name);
    const started = performance.now();
    const running = stores.map((store, m) =>
      startProjection(counted(store, count), projected, {
        storage: new PostgresSubscriptionStorage(store),
        lease: { retryMs: 50 },
        group: { partitions, memberId: `member-${m}`, heartbeatMs: 200, ttlMs: 2_000 },
      }),
    );
    await (running[0] as (typeof running)[number]).waitForPosition(head);
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(running.map((member) => member.stop()));
    await Promise.all(stores.map((store) => store.close()));
    rows.push([
      `${partitions} partitions`,
      String(members),
      seconds.toFixed(2),
      String(Math.round(events / seconds)),
      String(count.reads),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  console.log(`PostgreSQL, ${events} events, exactly-once projection (one upsert per event)`);
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
} finally {
  await writer.pool.query(`DROP SCHEMA ${writer.quotedSchema} CASCADE`);
  await writer.close();
}
