import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

  it('import checks every line of a file before writing anything', async () => {
    const url = freshUrl();
    const id = '01a2333e-ef9f-7078-b480-7f51199b82ec';
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({ streamId: 'Task-1', version: 1, id, type: 'T', data: {}, ...fields });
    const cases: [string, string][] = [
      [line({ id: 'not-a-uuid' }), 'Line 2: "id" must be a UUID'],
      [line({ type: '' }), 'Line 2: "type" must be a non-empty string'],
      [line({ version: 0 }), 'Line 2: "version" must be a positive integer'],
      [line({ metadata: [] }), 'Line 2: "metadata" must be an object'],
      [line({ tags: [1] }), 'Line 2: "tags" must be an array of strings'],
      ['[1,2]', 'Line 2: expected a JSON object'],
    ];
    const first = line({ streamId: 'Other-1', id: '01a2333e-ef9f-7078-b480-7f51199b82ed' });
    for (const [bad, message] of cases) {
      const file = path.join(dir, `lines-${++n}.ndjson`);
      writeFileSync(file, `${first}\n${bad}\n`);
      expectFailure(await on(url, ['import', file]), 2, message);
    }
    expect(existsSync(url.slice('sqlite://'.length))).toBe(false);
    const skipping = path.join(dir, `skip-${++n}.ndjson`);
    writeFileSync(
      skipping,
      `${line({})}\n${line({ version: 3, id: '01a2333e-ef9f-7078-b480-7f51199b82ee' })}\n`,
    );
    expectFailure(await on(url, ['import', skipping]), 2, 'the input skips or repeats versions');
  });

  it('projections: rebuild, status with lag and parked events, parked, replay', async () => {
    const url = freshUrl();
    const module = path.join(dir, 'task-list.mjs');
    writeFileSync(
      module,
      `export const taskList = {
  name: 'task-list',
  handlers: {
    TaskCreated: (e, db) => {
      if (e.data.fail === true && process.env.FIXED !== '1') throw new Error('boom: cannot list it');
      db.prepare('INSERT INTO cli_tasks (id, title) VALUES (?, ?)').run(e.streamId, e.data.title ?? '');
    },
  },
  reset: (db) => {
    db.exec('DROP TABLE IF EXISTS cli_tasks; CREATE TABLE cli_tasks (id TEXT PRIMARY KEY, title TEXT)');
  },
};
`,
    );
    await ok(url, ['append', 'Task-1', 'TaskCreated', '{"title":"a"}']);
    await ok(url, ['append', 'Task-2', 'TaskCreated', '{"fail":true}']);
    const none = await on(url, ['projections', 'status']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'no subscriptions\n' });
    const rebuilt = await on(url, ['projections', 'rebuild', 'task-list', '--module', module]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toBe('rebuilt "task-list": 1 parked\n');
    expect(rebuilt.stderr).toMatch(/^rebuild task-list: 2\/2 events, \d+ events\/s, in \S+\n$/m);
    await ok(url, ['append', 'Task-3', 'TaskCreated', '{"title":"c"}']);
    type Status = { name: string; state: string; lag: { events: number }; parked: number };
    const status = JSON.parse(await ok(url, ['projections', 'status', '--json'])) as Status[];
    expect(status).toMatchObject([
      { name: 'task-list', state: 'stopped', lag: { events: 1 }, parked: 1 },
    ]);
    expect(await ok(url, ['projections', 'status'])).toMatch(
      /^NAME\s+STATE\s+CHECKPOINT\s+LAG\s+PARKED\s+UPDATED\ntask-list\s+stopped\s+\d+\s+1\s+1\s+/,
    );
    const watched = await ok(url, ['projections', 'status', '--watch', '20', '--times', '2']);
    expect(watched.match(/^NAME.*EVENTS\/S\s+ETA$/gm)).toHaveLength(2); // read twice
    expect(watched).toMatch(/^task-list\s+stopped\s+\d+\s+1\s+1\s+\S+\s+0\s+—$/m);
    const parked = JSON.parse(await ok(url, ['projections', 'parked', 'task-list', '--json'])) as {
      streamId: string;
      attempts: number;
      error: { message: string };
    }[];
    expect(parked).toMatchObject([
      { streamId: 'Task-2', error: { message: 'boom: cannot list it' } },
    ]);
    expect(await ok(url, ['projections', 'parked', 'task-list'])).toContain('boom: cannot list it');
    const failedAgain = await on(url, ['projections', 'replay', 'task-list', '--module', module]);
    expect(failedAgain.stdout).toBe('replayed 0 parked events of "task-list", 1 failed again\n');
    const replayed = await cli(
      ['--url', url, 'projections', 'replay', 'task-list', '--module', module],
      { env: { FIXED: '1' } },
    );
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toBe('replayed 1 parked events of "task-list", 0 failed again\n');
    const after = JSON.parse(await ok(url, ['projections', 'status', '--json'])) as Status[];
    expect(after).toMatchObject([{ name: 'task-list', parked: 0 }]);
    expectFailure(
      await on(url, ['projections', 'rebuild', 'nope', '--module', module]),
      2,
      'exports no projection named "nope"',
    );
    expectFailure(
      await on(url, ['projections', 'replay', 'task-list', '--module', path.join(dir, 'none.mjs')]),
      2,
      'Cannot load module',
    );
  });
});
