import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory for SQLite files, and a way to name fresh files in it. */
export interface TempDir {
  readonly path: string;
  /** A path to a file that does not exist yet. */
  file(name?: string): string;
  /** Deletes the directory and everything in it. */
  remove(): void;
}

/** Creates a temporary directory under the OS temp dir. */
export function createTempDir(prefix = 'eventfold-sqlite-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  let counter = 0;
  return {
    path,
    file: (name) => join(path, name ?? `store-${++counter}.db`),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
