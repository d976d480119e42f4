import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = path.join(root, 'src', 'cli', 'bin.ts');

/**
 * The program, built from source once per test process: `src/cli/bin.ts`
 * bundled with esbuild (what tsx runs on) into one module, its packages
 * (`pg`, `better-sqlite3`, `commander`) left to Node's resolution. Two
 * levels below the root, like `dist/cli/bin.js`, so it finds package.json as
 * the built program does. Starting it takes a quarter of the time of
 * `node --import tsx src/cli/bin.ts`, which recompiles the sources on every
 * run. test/package/pack.test.ts runs the published `dist/cli/bin.js`.
 */
let bundle: string | undefined;
function program(): string {
  if (bundle !== undefined) return bundle;
  const out = path.join(root, 'node_modules', '.cache', `eventfold-cli-${process.pid}.mjs`);
  execFileSync(
    path.join(root, 'node_modules', '.bin', 'esbuild'),
    [
      SOURCE,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--packages=external',
      '--target=node20',
      `--outfile=${out}`,
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  process.once('exit', () => rmSync(out, { force: true }));
  bundle = out;
  return out;
}

/** What a run of the program did. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link cli}. */
export interface CliOptions {
  /** The working directory (default: the repository root). */
  readonly cwd?: string;
  /** Variables added to a clean environment (no EVENTFOLD_URL unless given). */
  readonly env?: Record<string, string>;
  /** Text piped to standard input. */
  readonly input?: string;
}

/** Starts the program with `args`; the caller reads and ends it. */
export function startCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  return spawn(process.execPath, [program(), ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The exit of `child` and what it printed. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the program with `args` to its end. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  const result = finished(child);
  child.stdin?.end(options.input ?? '');
  return result;
}

/** Waits until `read()` contains `text` (checked every 20 ms, for up to `timeoutMs`). */
export async function waitForText(
  read: () => string,
  text: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!read().includes(text)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${JSON.stringify(text)} in ${JSON.stringify(read())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
