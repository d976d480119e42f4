/**
 * A PostgreSQL primary and a streaming hot standby that a test file owns: both started from
 * the machine's binaries (`/usr/lib/postgresql/<version>/bin`, newest first) on free ports of
 * 127.0.0.1, as the `postgres` user when running as root, in a fresh temporary folder that
 * `stop()` deletes. The machine's own server is never touched.
 *
 * The primary runs with `wal_level=replica` and a `replication` entry in its `pg_hba.conf`;
 * the standby is a `pg_basebackup -R` of it (so its `primary_conninfo` and `standby.signal`
 * are written by the tool) started with `hot_standby=on`. `startReplicaPair()` resolves once
 * the standby answers queries and the primary reports it `streaming`. It throws when any step
 * fails: a test file that uses it fails, it never skips (also with `CI=true`).
 */
import { chown, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { machineBinaries, serverUser, type ServerUser } from './postgres-binaries.js';
import {
  freePort,
  lastLine,
  launch,
  run,
  stopProcess,
  waitUntilReady,
  type Launched,
} from './throwaway-postgres.js';

/** A running primary and its standby. */
export interface ReplicaPair {
  /** The primary's superuser URL (database `postgres`). */
  readonly primaryUrl: string;
  /** The standby's URL, same credentials. */
  readonly standbyUrl: string;
  /** `pg_wal_replay_pause()` on the standby: WAL still arrives, nothing more becomes visible. */
  pauseReplay(): Promise<void>;
  /** `pg_wal_replay_resume()` on the standby. */
  resumeReplay(): Promise<void>;
  /** Stops the standby (fast shutdown); the primary keeps running. */
  stopStandby(): Promise<void>;
  /** Starts the stopped standby again (same folder and port), once it streams. */
  startStandby(): Promise<void>;
  /** Stops both servers and deletes their folder. */
  stop(): Promise<void>;
}

/** Where the machine's binaries live; fails with a reason when there are none. */
function binaries(): string {
  const [bin] = machineBinaries();
  if (bin === undefined)
    throw new Error(
      'no PostgreSQL binaries under /usr/lib/postgresql/<version>/bin: the replica tests need initdb, postgres and pg_basebackup',
    );
  return bin;
}

/** Starts a primary and a streaming hot standby (see the module comment). */
export async function startReplicaPair(): Promise<ReplicaPair> {
  const bin = binaries();
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), 'eventfold-replica-'));
  const processes: Launched[] = [];
  const stop = async () => {
    for (const server of processes.reverse()) await stopProcess(server.child);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await own(root, user);
    const options = { bin, root, user };
    const password = `pw${Math.random().toString(36).slice(2)}`;
    const pwfile = join(root, 'password');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    await own(pwfile, user);
    const primaryData = join(root, 'primary');
    const initdb = await run(options, 'initdb', [
      '-D',
      primaryData,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--locale=C',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    if (initdb.code !== 0) throw new Error(`initdb failed: ${lastLine(initdb.output)}`);
    await appendFile(
      join(primaryData, 'pg_hba.conf'),
      'host replication postgres 127.0.0.1/32 scram-sha-256\n',
    );
    const primaryPort = await freePort();
    const common = [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ];
    const primary = launch(options, 'postgres', [
      '-D',
      primaryData,
      '-p',
      String(primaryPort),
      ...common,
      '-c',
      'wal_level=replica',
      '-c',
      'max_wal_senders=4',
      '-c',
      'wal_keep_size=256MB', // WAL a restarted standby still needs
    ]);
    processes.push(primary);
    const primaryUrl = `postgresql://postgres:${password}@127.0.0.1:${primaryPort}/postgres`;
    await waitUntilReady(primaryUrl, primary);

    const standbyData = join(root, 'standby');
    const conninfo = `host=127.0.0.1 port=${primaryPort} user=postgres password=${password} application_name=eventfold_standby`;
    const backup = await run(options, 'pg_basebackup', [
      '-D',
      standbyData,
      '-d',
      conninfo,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]);
    if (backup.code !== 0) throw new Error(`pg_basebackup failed: ${lastLine(backup.output)}`);
    const standbyPort = await freePort();
    const standbyArgs = [
      '-D',
      standbyData,
      '-p',
      String(standbyPort),
      ...common,
      '-c',
      'hot_standby=on',
      '-c',
      'hot_standby_feedback=on',
    ];
    let standby = launch(options, 'postgres', standbyArgs);
    processes.push(standby);
    const standbyUrl = `postgresql://postgres:${password}@127.0.0.1:${standbyPort}/postgres`;
    await waitUntilReady(standbyUrl, standby);
    await waitUntilStreaming(primaryUrl, standbyUrl);
    const startStandby = async () => {
      if (standby.ended === undefined) return;
      standby = launch(options, 'postgres', standbyArgs);
      processes.push(standby);
      await waitUntilReady(standbyUrl, standby);
      await waitUntilStreaming(primaryUrl, standbyUrl);
    };
    const onStandby = (sql: string) => query(standbyUrl, sql);
    return {
      primaryUrl,
      standbyUrl,
      pauseReplay: () => onStandby('SELECT pg_wal_replay_pause()'),
      resumeReplay: () => onStandby('SELECT pg_wal_replay_resume()'),
      stopStandby: async () => {
        await stopProcess(standby.child);
        standby.ended ??= 'stopped';
      },
      startStandby,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function own(path: string, user: ServerUser | undefined): Promise<void> {
  if (user !== undefined) await chown(path, user.uid, user.gid);
}

async function query(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until the primary reports a streaming standby and the standby is in recovery. */
async function waitUntilStreaming(primaryUrl: string, standbyUrl: string): Promise<void> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const standby = new pg.Client({ connectionString: standbyUrl });
  primary.on('error', () => undefined);
  standby.on('error', () => undefined);
  await primary.connect();
  await standby.connect();
  try {
    const recovery = await standby.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    if (recovery.rows[0]?.r !== true) throw new Error('the standby is not in recovery');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await primary.query<{ state: string }>(
        "SELECT state FROM pg_stat_replication WHERE application_name = 'eventfold_standby'",
      );
      if (rows[0]?.state === 'streaming') return;
      if (Date.now() > deadline)
        throw new Error(
          `the standby did not stream within 60 s (state ${rows[0]?.state ?? 'none'})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await primary.end().catch(() => undefined);
    await standby.end().catch(() => undefined);
  }
}
