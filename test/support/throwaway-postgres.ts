/**
 * A throwaway PostgreSQL server for the tests, driven directly with `initdb` and `postgres`
 * (see test/support/postgres-binaries.ts for where those come from): a fresh data folder, a
 * free port on 127.0.0.1, no Unix socket, a random password (scram-sha-256). Every child
 * process error is caught and reported as a rejected promise, never as a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import type { ServerUser } from './postgres-binaries.js';

/** A running server. */
export interface ThrowawayServer {
  /** Its superuser URL (with the password). */
  readonly url: string;
  /** Stops it (fast shutdown, then a kill after 20 s). */
  stop(): Promise<void>;
}

/** Where and as whom to run a server. */
export interface ThrowawayOptions {
  /** The folder of `initdb` and `postgres`. */
  readonly bin: string;
  /** A fresh folder for the data, the password file and the logs; the server user must own it. */
  readonly root: string;
  /** Who runs the server, or `undefined` for the current user. */
  readonly user: ServerUser | undefined;
}

/** Runs `initdb`, then starts `postgres` and waits until it answers a query. */
export async function startThrowawayServer(options: ThrowawayOptions): Promise<ThrowawayServer> {
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const pwfile = join(options.root, 'password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  const data = join(options.root, 'data');
  await mkdir(data, { mode: 0o700 });
  if (options.user !== undefined) {
    await chown(pwfile, options.user.uid, options.user.gid);
    await chown(data, options.user.uid, options.user.gid);
  }
  const initdb = await run(options, 'initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--locale=C',
    '--lc-messages=C',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  if (initdb.code !== 0) throw new Error(`initdb failed: ${lastLine(initdb.output)}`);
  const port = await freePort();
  const server = launch(options, 'postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    '-c',
    'fsync=on',
  ]);
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  const stop = () => stopProcess(server.child);
  try {
    await waitUntilReady(url, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** A spawned server program and its last lines of output. */
export interface Launched {
  readonly child: ChildProcess;
  readonly output: string[];
  /** Set once the process has exited or could not be spawned. */
  ended: string | undefined;
}

/** Spawns a program of the installation (as the server user when given). */
export function launch(options: ThrowawayOptions, program: string, args: string[]): Launched {
  const child = spawn(join(options.bin, program), args, {
    // The server user may not be able to enter the current folder (initdb asks for it).
    cwd: options.root,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
  });
  const launched: Launched = { child, output: [], ended: undefined };
  const collect = (chunk: Buffer) => {
    launched.output.push(...chunk.toString().split('\n').filter(Boolean));
    if (launched.output.length > 50) launched.output.splice(0, launched.output.length - 50);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => {
    launched.ended = `${program}: ${error.message}`;
  });
  child.on('exit', (code, signal) => {
    launched.ended ??= `${program} exited (${signal ?? `code ${String(code)}`}): ${lastLine(launched.output)}`;
  });
  return launched;
}

/** Runs a program of the installation to its end. */
export function run(
  options: ThrowawayOptions,
  program: string,
  args: string[],
): Promise<{ code: number; output: string[] }> {
  const launched = launch(options, program, args);
  return new Promise((resolve) => {
    launched.child.on('error', (error) =>
      resolve({ code: -1, output: [...launched.output, `${program}: ${error.message}`] }),
    );
    launched.child.on('close', (code) => resolve({ code: code ?? -1, output: launched.output }));
  });
}

/** Waits until `url` answers a query (up to 60 s), failing at once if the server exits. */
export async function waitUntilReady(url: string, server: Launched): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if (server.ended !== undefined) throw new Error(server.ended);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`postgres did not accept connections within 60 s: ${last}`);
}

/** Fast shutdown of a server process, a kill after 20 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The most telling line of a program's output: its last FATAL or ERROR line, else its last line. */
export function lastLine(output: readonly string[]): string {
  const telling = output.filter((line) => /\b(FATAL|ERROR|PANIC)\b|error/i.test(line));
  return (telling.at(-1) ?? output.at(-1) ?? '(no output)').trim();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
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
