/**
 * The pieces of the PostgreSQL test-server setup (test/support/postgres-global-setup.ts) that
 * run in-process: the world-readable copy of the binaries (what lets the `postgres` user run
 * them when the clone is in a private folder), the machine's binary folders, the one-line
 * "no server" message, and failures of the programs reported as rejections rather than
 * crashes. (The file's name avoids "postgres", so running it alone starts no server.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machineBinaries, readableCopy, serverUser } from './postgres-binaries.js';
import {
  choosePostgresServer,
  filtersSelectPostgres,
  noServerLine,
  postgresTestFiles,
} from './postgres-global-setup.js';
import { lastLine, startThrowawayServer } from './throwaway-postgres.js';

let temp = '';

beforeEach(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'eventfold-pg-setup-test-'));
});

afterEach(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** A private (0700) installation: bin/initdb (owner-executable), lib/libx.so.1 and a link to it, share/a/b.sql. */
function privateInstallation(): string {
  const install = path.join(temp, 'private', 'native');
  for (const dir of ['bin', 'lib', 'share/a'])
    fs.mkdirSync(path.join(install, dir), { recursive: true });
  fs.writeFileSync(path.join(install, 'bin', 'initdb'), '#!/bin/sh\necho initdb\n', {
    mode: 0o700,
  });
  fs.writeFileSync(path.join(install, 'lib', 'libx.so.1'), 'library', { mode: 0o600 });
  fs.symlinkSync('libx.so.1', path.join(install, 'lib', 'libx.so'));
  fs.writeFileSync(path.join(install, 'share', 'a', 'b.sql'), 'SELECT 1;', { mode: 0o600 });
  for (const dir of ['private', 'private/native', 'private/native/bin', 'private/native/lib'])
    fs.chmodSync(path.join(temp, dir), 0o700);
  fs.chmodSync(path.join(install, 'share'), 0o700);
  fs.chmodSync(path.join(install, 'share', 'a'), 0o700);
  return path.join(install, 'bin');
}

describe('readableCopy', () => {
  it('copies a private installation into folders and files every user can read and run', async () => {
    const bin = privateInstallation();
    const target = path.join(temp, 'copy');
    const copied = await readableCopy(bin, target);
    expect(copied).toBe(path.join(target, 'bin'));
    for (const dir of ['', 'bin', 'lib', 'share', 'share/a'])
      expect(modeOf(path.join(target, dir))).toBe(0o755);
    expect(modeOf(path.join(target, 'bin', 'initdb'))).toBe(0o755);
    expect(modeOf(path.join(target, 'lib', 'libx.so.1'))).toBe(0o644);
    expect(modeOf(path.join(target, 'share', 'a', 'b.sql'))).toBe(0o644);
    expect(fs.readlinkSync(path.join(target, 'lib', 'libx.so'))).toBe('libx.so.1');
    expect(fs.readFileSync(path.join(target, 'share', 'a', 'b.sql'), 'utf8')).toBe('SELECT 1;');
  });

  it('lets another user run what it could not reach in the private folder (as root: the postgres user)', async () => {
    const bin = privateInstallation();
    const copied = await readableCopy(bin, path.join(temp, 'copy'));
    const user = os.userInfo().uid === 0 ? serverUser() : undefined;
    const as = user === undefined ? {} : { uid: user.uid, gid: user.gid };
    // temp itself is 0700 (mkdtemp): open it like the setup's folder, owned by the runner.
    fs.chmodSync(temp, 0o755);
    const ran = spawnSync(path.join(copied, 'initdb'), [], { cwd: '/', encoding: 'utf8', ...as });
    expect(ran.error).toBeUndefined();
    expect(ran.stdout).toBe('initdb\n');
    if (user !== undefined) {
      const blocked = spawnSync(path.join(bin, 'initdb'), [], { cwd: '/', ...as });
      expect((blocked.error as NodeJS.ErrnoException | undefined)?.code).toBe('EACCES');
    }
  });

  it('refuses to copy over an existing folder', async () => {
    const bin = privateInstallation();
    const target = path.join(temp, 'copy');
    fs.mkdirSync(target);
    fs.mkdirSync(path.join(target, 'bin'));
    fs.writeFileSync(path.join(target, 'bin', 'initdb'), 'mine');
    await expect(readableCopy(bin, target)).rejects.toThrow(/exist/i);
    expect(fs.readFileSync(path.join(target, 'bin', 'initdb'), 'utf8')).toBe('mine');
  });
});

describe('machineBinaries', () => {
  it('lists version folders holding initdb and postgres, newest first', () => {
    for (const version of ['9.6', '13', '15', 'common']) {
      const bin = path.join(temp, version, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'initdb'), '');
      fs.writeFileSync(path.join(bin, 'postgres'), '');
    }
    fs.mkdirSync(path.join(temp, '16', 'bin'), { recursive: true }); // no programs
    expect(machineBinaries(temp)).toEqual(
      ['15', '13', '9.6'].map((v) => path.join(temp, v, 'bin')),
    );
    expect(machineBinaries(path.join(temp, 'absent'))).toEqual([]);
  });
});

describe('no server', () => {
  it('says in one line why and what to set', () => {
    const line = noServerLine('initdb failed:\n  could not\n  start');
    expect(line).not.toContain('\n');
    expect(line).toContain('initdb failed: could not start');
    expect(line).toContain('set DATABASE_URL=postgresql://');
  });

  it('is the reason when the throwaway server is turned off, and nothing is started', async () => {
    const choice = await choosePostgresServer({ EVENTFOLD_TEST_EMBEDDED_PG: 'off' }, true);
    expect(choice.url).toBe('');
    expect(choice.source).toBe('embedded');
    expect(choice.unavailable).toBe(
      noServerLine(
        'no throwaway PostgreSQL server could be started: EVENTFOLD_TEST_EMBEDDED_PG=off',
      ),
    );
    await choice.teardown();
  });

  it('names DATABASE_URL, without its password, when that server is unreachable', async () => {
    const choice = await choosePostgresServer(
      { DATABASE_URL: 'postgresql://me:secret@127.0.0.1:1/postgres', CI: 'true' },
      true,
    );
    expect(choice.source).toBe('DATABASE_URL');
    expect(choice.unavailable).toMatch(
      /^PostgreSQL tests cannot run: .*127\.0\.0\.1:1.*fix DATABASE_URL=/,
    );
    expect(choice.unavailable).not.toContain('secret');
    expect(choice.unavailable).not.toContain('\n');
  });

  it('starts nothing when no PostgreSQL test is selected', async () => {
    const choice = await choosePostgresServer({}, false);
    expect(choice).toMatchObject({ url: '', source: 'none' });
  });
});

describe('startThrowawayServer', () => {
  it('rejects, naming the program and the reason, when initdb is missing', async () => {
    const root = path.join(temp, 'root');
    fs.mkdirSync(root);
    const failed = startThrowawayServer({ bin: path.join(temp, 'nowhere'), root, user: undefined });
    await expect(failed).rejects.toThrow(/^initdb failed: initdb: spawn .*ENOENT/);
  });

  it('rejects with EACCES when initdb cannot be executed', async () => {
    const root = path.join(temp, 'root');
    const bin = path.join(temp, 'bin');
    fs.mkdirSync(root);
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'initdb'), '#!/bin/sh\n', { mode: 0o644 });
    const failed = startThrowawayServer({ bin, root, user: undefined });
    await expect(failed).rejects.toThrow(/^initdb failed: initdb: spawn .*EACCES/);
  });

  it('reports the telling line of a failing program', () => {
    expect(lastLine(['starting', 'FATAL:  data directory has wrong ownership', 'bye'])).toBe(
      'FATAL:  data directory has wrong ownership',
    );
    expect(lastLine(['one', 'two '])).toBe('two');
    expect(lastLine([])).toBe('(no output)');
  });
});

describe('which command lines select PostgreSQL tests', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const files = postgresTestFiles(path.join(root, 'test'));

  it('finds the PostgreSQL test files, each with "postgres" in its path', () => {
    expect(files).toContain(path.join(root, 'test/aggregates/postgres.test.ts'));
    expect(files).toContain(path.join(root, 'test/postgres/dcb.test.ts'));
    expect(files.every((f) => /postgres/i.test(f))).toBe(true);
  });

  it('counts a folder or part of a path holding one, as vitest matches filters', () => {
    const selects = (...filters: string[]) => filtersSelectPostgres(filters, files, root);
    expect(selects()).toBe(true);
    expect(selects('test/aggregates')).toBe(true);
    expect(selects('./test/docs/')).toBe(true);
    expect(selects(path.join(root, 'test/subscriptions'))).toBe(true);
    expect(selects('test/core', 'postgres')).toBe(true);
    expect(selects('test/core')).toBe(false);
    expect(selects('test/memory', 'test/sqlite/')).toBe(false);
    expect(selects('aggregates/memory')).toBe(false);
  });
});
