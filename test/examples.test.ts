import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
/** tsx's loader, by absolute URL, so examples run from any working directory. */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let workDir: string;

/** Runs an example as a user would, in its own process, from a scratch working directory. */
async function runExample(file: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', tsx, join(root, 'examples', file), ...args],
    {
      cwd: workDir,
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    },
  );
  return stdout;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'eventfold-examples-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('examples', () => {
  it('tasks.ts prints the tutorial demo with the conflict versions', async () => {
    const out = await runExample('tasks.ts', ['memory:']);
    expect(out).toContain('Appended TaskCreated');
    expect(out).toMatch(
      /Version: 2\n {2}- TaskCreated \(v1\): Learn event stores\n {2}- TaskCompleted \(v2\)/,
    );
    expect(out).toMatch(/Conflict detected!\n {2}Expected: v1\n {2}Actual: v2/);
    expect(out).toContain('Total events: 2');
  });

  it('tasks.ts runs on a SQLite file by default, creating it, and again on a second run', async () => {
    const first = await runExample('tasks.ts');
    expect(first).toContain('Store: sqlite://.eventfold/tasks.db');
    expect(first).toMatch(/Conflict detected!\n {2}Expected: v1\n {2}Actual: v2/);
    expect(first).toMatch(/Total events: 2 /);
    const second = await runExample('tasks.ts');
    expect(second).toMatch(/Total events: 4 /);
  });

  it('courses.ts decides subscriptions across streams: racing appends refused, rules kept', async () => {
    const out = await runExample('courses.ts', ['memory:']);
    expect(out).toContain('Subscribed: 1, refused as stale: 4');
    expect(out).toContain('Subscribed: 2, course is full: 3');
    expect(out).toContain('a: subscribed, b: subscribed, d: subscribed, e: too many courses');
    expect(out).toMatch(/Leaving a course .*\ne: subscribed/);
    expect(out).toContain('Seats taken in the raced course: 1 of 2');
  });

  it('every example runs to completion', async () => {
    const files = (await readdir(join(root, 'examples'))).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      await expect(runExample(file), file).resolves.toBeTypeOf('string');
    }
  });
});
