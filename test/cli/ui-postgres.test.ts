import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUi } from '../../scripts/build-ui.js';
import { startConsole } from '../../src/cli/ui/server.js';
import { createEventStore } from '../../src/create-event-store.js';
import { defineProjection, startProjection } from '../../src/subscriptions/index.js';
import { storageOf } from '../../src/subscriptions/default-storage.js';
import type { SubscriptionStorageProvider } from '../../src/core/contracts/subscription-storage-provider.js';
import type { EventStore } from '../../src/core/event-store.js';
import { useTestDatabase } from '../support/postgres-test-database.js';
import { act, call, liveEvents } from './support/console-client.js';

const database = useTestDatabase('ui');
const dir = mkdtempSync(path.join(tmpdir(), 'eventfold-ui-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

describe('the web console on PostgreSQL', { timeout: 120_000 }, () => {
  it('shows counts and feed health, tails appends of another pool, and replays a parked event', async () => {
    const assetsDir = path.join(dir, 'assets');
    await buildUi(assetsDir);
    const store = (await createEventStore(database().url)) as EventStore &
      SubscriptionStorageProvider;
    const other = await createEventStore(database().url);
    const { storage, close: closeStorage } = storageOf(store, undefined);
    try {
      await store.append('Task-1', [
        { type: 'TaskCreated', data: { title: 'ok' } },
        { type: 'TaskCompleted', data: {} },
      ]);
      await store.append('Task-2', [{ type: 'TaskCreated', data: { poison: true } }]);
      const running = startProjection(store, board, { retry: { maxRetries: 0 } });
      await running.caughtUp;
      await running.stop();

      const server = await startConsole({
        store,
        port: 0,
        assetsDir,
        allowActions: true,
        projections: [board],
        pollMs: 200,
      });
      try {
        const overview = await call(server.url, '/api/overview');
        expect(overview.body).toMatchObject({
          events: 3,
          streams: 2,
          subscriptions: 1,
          parked: 1,
          feedHealth: { withheldEvents: 0 },
        });
        expect(await call(server.url, '/api/types')).toEqual({
          status: 200,
          body: {
            types: [
              { type: 'TaskCreated', count: 2 },
              { type: 'TaskCompleted', count: 1 },
            ],
            counted: 3,
            complete: true,
          },
        });

        const sent = await liveEvents(server.url, 1, async () => {
          await other.append('Task-3', [{ type: 'TaskCreated', data: { title: 'elsewhere' } }]);
        });
        expect(sent[0]?.data).toMatchObject({ streamId: 'Task-3', type: 'TaskCreated' });

        const [letter] = await storage.deadLetters.list('task-board');
        failing = false;
        expect(
          await act(server.url, '/api/replay', { name: 'task-board', eventId: letter?.eventId }),
        ).toEqual({ status: 200, body: { replayed: 1, failed: 0 } });
        expect(await storage.deadLetters.count('task-board')).toBe(0);
        const subscription = await call(server.url, '/api/subscription?name=task-board');
        expect(subscription.body).toMatchObject({
          name: 'task-board',
          parked: 0,
          parkedEvents: [],
        });
      } finally {
        await server.close();
      }
    } finally {
      await closeStorage();
      await other.close();
      await store.close();
    }
  });
});
