import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCases, expectFailure, feedOf, ok, on, temporaryFolder } from './cli-cases.js';
import { cli } from './run-cli.js';

const dir = temporaryFolder();
let n = 0;
/** A URL of a new SQLite file in the temporary folder. */
function freshUrl(): string {
  return `sqlite://${path.join(dir, `store-${++n}.db`)}`;
}

cliCases({ name: 'SQLite', freshUrl });

describe('eventfold command on SQLite files', { timeout: 120_000 }, () => {
  it('a read-only command on a missing file fails and creates nothing', async () => {
    const url = freshUrl();
    const file = url.slice('sqlite://'.length);
    expectFailure(await on(url, ['info']), 3, `No SQLite store at "${file}"`);
    expectFailure(await on(url, ['streams']), 3, 'run `eventfold migrate`');
    expect((await on(url, ['migrate', '--dry-run'])).code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('a file that cannot be opened is a database error (exit 5)', async () => {
    const url = `sqlite://${path.join(dir, 'no-such-folder', 'store.db')}`;
    expectFailure(await on(url, ['append', 'Task-1', 'TaskCreated', '{}']), 5, /store\.db/);
  });

  it('uses EVENTFOLD_URL, else the demo file .eventfold/tasks.db of the working directory', async () => {
    const url = freshUrl();
    await ok(url, ['append', 'Task-1', 'TaskCreated', '{}']);
    const fromEnv = await cli(['streams', '--json'], { env: { EVENTFOLD_URL: url } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toContain('"Task-1"');
    const cwd = path.join(dir, 'demo');
    mkdirSync(path.join(cwd, '.eventfold'), { recursive: true });
    const demo = await cli(['append', 'Demo-1', 'Tried', '{}'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
    expect(existsSync(path.join(cwd, '.eventfold', 'tasks.db'))).toBe(true);
    const info = await cli(['info'], { cwd });
    expect(info.stdout).toContain('sqlite://.eventfold/tasks.db');
  });

  it('copies a whole store to another SQLite file, and resumes', async () => {
    const source = freshUrl();
    for (let i = 0; i < 3; i++)
      await ok(source, ['append', `Task-${i}`, 'TaskCreated', `{"i":${i}}`]);
    const target = freshUrl();
    const result = await on(source, ['copy', '--to', target]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^copy: 3\/3 events, \d+ events\/s, in \S+\ncopied 3 events to /);
    await ok(source, ['append', 'Task-9', 'TaskCreated', '{}']);
    const resumed = await on(source, ['copy', '--to', target]);
    expect(resumed.stderr).toContain('copied 1 events to');
    expect(resumed.stderr).toContain('3 already there');
    expect(await feedOf(target)).toEqual(await feedOf(source));
  });
});
