import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import {
  defineEvent,
  InMemoryEventStore,
  InMemoryKeyStore,
  payload,
  type EventStore,
  type KeyStore,
  type PersonalDataOptions,
} from '../../src/index.js';
import { SqliteEventStore, SqliteKeyStore } from '../../src/stores/sqlite/index.js';
import { PostgresEventStore, PostgresKeyStore } from '../../src/stores/postgres/index.js';
import { NatsEventStore } from '../../src/stores/nats/index.js';
import { NatsKeyStore } from '../../src/stores/nats/nats-key-store.js';
import { BENCH_DATABASE_URL } from './database-url.js';
import { BENCH_NATS_URL } from './nats-url.js';
import type { Workload } from './measure.js';
import { NotSupportedError } from './support.js';
import { eventfoldTarget, type Backend, type BenchTarget, type TargetSession } from './targets.js';
import { size, type WorkloadSpec } from './workloads.js';

/**
 * The read cost of crypto-shredding: the same user events (an email and a name among ~200
 * bytes of data) read back whole, stream by stream and through the feed, from a store that
 * keeps the email and name encrypted (AES-256-GCM under a key per user, looked up once per
 * page) and from one that keeps them in clear. Each event of the personal variant has its
 * own subject, the worst case for key lookups.
 */

type User = { userId: string; email: string; name: string; plan: string; note: string };

const Personal = defineEvent('UserRegistered', payload<User>(), {
  personal: { subject: (data) => data.userId, fields: ['email', 'name'] },
});
const Plain = defineEvent('UserRegistered', payload<User>());

const EVENTS_PER_STREAM = 100;

function user(i: number): User {
  return {
    userId: `user-${i}`,
    email: `user${i}@example.org`,
    name: `User Number ${i}`,
    plan: i % 2 === 0 ? 'pro' : 'team',
    note: 'x'.repeat(80),
  };
}

/** A store of `backend` with (or without) a key store beside it, and what closes both. */
async function openStore(
  backend: Backend,
  personal: boolean,
): Promise<{ store: EventStore; close: () => Promise<void> }> {
  if (backend === 'memory') {
    const keys = new InMemoryKeyStore();
    const store = new InMemoryEventStore(personal ? { personalData: { keys } } : {});
    return { store, close: () => store.close() };
  }
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-crypto-'));
    const db = new Database(join(dir, 'events.db'));
    db.pragma('journal_mode = WAL');
    const personalData: PersonalDataOptions | undefined = personal
      ? { keys: new SqliteKeyStore(db) }
      : undefined;
    const store = new SqliteEventStore(db, personalData ? { personalData } : {});
    return {
      store,
      close: async () => {
        await store.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (backend === 'nats') {
    const connection = await connect({ servers: BENCH_NATS_URL });
    const stream = `bench_crypto_${randomBytes(5).toString('hex')}`;
    const keys = personal ? new NatsKeyStore(connection, { prefix: stream }) : undefined;
    const store = await NatsEventStore.connect({
      connection,
      stream,
      ...(keys ? { personalData: { keys } } : {}),
    });
    return {
      store,
      close: async () => {
        await store.close();
        const jsm = await jetstreamManager(connection);
        for (const name of ['', '_ids', '-keys', '-key-streams'].map((s) => `${stream}${s}`))
          await jsm.streams.delete(name === stream ? name : `KV_${name}`).catch(() => false);
        await connection.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 8 });
  const schema = `bench_crypto_${randomBytes(5).toString('hex')}`;
  const keys: KeyStore | undefined = personal ? new PostgresKeyStore(pool, { schema }) : undefined;
  const store = await PostgresEventStore.connect({
    pool,
    schema,
    ...(keys ? { personalData: { keys } } : {}),
  });
  return {
    store,
    close: async () => {
      await store.close();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/** Fills a store once (`streams` × 100 events), then reads every stream and the whole feed each run. */
function readWorkload(
  target: BenchTarget,
  name: string,
  streams: number,
  personal: boolean,
): { workload: Workload<TargetSession>; done: () => Promise<void> } {
  const supported = target.kind === 'eventfold' && target.variant === undefined;
  let release: (() => Promise<void>) | undefined;
  let session: Promise<TargetSession> | undefined;
  const fill = async () => {
    const opened = await openStore(target.backend, personal);
    release = opened.close;
    const s = await eventfoldTarget(name, target.backend, () =>
      Promise.resolve(opened.store),
    ).open();
    const define = personal ? Personal : Plain;
    for (let k = 0; k < streams; k++) {
      await s.appendNew(
        `Users-${k}`,
        Array.from({ length: EVENTS_PER_STREAM }, (_, e) =>
          define(user(k * EVENTS_PER_STREAM + e)),
        ),
      );
    }
    // PostgreSQL's feed shows a commit once every older transaction of the server has ended:
    // wait (10 s at most) until it shows every event, so a run never measures a partial feed.
    for (let tries = 0; tries < 40; tries++) {
      if ((await s.readFeed?.(500)) === streams * EVENTS_PER_STREAM) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return s;
  };
  const total = streams * EVENTS_PER_STREAM;
  return {
    workload: {
      name,
      // every event is read twice: once by its stream, once through the feed
      count: 2 * total,
      setup: () =>
        supported
          ? (session ??= fill())
          : Promise.reject(new NotSupportedError('personal data (crypto-shredding)')),
      run: async (s: TargetSession) => {
        let read = 0;
        for (let k = 0; k < streams; k++) read += await s.readStream(`Users-${k}`);
        read += (await s.readFeed?.(500)) ?? 0;
        if (read !== 2 * total) throw new Error(`read ${read} events, expected ${2 * total}`);
      },
    },
    done: async () => {
      if (session !== undefined) await session;
      await release?.();
    },
  };
}

/** The backends {@link openStore} opens with a key store beside them. */
const CRYPTO_BACKENDS: readonly Backend[] = ['memory', 'sqlite', 'postgres', 'nats'];

/** CRYPTO-READ (personal fields encrypted) and CRYPTO-PLAIN (the same events in clear). */
export const CRYPTO_WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'CRYPTO-PLAIN',
    title: 'reads of 2,000 user events (by stream and by feed), email and name in clear',
    backends: CRYPTO_BACKENDS,
    build: (t, scale) => readWorkload(t, 'CRYPTO-PLAIN', size(20, scale), false),
  },
  {
    id: 'CRYPTO-READ',
    title:
      'the same reads with email and name encrypted (AES-256-GCM, a key per user): decryption cost',
    backends: CRYPTO_BACKENDS,
    oneWriter: 'CRYPTO-PLAIN',
    build: (t, scale) => readWorkload(t, 'CRYPTO-READ', size(20, scale), true),
  },
];
