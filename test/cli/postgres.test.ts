import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { cliCases, expectFailure, feedOf, ok, on, seed, temporaryFolder } from './cli-cases.js';
import { cli } from './run-cli.js';

const database = useTestDatabase('cli');

/** A URL of a new schema in the test database. */
function freshUrl(): string {
  const url = new URL(database().url);
  url.searchParams.set('schema', uniqueName('cli'));
  return url.toString();
}

cliCases({ name: 'PostgreSQL', freshUrl });

describe('eventfold command on PostgreSQL', { timeout: 240_000 }, () => {
  const dir = temporaryFolder();

  it('an unreachable database is exit code 5, and the password is never printed', async () => {
    const url = 'postgresql://postgres:Sup3rSecretPw@127.0.0.1:1/nowhere?connectTimeoutMs=2000';
    for (const args of [['info'], ['migrate', '--dry-run'], ['--debug', 'streams']]) {
      const result = await on(url, args);
      expect(result.code, result.stderr).toBe(5);
      expect(result.stderr).toMatch(/^eventfold: error: /);
      expect(result.stderr + result.stdout).not.toContain('Sup3rSecretPw');
    }
    expectFailure(await on(url, ['info']), 5, /127\.0\.0\.1|ECONNREFUSED|connect/i);
  });

  it('info shows the URL without its password, the schema version and the feed health', async () => {
    const url = new URL(freshUrl());
    // The test server's own password when it has one (a throwaway server); else any password
    // (the machine's service trusts local connections).
    if (url.password === '') url.password = 'NotShown123';
    const password = decodeURIComponent(url.password);
    const withPassword = url.toString();
    await seed(withPassword);
    const text = await ok(withPassword, ['info']);
    expect(text).not.toContain(password);
    expect(text).toMatch(/url\s+postgresql:\/\/postgres:\*\*\*@/);
    expect(text).toMatch(/feed health\s+ok/);
    const info = JSON.parse(await ok(withPassword, ['info', '--json'])) as Record<string, unknown>;
    expect(info).toMatchObject({ backend: 'postgres', events: 4, streams: 3 });
    expect(info.feedHealth).toMatchObject({ withheldEvents: 0 });
  });

  it('copy from SQLite to PostgreSQL and back gives identical streams and feed', async () => {
    const sqlite = `sqlite://${path.join(dir, 'source.db')}`;
    await seed(sqlite);
    for (let i = 0; i < 5; i++)
      await ok(sqlite, ['append', `Order-${i % 2}`, 'OrderPlaced', `{"i":${i}}`]);
    const postgres = freshUrl();
    const there = await on(sqlite, ['copy', '--to', postgres]);
    expect(there.code, there.stderr).toBe(0);
    expect(there.stderr).toContain('copied 9 events to postgresql://');
    // A bulk write into PostgreSQL leaves the planner's statistics of the events table fresh.
    const analyzed = new pg.Client({ connectionString: database().url });
    await analyzed.connect();
    try {
      const { rows } = await analyzed.query<{ analyzed: boolean }>(
        `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
          WHERE schemaname = $1 AND relname = 'events'`,
        [new URL(postgres).searchParams.get('schema')],
      );
      expect(rows).toEqual([{ analyzed: true }]);
    } finally {
      await analyzed.end();
    }
    const back = `sqlite://${path.join(dir, 'back.db')}`;
    const returned = await on(postgres, ['copy', '--to', back]);
    expect(returned.code, returned.stderr).toBe(0);
    const original = await feedOf(sqlite);
    expect(original).toHaveLength(9);
    expect(await feedOf(postgres)).toEqual(original);
    expect(await feedOf(back)).toEqual(original);
    const streams = async (url: string) =>
      (
        JSON.parse(await ok(url, ['streams', '--json'])) as {
          streams: { streamId: string; version: number }[];
        }
      ).streams.map((s) => [s.streamId, s.version]);
    expect(await streams(postgres)).toEqual(await streams(sqlite));
    expect(await streams(back)).toEqual(await streams(sqlite));
    // Copying again writes nothing: the copy resumes where the target stands.
    const again = await on(sqlite, ['copy', '--to', postgres]);
    expect(again.stderr).toContain('copied 0 events to');
    expect(again.stderr).toContain('9 already there');
  });

  it('projections: rebuild, status with lag and parked events, parked, replay', async () => {
    const url = freshUrl();
    const schema = new URL(url).searchParams.get('schema') ?? '';
    const module = path.join(dir, `task-list-${schema}.mjs`);
    writeFileSync(
      module,
      `export const taskList = {
  name: 'task-list',
  handlers: {
    TaskCreated: async (e, tx) => {
      if (e.data.fail === true && process.env.FIXED !== '1') throw new Error('boom: cannot list it');
      await tx.query('INSERT INTO "${schema}".cli_tasks (id, title) VALUES ($1, $2)', [e.streamId, e.data.title ?? '']);
    },
  },
  reset: async (tx) => {
    await tx.query('DROP TABLE IF EXISTS "${schema}".cli_tasks');
    await tx.query('CREATE TABLE "${schema}".cli_tasks (id text PRIMARY KEY, title text)');
  },
};
`,
    );
    await ok(url, ['append', 'Task-1', 'TaskCreated', '{"title":"a"}']);
    await ok(url, ['append', 'Task-2', 'TaskCreated', '{"fail":true}']);
    const rebuilt = await on(url, ['projections', 'rebuild', 'task-list', '--module', module]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toBe('rebuilt "task-list": 1 parked\n');
    await ok(url, ['append', 'Task-3', 'TaskCreated', '{"title":"c"}']);
    type Status = { name: string; state: string; lag: { events: number }; parked: number };
    const status = JSON.parse(await ok(url, ['projections', 'status', '--json'])) as Status[];
    expect(status).toMatchObject([
      { name: 'task-list', state: 'stopped', lag: { events: 1 }, parked: 1 },
    ]);
    expect(await ok(url, ['projections', 'parked', 'task-list'])).toContain('boom: cannot list it');
    const replayed = await cli(
      ['--url', url, 'projections', 'replay', 'task-list', '--module', module],
      { env: { FIXED: '1' } },
    );
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toBe('replayed 1 parked events of "task-list", 0 failed again\n');
    const after = JSON.parse(await ok(url, ['projections', 'status', '--json'])) as Status[];
    expect(after).toMatchObject([{ name: 'task-list', parked: 0 }]);
    // The read model holds what the handlers wrote: Task-1 by the rebuild, Task-2 by the replay.
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT id FROM "${schema}".cli_tasks ORDER BY id`);
      expect(rows).toEqual([{ id: 'Task-1' }, { id: 'Task-2' }]);
    } finally {
      await client.end();
    }
  });
});
