import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUi } from '../../scripts/build-ui.js';
import { run } from '../../src/cli/program.js';
import { startConsole, type ConsoleServer } from '../../src/cli/ui/server.js';
import { ValidationError } from '../../src/core/errors.js';
import { createEventStore } from '../../src/create-event-store.js';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { defineProjection, startProjection } from '../../src/subscriptions/index.js';
import { readSubscriptionStatuses } from '../../src/subscriptions/read-subscription-statuses.js';
import { storageOf } from '../../src/subscriptions/default-storage.js';
import { act, call, liveEvents } from './support/console-client.js';
import { beforeAllOrFail } from '../support/before-all-or-fail.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(root, 'test-artifacts', 'ui');
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(path.join(tmpdir(), 'eventfold-ui-'));
const assetsDir = path.join(dir, 'assets');

/** The projection of the seeded store: a poisoned task fails while `failing` is set. */
let failing = true;
const board = defineProjection<unknown>({
  name: 'task-board',
  handlers: {
    TaskCreated: (event) => {
      if (failing && (event.data as { poison?: boolean }).poison === true)
        throw new Error('cannot place a poisoned task');
    },
  },
});

let store: SqliteEventStore;
let server: ConsoleServer;
let browser: Browser;

async function seed(): Promise<void> {
  store = new SqliteEventStore(path.join(dir, 'console.db'));
  for (let i = 1; i <= 60; i++) {
    await store.append(`Task-${i}`, [
      { type: 'TaskCreated', data: { title: `Task number ${i}`, poison: i === 7 } },
      ...(i % 3 === 0 ? [{ type: 'TaskCompleted', data: { by: 'ada' } }] : []),
    ]);
  }
  await store.append('Order-1', [
    { type: 'OrderPlaced', data: { lines: [{ sku: 'A-1', qty: 2 }] }, metadata: { user: 'bob' } },
  ]);
  const running = startProjection(store, board, { retry: { maxRetries: 0 } });
  await running.caughtUp;
  await running.stop();
}

// Every test fails (none is skipped) when the setup fails, saying why: without Chromium, what to install.
beforeAllOrFail(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildUi(assetsDir);
  await seed();
  server = await startConsole({
    store,
    port: 0,
    assetsDir,
    allowActions: true,
    projections: [board],
    pollMs: 200,
  });
  if (!existsSync(CHROMIUM))
    throw new Error(
      `The console's browser tests need Chromium at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does)`,
    );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}${hash}`);
  pageErrors.set(page, errors);
  return page;
}

/** Closes `page`, which must have logged no error. */
async function close(page: Page): Promise<void> {
  await page.close();
  expect(pageErrors.get(page)).toEqual([]);
}
const pageErrors = new WeakMap<Page, string[]>();

/** Any error message. */
const anyText: unknown = expect.any(String);

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('the web console in Chromium', () => {
  it('shows the overview: counts, the append-rate chart and feed health', async () => {
    const page = await open('#/');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('81');
    expect(await page.getByTestId('streams').textContent()).toContain('61');
    expect(await page.getByTestId('subscriptions').textContent()).toContain('1');
    expect(await page.getByTestId('parked').textContent()).toContain('1');
    expect(await page.getByTestId('health').textContent()).toContain('ok');
    const bars = page.getByTestId('rate-chart').locator('rect.bar');
    expect(await bars.count()).toBe(15);
    // The seeded events were appended in the last minute or two: the bars add up to them.
    const titles = await bars.locator('title').allTextContents();
    expect(titles.reduce((sum, t) => sum + Number(t.split(': ')[1]), 0)).toBe(81);
    await shoot(page, 'overview');
    await close(page);
  });

  it('searches streams by prefix and category, a page at a time', async () => {
    const page = await open('#/streams');
    const rows = page.getByTestId('streams-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => rows.count()).toBe(11);
    await page.getByPlaceholder('Stream id prefix').fill('Task-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => rows.locator('td:first-child').allTextContents())
      .toEqual([
        'Task-1',
        'Task-10',
        'Task-11',
        'Task-12',
        'Task-13',
        'Task-14',
        'Task-15',
        'Task-16',
        'Task-17',
        'Task-18',
        'Task-19',
      ]);
    await page.getByPlaceholder('Stream id prefix').fill('');
    await page.getByPlaceholder('Category (Task)').fill('Order');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows.locator('td:first-child').allTextContents()).toEqual(['Order-1']);
    await shoot(page, 'streams');
    await page.getByRole('link', { name: 'Order-1' }).click();
    const event = page.getByTestId('event');
    await expect.poll(() => event.count()).toBe(1);
    expect(await event.locator('.type').textContent()).toBe('OrderPlaced');
    expect(await event.locator('pre.json').first().textContent()).toBe(
      JSON.stringify({ lines: [{ sku: 'A-1', qty: 2 }] }, null, 2),
    );
    await event.locator('summary').click();
    expect(await event.locator('pre.json').last().textContent()).toContain('"user": "bob"');
    await shoot(page, 'stream');
    await close(page);
  });

  it('shows an event appended during the test in the live tail of the feed', async () => {
    const page = await open('#/feed');
    await expect.poll(() => page.getByTestId('live-state').textContent()).toBe('live');
    await expect.poll(() => page.getByTestId('feed-page').getByTestId('event').count()).toBe(25);
    await store.append('Task-99', [{ type: 'TaskCreated', data: { title: 'Appended live' } }]);
    const tail = page.getByTestId('live-tail').getByTestId('event');
    await expect.poll(() => tail.count()).toBe(1);
    expect(await tail.textContent()).toContain('Appended live');
    expect(await tail.textContent()).toContain('Task-99@1');
    await shoot(page, 'feed');
    await close(page);
  });

  it('lists event types with their counts', async () => {
    const page = await open('#/types');
    const rows = page.getByTestId('types-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const text = await rows.allInnerTexts();
    expect(text).toContain('OrderPlaced\t1');
    expect(text).toContain('TaskCompleted\t20');
    expect(text.some((t) => /^TaskCreated\t6[01]$/.test(t))).toBe(true);
    await shoot(page, 'types');
    await close(page);
  });

  it('shows subscriptions, and replays a parked event after a confirmation', async () => {
    const page = await open('#/subscriptions');
    const rows = page.getByTestId('subscriptions-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('task-board');
    await shoot(page, 'subscriptions');
    await page.getByRole('link', { name: 'task-board' }).click();
    const parked = page.getByTestId('parked-table').locator('tbody tr');
    await expect.poll(() => parked.count()).toBe(1);
    expect(await parked.textContent()).toContain('cannot place a poisoned task');
    expect(await page.getByTestId('lag-chart').count()).toBe(1);
    await shoot(page, 'subscription');

    failing = false;
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await parked.getByRole('button', { name: 'Replay' }).click();
    await expect
      .poll(() => page.getByTestId('action-result').textContent())
      .toContain('"replayed":1');
    expect(questions).toEqual(['Replay Task-7@1 through "task-board"?']);
    await expect.poll(() => page.getByTestId('no-parked').count()).toBe(1);
    const { storage, close: closeStorage } = storageOf(store, undefined);
    expect(await storage.deadLetters.count('task-board')).toBe(0);
    await closeStorage();
    await shoot(page, 'subscription-replayed');
    await close(page);
  });

  it('deletes a stream after a confirmation, softly or for good; read-only consoles refuse', async () => {
    await store.append('Scratch-1', [{ type: 'Noted', data: { n: 1 } }]);
    await store.append('Scratch-2', [{ type: 'Noted', data: { n: 2 } }]);
    const page = await open('#/stream/Scratch-1');
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('action-result').textContent())
      .toContain('"deleted":"Scratch-1"');
    expect(questions).toEqual([
      'Delete Scratch-1? It reads as empty; appending to it again re-creates it.',
    ]);
    expect(await store.exists('Scratch-1')).toBe(false);
    await close(page);

    const readOnly = await startConsole({ store, port: 0, assetsDir });
    try {
      const refused = await act(readOnly.url, '/api/delete-stream', { name: 'Scratch-2' });
      expect(refused.status).toBe(403);
      expect((await call(readOnly.url, '/api/stream?id=Scratch-2')).body.actions).toBe(false);
    } finally {
      await readOnly.close();
    }
    expect(await store.exists('Scratch-2')).toBe(true);
    const bad = await act(server.url, '/api/delete-stream', { name: 'Scratch-2', hard: 'yes' });
    expect(bad.status).toBe(400);
    const hard = await act(server.url, '/api/delete-stream', { name: 'Scratch-2', hard: true });
    expect(hard).toEqual({
      status: 200,
      body: { deleted: 'Scratch-2', version: 1, hard: true },
    });
    const gone = await call(server.url, '/api/stream?id=Scratch-2');
    expect(gone.status).toBe(404);
    expect((gone.body.error as { code: string }).code).toBe('STREAM_DELETED');
  });

  it('does nothing when the confirmation is dismissed', async () => {
    failing = true;
    await store.append('Task-100', [{ type: 'TaskCreated', data: { poison: true } }]);
    const running = startProjection(store, board, { retry: { maxRetries: 0 } });
    await running.caughtUp;
    await running.stop();
    const page = await open('#/subscription/task-board');
    const parked = page.getByTestId('parked-table').locator('tbody tr');
    await expect.poll(() => parked.count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await parked.getByRole('button', { name: 'Skip' }).click();
    const { storage, close: closeStorage } = storageOf(store, undefined);
    expect(await storage.deadLetters.count('task-board')).toBe(1);
    await closeStorage();
    await close(page);
  });
});

describe('the console API', () => {
  it('answers bad input with a typed error and a 4xx status', async () => {
    expect(await call(server.url, '/api/stream?id=Nope-1')).toEqual({
      status: 404,
      body: { error: { code: 'STREAM_NOT_FOUND', message: anyText } },
    });
    expect((await call(server.url, '/api/feed?limit=lots')).status).toBe(400);
    expect((await call(server.url, '/api/stream')).status).toBe(400);
    expect((await call(server.url, '/api/nothing')).status).toBe(404);
    const parked = await call(server.url, '/api/skip', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'task-board', eventId: 'not-parked' }),
    });
    expect(parked.status).toBe(404);
    const notJson = await call(server.url, '/api/skip', {
      method: 'POST',
      body: 'name=task-board',
    });
    expect(notJson.status).toBe(400);
  });

  it('follows the appends of another process in the live tail, from a given position', async () => {
    const other = new SqliteEventStore(path.join(dir, 'console.db'));
    try {
      // Another store object on the file: no wake-up reaches the console, its poll finds them.
      const sent = await liveEvents(server.url, 2, async () => {
        await other.append('Task-200', [
          { type: 'TaskCreated', data: { title: 'from elsewhere' } },
          { type: 'TaskCompleted', data: { by: 'bob' } },
        ]);
      });
      expect(sent.map((e) => [e.event, (e.data as { streamId: string }).streamId])).toEqual([
        ['append', 'Task-200'],
        ['append', 'Task-200'],
      ]);
      const [first, second] = sent;
      expect(second?.id).toBe((second?.data as { position: string }).position);
      // Resuming after the first sends the second again, and nothing before it.
      const resumed = await liveEvents(
        server.url,
        1,
        () => Promise.resolve(),
        `?after=${first?.id ?? ''}`,
      );
      expect(resumed[0]?.id).toBe(second?.id);
    } finally {
      await other.close();
    }
  });

  it('is read-only without allowActions: an action is refused and changes nothing', async () => {
    const readOnly = await startConsole({ store, port: 0, assetsDir, projections: [board] });
    try {
      const { storage, close: closeStorage } = storageOf(store, undefined);
      const state = async () => [
        await storage.checkpoints.list(),
        await storage.deadLetters.list(),
      ];
      const before = await state();
      const [letter] = await storage.deadLetters.list('task-board');
      const answer = await call(readOnly.url, '/api/skip', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'task-board', eventId: letter?.eventId }),
      });
      expect(answer).toEqual({
        status: 403,
        body: { error: { code: 'ACTIONS_DISABLED', message: anyText } },
      });
      expect(await state()).toEqual(before);
      expect((await call(readOnly.url, '/api/overview')).body.actions).toBe(false);
      await closeStorage();
    } finally {
      await readOnly.close();
    }
  });

  it('skips a parked event, rebuilds and resets a projection when actions are allowed', async () => {
    const { storage, close: closeStorage } = storageOf(store, undefined);
    try {
      failing = true;
      const [letter] = await storage.deadLetters.list('task-board');
      expect(letter?.streamId).toBe('Task-100');
      expect(
        await act(server.url, '/api/skip', { name: 'task-board', eventId: letter?.eventId }),
      ).toEqual({
        status: 200,
        body: { skipped: true },
      });
      expect(await storage.deadLetters.count('task-board')).toBe(0);
      // A rebuild runs every event again: both poisoned tasks park.
      expect(await act(server.url, '/api/rebuild', { name: 'task-board' })).toEqual({
        status: 200,
        body: { rebuilt: 'task-board', parked: 2 },
      });
      const parked = await storage.deadLetters.list('task-board');
      expect(parked.map((l) => l.streamId).sort()).toEqual(['Task-100', 'Task-7']);
      expect(await act(server.url, '/api/reset', { name: 'task-board' })).toEqual({
        status: 200,
        body: { reset: 'task-board' },
      });
      expect(await storage.deadLetters.count('task-board')).toBe(0);
      const [status] = await readSubscriptionStatuses(store, storage);
      expect(status?.checkpoint).toBeNull();
      // A projection the console was not given cannot be replayed, reset or rebuilt.
      expect((await act(server.url, '/api/reset', { name: 'mailer' })).status).toBe(404);
    } finally {
      await closeStorage();
    }
  });

  it('refuses to bind off loopback without a token, and checks the token when given', async () => {
    await expect(startConsole({ store, host: '0.0.0.0', port: 0, assetsDir })).rejects.toThrow(
      ValidationError,
    );
    const token = 'a-long-enough-token';
    const open = await startConsole({ store, host: '0.0.0.0', port: 0, assetsDir, token });
    try {
      const port = new URL(open.url).port;
      const base = `http://127.0.0.1:${port}/`;
      expect((await call(base, '/api/overview')).status).toBe(401);
      expect(
        (await call(base, '/api/overview', { headers: { Authorization: 'Bearer wrong-token-xx' } }))
          .status,
      ).toBe(401);
      const ok = await call(base, '/api/overview', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.events).toBeGreaterThanOrEqual(81);
      expect((await call(base, `/api/types?token=${token}`)).status).toBe(200);
      // The page itself carries no data and loads without the token.
      expect((await fetch(base)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('answers only to a loopback Host header when bound to loopback', async () => {
    const { port } = new URL(server.url);
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/overview', headers: { Host: 'evil.example' } })
        .on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });
});

describe('eventfold ui', () => {
  it('exits with 2 when asked to bind off loopback without a token, serving nothing', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await run(['--url', 'memory:', 'ui', '--host', '0.0.0.0', '--port', '0'], {
      stdout: new PassThrough(),
      stderr,
      stdin: new PassThrough(),
      env: {},
    });
    expect(code).toBe(2);
    expect(text).toContain('requires a token');
  });

  it('opens a store by URL for the console', async () => {
    const url = `sqlite://${path.join(dir, 'console.db')}`;
    const other = await createEventStore(url);
    const console = await startConsole({ store: other, port: 0, assetsDir });
    try {
      const overview = await fetch(new URL('/api/overview', console.url));
      expect(((await overview.json()) as { streams: number }).streams).toBeGreaterThanOrEqual(61);
    } finally {
      await console.close();
      await other.close();
    }
  });
});
