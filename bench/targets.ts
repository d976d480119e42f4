import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { InMemoryEventStore, type EventStoreOptions } from '../src/index.js';
import { PostgresEventStore } from '../src/stores/postgres/index.js';
import { SqliteEventStore } from '../src/stores/sqlite/index.js';
import { postgresFloorTarget } from './floors/postgres-floor.js';
import { sqliteFloorTarget } from './floors/sqlite-floor.js';
import { BENCH_DATABASE_URL } from './lib/database-url.js';
import { natsTargets } from './lib/nats-targets.js';
import { eventfoldTarget, type Backend, type BenchTarget } from './lib/targets.js';
import { emmettPostgresTarget } from './peers/emmett-postgres.js';
import { emmettSqliteTarget } from './peers/emmett-sqlite.js';

export { BENCH_DATABASE_URL };

/** The targets of the chosen backends, and a cleanup for everything they created. */
export async function benchTargets(
  backends: ReadonlySet<Backend>,
): Promise<{ targets: BenchTarget[]; cleanup: () => Promise<void> }> {
  const targets: BenchTarget[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  if (backends.has('memory')) {
    targets.push(
      eventfoldTarget('eventfold memory', 'memory', (options) =>
        Promise.resolve(new InMemoryEventStore(options)),
      ),
    );
  }
  if (backends.has('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-'));
    let n = 0;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    targets.push(
      eventfoldTarget('eventfold SQLite (file)', 'sqlite', (options) =>
        Promise.resolve(new SqliteEventStore(join(dir, `eventfold-${++n}.db`), options)),
      ),
      sqliteFloorTarget(),
      // synchronous FULL: an fsync per commit, the durability Emmett's SQLite store runs with.
      eventfoldTarget(
        'eventfold SQLite (file, FULL)',
        'sqlite',
        (options) =>
          Promise.resolve(
            new SqliteEventStore(join(dir, `eventfold-${++n}.db`), {
              ...options,
              synchronous: 'FULL',
            }),
          ),
        'FULL',
      ),
      emmettSqliteTarget(),
      sqliteFloorTarget('FULL'),
    );
  }
  if (backends.has('postgres')) {
    // One throwaway database for eventfold and the floor (a schema per session), one per Emmett session.
    const admin = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 2 });
    const databases: string[] = [];
    const createDatabase = async () => {
      const name = `eventfold_bench_${randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      databases.push(name);
      const url = new URL(BENCH_DATABASE_URL);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const benchUrl = await createDatabase();
    const freshSchema = (options?: EventStoreOptions) =>
      PostgresEventStore.connect({
        ...options,
        connectionString: benchUrl,
        schema: `bench_${randomBytes(5).toString('hex')}`,
        poolConfig: { max: 16 },
      });
    cleanups.push(async () => {
      for (const name of databases)
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    targets.push(
      eventfoldTarget('eventfold PostgreSQL', 'postgres', freshSchema),
      emmettPostgresTarget(createDatabase),
      postgresFloorTarget(benchUrl, freshSchema),
    );
  }
  if (backends.has('nats')) {
    const nats = natsTargets();
    targets.push(...nats.targets);
    cleanups.push(nats.cleanup);
  }
  return {
    targets,
    cleanup: async () => {
      for (const c of cleanups) await c();
    },
  };
}
