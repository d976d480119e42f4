import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, finished, startCli, waitForText, type CliResult } from './run-cli.js';

/** A backend the command runs against: a URL of a fresh, empty store per call. */
export interface CliTarget {
  readonly name: string;
  freshUrl(): string;
  /** False for a backend without schema migrations (NATS: the stream is set up on connect). */
  readonly migrations?: boolean;
}

/** A temporary folder, removed after the file's tests. */
export function temporaryFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eventfold-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the program against `url`. */
export function on(url: string, args: readonly string[], input?: string): Promise<CliResult> {
  return cli(['--url', url, ...args], input === undefined ? {} : { input });
}

/** Runs the program and expects exit code 0, returning stdout. */
export async function ok(url: string, args: readonly string[]): Promise<string> {
  const result = await on(url, args);
  expect(result.stderr.includes('error'), result.stderr).toBe(false);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** Expects a failure with `code` and a one-line error matching `message`, nothing on stdout. */
export function expectFailure(result: CliResult, code: number, message: RegExp | string): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^eventfold: error: /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
}

/** The feed of the store at `url`, as parsed export lines without where and when they were stored. */
export async function feedOf(url: string): Promise<Record<string, unknown>[]> {
  const out = await ok(url, ['export']);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const { position, recordedAt, ...kept } = JSON.parse(line) as Record<string, unknown>;
      expect(typeof position).toBe('string');
      expect(typeof recordedAt).toBe('string');
      return kept;
    });
}

/** Appends a small, varied history: three streams, metadata, tags, interleaved. */
export async function seed(url: string): Promise<void> {
  await ok(url, [
    'append',
    'Task-1',
    'TaskCreated',
    '{"title":"Write docs"}',
    '--expected-version',
    'no-stream',
  ]);
  await ok(url, [
    'append',
    'User-7',
    'UserRegistered',
    '{"name":"Ada"}',
    '--metadata',
    '{"by":"admin"}',
  ]);
  await ok(url, [
    'append',
    'Task-1',
    'TaskCompleted',
    '{}',
    '--expected-version',
    '1',
    '--tag',
    'user:7',
  ]);
  await ok(url, [
    'append',
    'Task-2',
    'TaskCreated',
    '{"title":"Ship \\u00e9 😀","n":[1,2,{"x":null}]}',
  ]);
}

/** The command cases every backend passes. */
export function cliCases(target: CliTarget): void {
  const dir = temporaryFolder();

  describe(`eventfold command on ${target.name}`, { timeout: 240_000 }, () => {
    if (target.migrations === false) {
      it('migrate sets the store up and has no schema to plan', async () => {
        const url = target.freshUrl();
        const plan = JSON.parse(await ok(url, ['migrate', '--dry-run', '--json'])) as unknown;
        expect(plan).toEqual({ backend: 'nats', current: 0, latest: 0, pending: [] });
        expect(await ok(url, ['migrate'])).toMatch(/ready \(no schema to migrate\)\n$/);
        const info = JSON.parse(await ok(url, ['info', '--json'])) as Record<string, unknown>;
        expect(info).toMatchObject({ backend: 'nats', schemaVersion: null, events: 0, streams: 0 });
      });
    }

    if (target.migrations !== false)
      it('migrate --dry-run prints the SQL and changes nothing; migrate applies it once', async () => {
        const url = target.freshUrl();
        const dry = await ok(url, ['migrate', '--dry-run']);
        expect(dry).toMatch(/^-- schema at version 0; migrating would bring it to \d+/);
        expect(dry).toMatch(/CREATE TABLE/);
        const plan = JSON.parse(await ok(url, ['migrate', '--dry-run', '--json'])) as {
          current: number;
          latest: number;
          pending: { version: number; sql: string }[];
        };
        expect(plan.current).toBe(0);
        expect(plan.pending.map((m) => m.version)).toEqual(
          Array.from({ length: plan.latest }, (_, i) => i + 1),
        );
        const migrated = await on(url, ['migrate']);
        expect(migrated.code, migrated.stderr).toBe(0);
        expect(migrated.stdout).toBe(`migrated the schema from version 0 to ${plan.latest}\n`);
        expect(migrated.stderr).toContain(`migrations: ${plan.latest}/${plan.latest} migrations`);
        expect(await ok(url, ['migrate', '--dry-run'])).toBe(
          `-- schema at version ${plan.latest}: nothing to migrate\n`,
        );
        expect(await ok(url, ['migrate'])).toBe(`schema at version ${plan.latest}: up to date\n`);
        const info = JSON.parse(await ok(url, ['info', '--json'])) as Record<string, unknown>;
        expect(info.schemaVersion).toBe(plan.latest);
      });

    it('append, streams, read, feed and info', async () => {
      const url = target.freshUrl();
      await seed(url);
      const appended = JSON.parse(
        await ok(url, [
          'append',
          'Task-2',
          'TaskRenamed',
          '{"title":"b"}',
          '--expected-version',
          '1',
          '--json',
        ]),
      ) as { streamId: string; version: number; position: string };
      expect(appended).toMatchObject({ streamId: 'Task-2', version: 2 });

      const listing = await ok(url, ['streams']);
      expect(listing.split('\n')[0]).toMatch(/^STREAM\s+VERSION\s+LAST WRITE$/);
      const page = JSON.parse(await ok(url, ['streams', '--json'])) as {
        streams: { streamId: string; version: number; lastWrite: string }[];
        next: string | null;
      };
      expect(page.streams.map((s) => [s.streamId, s.version])).toEqual([
        ['Task-1', 2],
        ['Task-2', 2],
        ['User-7', 1],
      ]);
      expect(page.next).toBeNull();
      for (const s of page.streams) expect(Number.isNaN(Date.parse(s.lastWrite))).toBe(false);
      const first = await on(url, ['streams', '--limit', '2']);
      expect(first.stdout).toContain('Task-2');
      expect(first.stdout).not.toContain('User-7');
      expect(first.stderr).toBe('more: --after "Task-2"\n');
      const second = JSON.parse(
        await ok(url, ['streams', '--after', 'Task-2', '--limit', '2', '--json']),
      ) as typeof page;
      expect(second.streams.map((s) => s.streamId)).toEqual(['User-7']);
      const tasks = JSON.parse(
        await ok(url, ['streams', '--category', 'Task', '--json']),
      ) as typeof page;
      expect(tasks.streams.map((s) => s.streamId)).toEqual(['Task-1', 'Task-2']);

      const read = JSON.parse(await ok(url, ['read', 'Task-1', '--json'])) as {
        version: number;
        events: { type: string; version: number; tags: string[]; data: unknown }[];
      };
      expect(read.version).toBe(2);
      expect(read.events.map((e) => [e.version, e.type])).toEqual([
        [1, 'TaskCreated'],
        [2, 'TaskCompleted'],
      ]);
      expect(read.events[1]?.tags).toEqual(['user:7']);
      const backward = await ok(url, ['read', 'Task-1', '--backward', '--limit', '1']);
      expect(backward.trim().split('\n')).toHaveLength(1);
      expect(backward).toMatch(/^2 {2}\S+ {2}TaskCompleted {2}\S+ {2}\{\}\n$/);
      const from2 = JSON.parse(
        await ok(url, ['read', 'Task-1', '--from', '2', '--json']),
      ) as typeof read;
      expect(from2.events.map((e) => e.version)).toEqual([2]);

      const feed = JSON.parse(await ok(url, ['feed', '--json'])) as {
        events: { streamId: string; type: string; position: string; data: unknown }[];
        next: string | null;
      };
      expect(feed.events.map((e) => `${e.streamId}:${e.type}`)).toEqual([
        'Task-1:TaskCreated',
        'User-7:UserRegistered',
        'Task-1:TaskCompleted',
        'Task-2:TaskCreated',
        'Task-2:TaskRenamed',
      ]);
      expect(feed.events[3]?.data).toEqual({ title: 'Ship é 😀', n: [1, 2, { x: null }] });
      const created = JSON.parse(
        await ok(url, ['feed', '--type', 'TaskCreated', '--json']),
      ) as typeof feed;
      expect(created.events.map((e) => e.streamId)).toEqual(['Task-1', 'Task-2']);
      const users = JSON.parse(
        await ok(url, ['feed', '--category', 'User', '--category', 'Nope', '--json']),
      ) as typeof feed;
      expect(users.events.map((e) => e.type)).toEqual(['UserRegistered']);
      const after = JSON.parse(
        await ok(url, [
          'feed',
          '--after',
          feed.events[2]?.position ?? '',
          '--limit',
          '1',
          '--json',
        ]),
      ) as typeof feed;
      expect(after.events.map((e) => e.type)).toEqual(['TaskCreated']);
      const text = await on(url, ['feed', '--limit', '2']);
      expect(text.stdout.trim().split('\n')).toHaveLength(2);
      expect(text.stderr).toBe(`more: --after ${feed.events[1]?.position}\n`);

      const info = JSON.parse(await ok(url, ['info', '--json'])) as Record<string, unknown>;
      expect(info).toMatchObject({ events: 5, streams: 3, headPosition: appended.position });
      expect(await ok(url, ['info'])).toMatch(/events\s+5\n/);
    });

    it('fails with a clear line and a distinct exit code on bad input, writing nothing', async () => {
      const url = target.freshUrl();
      await seed(url);
      const before = await feedOf(url);
      expectFailure(await on(url, ['read', 'Nope-1']), 3, 'Stream "Nope-1" not found');
      expectFailure(await on(url, ['append', 'Task-1', 'X', '{"a":']), 2, 'Invalid JSON data');
      expectFailure(
        await on(url, ['append', 'Task-1', 'X', '{}', '--metadata', '[1]']),
        2,
        /metadata/i,
      );
      expectFailure(
        await on(url, ['append', 'Task-1', 'X', '{}', '--expected-version', '0']),
        4,
        'expected version 0, actual version 2',
      );
      expectFailure(
        await on(url, ['append', 'Task-1', 'X', '{}', '--expected-version', 'soon']),
        2,
        "option '--expected-version <version>' argument 'soon' is invalid",
      );
      expectFailure(await on(url, ['read', 'Task-1', '--limit', '0']), 2, /--limit/);
      expectFailure(await on(url, ['feed', '--after', 'not-a-position']), 2, /position/i);
      expectFailure(await on(url, ['frobnicate']), 2, "unknown command 'frobnicate'");
      expectFailure(await on(url, ['read', 'Task-1', '--bogus']), 2, "unknown option '--bogus'");
      expectFailure(await on(url, ['copy']), 2, "required option '--to <url>' not specified");
      expectFailure(
        await on('mysql://localhost/db', ['info']),
        2,
        'Unsupported store URL scheme "mysql:"',
      );
      expectFailure(await on(url, ['copy', '--to', url]), 2, 'the source store itself');
      const badExport = path.join(dir, `bad-${Date.now()}.ndjson`);
      const good = (await ok(url, ['export'])).split('\n')[0] ?? '';
      writeFileSync(badExport, `${good}\n{"streamId":"Task-9"\n`);
      const other = target.freshUrl();
      expectFailure(await on(other, ['import', badExport]), 2, 'Line 2: invalid JSON');
      expectFailure(await on(url, ['import', path.join(dir, 'missing.ndjson')]), 2, 'Cannot read');
      expectFailure(
        await on(url, ['export', path.join(dir, 'no-such-folder', 'out.ndjson')]),
        2,
        'Cannot write',
      );
      expect(await feedOf(url)).toEqual(before);
      const debug = await on(url, ['--debug', 'read', 'Nope-1']);
      expect(debug.code).toBe(3);
      expect(debug.stderr).toMatch(/StreamNotFoundError: Stream "Nope-1" not found\n\s+at /);
    });

    it('delete (soft and --hard) and truncate, with exit codes for a wrong version and a tombstone', async () => {
      const url = target.freshUrl();
      for (const n of [1, 2, 3])
        await ok(url, ['append', 'Cart-1', 'ItemAdded', JSON.stringify({ n })]);
      await ok(url, ['append', 'Cart-2', 'ItemAdded', '{}']);
      // A wrong expected version: a conflict, nothing deleted.
      expectFailure(await on(url, ['delete', 'Cart-1', '--expected-version', '2']), 4, 'Cart-1');
      await ok(url, ['truncate', 'Cart-1', '--before', '3']);
      const truncated = JSON.parse(await ok(url, ['read', 'Cart-1', '--json'])) as {
        events: { version: number }[];
      };
      expect(truncated.events.map((e) => e.version)).toEqual([3]);
      const soft = JSON.parse(
        await ok(url, ['delete', 'Cart-1', '--expected-version', '3', '--json']),
      ) as { streamId: string; version: number; hard: boolean };
      expect(soft).toMatchObject({ streamId: 'Cart-1', version: 3, hard: false });
      // Soft: appending again re-creates it, numbering after the deleted versions.
      expect(
        await ok(url, ['append', 'Cart-1', 'ItemAdded', '{}', '--expected-version', 'no-stream']),
      ).toContain('version 4');
      expect(await ok(url, ['delete', 'Cart-2', '--hard'])).toContain(
        'deleted for good: Cart-2 at version 1',
      );
      expectFailure(await on(url, ['append', 'Cart-2', 'ItemAdded', '{}']), 3, 'Cart-2');
      expectFailure(await on(url, ['read', 'Cart-2']), 3, 'Cart-2');
      // The deletions are events of the $$ streams, in the feed.
      const feed = await ok(url, ['feed', '--type', '$StreamDeleted', '--json']);
      expect(feed).toContain('"$$Cart-1"');
      expect(feed).toContain('"$$Cart-2"');
      expectFailure(await on(url, ['truncate', 'Cart-1']), 2, '--before');
      // The scavenge removes the deleted and truncated events; the tombstone stays.
      expect(await ok(url, ['scavenge'])).toBe(
        'scavenged: 4 event(s) removed from 2 stream(s)\n  Cart-1: 3\n  Cart-2: 1 (tombstone kept)\n',
      );
      const report = JSON.parse(await ok(url, ['scavenge', '--json'])) as { eventsRemoved: number };
      expect(report.eventsRemoved).toBe(0);
      expectFailure(await on(url, ['append', 'Cart-2', 'ItemAdded', '{}']), 3, 'Cart-2');
      expectFailure(await on(url, ['scavenge', '--batch-size', '0']), 2, 'batch-size');
    });

    it('--help on every command', async () => {
      const url = target.freshUrl();
      const commands = [
        'migrate',
        'info',
        'streams',
        'read',
        'feed',
        'tail',
        'append',
        'delete',
        'truncate',
        'scavenge',
        'export',
        'import',
        'copy',
        'projections',
      ];
      const top = await ok(url, ['--help']);
      for (const command of commands) expect(top).toContain(`  ${command}`);
      expect(top).toContain('Exit codes:');
      for (const command of commands) {
        const help = await ok(url, [command, '--help']);
        expect(help).toMatch(new RegExp(`^Usage: eventfold ${command}`));
      }
      const projections = await ok(url, ['projections', '--help']);
      for (const sub of ['status', 'parked', 'rebuild', 'replay']) {
        expect(projections).toContain(`  ${sub}`);
        const help = await ok(url, ['projections', sub, '--help']);
        expect(help).toMatch(new RegExp(`^Usage: eventfold projections ${sub}`));
      }
      const version = await ok(url, ['--version']);
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('export then import into an empty store gives an identical feed; importing again writes nothing', async () => {
      const url = target.freshUrl();
      await seed(url);
      const file = path.join(dir, `export-${Date.now()}-${Math.random()}.ndjson`);
      const exported = await on(url, ['export', file]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toBe('');
      expect(exported.stderr).toMatch(/^export: 4\/4 events, \d+ events\/s, in \S+\n$/);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
      const copy = target.freshUrl();
      const imported = await on(copy, ['import', file]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toContain('imported 4 events, 0 already there');
      const source = await feedOf(url);
      expect(await feedOf(copy)).toEqual(source);
      const again = await on(copy, ['import', file]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('imported 0 events, 4 already there');
      expect(await feedOf(copy)).toEqual(source);
      // From standard input too, into a store that has the first events already (resumed).
      const partial = target.freshUrl();
      const lines = readFileSync(file, 'utf8').split('\n');
      const head = await on(partial, ['import', '-'], `${lines.slice(0, 2).join('\n')}\n`);
      expect(head.code, head.stderr).toBe(0);
      const rest = await on(partial, ['import', '-'], readFileSync(file, 'utf8'));
      expect(rest.code, rest.stderr).toBe(0);
      expect(rest.stderr).toContain('imported 2 events, 2 already there');
      expect(await feedOf(partial)).toEqual(source);
    });

    it('import refuses a target whose stream holds other events, writing nothing of it', async () => {
      const url = target.freshUrl();
      await seed(url);
      const other = target.freshUrl();
      await ok(other, ['append', 'Task-1', 'Elsewhere', '{}']);
      const result = await on(other, ['import', '-'], await ok(url, ['export']));
      expectFailure(result, 4, /Stream "Task-1" holds event \S+ at version 1 in the target/);
      const feed = await feedOf(other);
      expect(feed.map((e) => e.type)).toEqual(['Elsewhere']);
    });

    it('tail follows the feed live until interrupted', async () => {
      const url = target.freshUrl();
      await seed(url);
      const child = startCli([
        '--url',
        url,
        'tail',
        '--json',
        '--poll',
        '50',
        '--category',
        'Task',
      ]);
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exit = finished(child);
      await waitForText(() => stderr, 'following the feed after');
      await ok(url, ['append', 'User-8', 'UserRegistered', '{}']);
      await ok(url, ['append', 'Task-3', 'TaskCreated', '{"title":"live"}']);
      await waitForText(() => stdout, '"streamId":"Task-3"');
      child.kill('SIGINT');
      const result = await exit;
      expect(result.code).toBe(0);
      const events = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { streamId: string });
      expect(events.map((e) => e.streamId)).toEqual(['Task-3']);
    });
  });
}
