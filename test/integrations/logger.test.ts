/**
 * The `logger` option (pino-compatible) of stores, command handlers and
 * subscriptions: warnings go to it instead of process warnings, and without
 * it nothing changes (process warnings, as before).
 */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  fromDecider,
  InMemorySnapshotStore,
  type Decider,
} from '../../src/aggregates/index.js';
import {
  ConcurrencyError,
  InMemoryEventStore,
  InvalidOptionError,
  type EventfoldLogger,
} from '../../src/index.js';
import { subscribe } from '../../src/subscriptions/index.js';
import { within } from '../support/wait.js';

type Line = [level: string, fields: Record<string, unknown>, message: string | undefined];

function recordingLogger(): EventfoldLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void =>
      void lines.push([level, fields as Record<string, unknown>, message]);
  return { lines, warn: at('warn'), error: at('error'), info: at('info'), debug: at('debug') };
}

type Add = { type: 'Add'; n: number };
type Added = { type: 'Added'; data: { n: number } };
const counter: Decider<Add, Added, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.n,
  decide: (command) => ({ type: 'Added', data: { n: command.n } }),
};

/** A snapshot store whose disk is full: loads work, every save fails. */
class FullSnapshotStore extends InMemorySnapshotStore {
  override save(): Promise<boolean> {
    return Promise.reject(new Error('disk full'));
  }
}

function failingSnapshots(store: InMemoryEventStore) {
  return new AggregateRepository(store, fromDecider('Counter', counter), {
    snapshots: { store: new FullSnapshotStore(), policy: 1 },
  });
}

describe('a store’s logger', () => {
  it('gets the warning of a snapshot that was not saved, and no process warning is emitted', async () => {
    const logger = recordingLogger();
    await using store = new InMemoryEventStore({ logger });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const handler = CommandHandler.forDecider(failingSnapshots(store));
      await handler.handle('1', { type: 'Add', n: 1 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    expect(logger.lines).toHaveLength(1);
    const [level, fields, message] = logger.lines[0] as Line;
    expect(level).toBe('warn');
    expect(fields).toMatchObject({ code: 'EVENTFOLD_SNAPSHOT', streamId: 'Counter-1', version: 1 });
    expect(fields.err).toBeInstanceOf(Error);
    expect(message).toBe('the snapshot of Counter-1 at version 1 was not saved: disk full');
  });

  it('without one, the warning is a process warning, as before', async () => {
    await using store = new InMemoryEventStore();
    const warned = new Promise<Error & { code?: string }>((resolve) =>
      process.once('warning', resolve),
    );
    const handler = CommandHandler.forDecider(failingSnapshots(store));
    await handler.handle('1', { type: 'Add', n: 1 });
    const warning = await within(warned, 'the process warning');
    expect(warning.code).toBe('EVENTFOLD_SNAPSHOT');
    expect(warning.message).toMatch(/^eventfold: the snapshot of Counter-1 at version 1/);
  });

  it('is refused when it is not a logger, naming the option', () => {
    expect(() => new InMemoryEventStore({ logger: { warn: () => undefined } as never })).toThrow(
      InvalidOptionError,
    );
    expect(() => new InMemoryEventStore({ logger: 'pino' as never })).toThrow(/logger/);
  });
});

describe('a command handler’s logger', () => {
  it('logs each retry (info) and the conflict that ends them (warn)', async () => {
    const logger = recordingLogger();
    await using store = new InMemoryEventStore();
    const repository = new AggregateRepository(store, fromDecider('Counter', counter));
    let n = 0;
    const handler = new CommandHandler(
      repository,
      async (aggregate, command: Add) => {
        await store.append('Counter-1', [{ type: 'Added', data: { n: ++n } }]); // always a conflict
        aggregate.execute(command);
      },
      { logger, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 } },
    );
    await expect(handler.handle('1', { type: 'Add', n: 5 })).rejects.toThrow(ConcurrencyError);
    expect(logger.lines.map(([level, fields]) => [level, fields.retry])).toEqual([
      ['info', 1],
      ['info', 2],
      ['warn', 3],
    ]);
    expect(logger.lines[2]?.[1]).toMatchObject({ aggregateType: 'Counter', id: '1' });
    expect(logger.lines[2]?.[2]).toBe('command gave up after 2 retries');
  });
});

describe('a subscription’s logger', () => {
  it('gets a handler’s failed tries (warn) besides onError, with the event; the store’s logger by default', async () => {
    const logger = recordingLogger();
    await using store = new InMemoryEventStore({ logger });
    const reported: unknown[] = [];
    const { position } = await store.append('Task-1', [{ type: 'Added', data: { n: 1 } }]);
    await using sub = subscribe(store, {
      name: 'mailer',
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
      onError: (error) => void reported.push(error),
      handler: () => {
        throw new Error('smtp down');
      },
    });
    await within(sub.waitForPosition(position), 'parking the event');
    expect(reported).toHaveLength(2);
    expect(
      logger.lines.map(([level, fields, message]) => [level, fields.attempt, message]),
    ).toEqual([
      ['warn', 1, 'subscription mailer: handler failed on Added'],
      ['warn', 2, 'subscription mailer: handler failed on Added'],
    ]);
    expect(logger.lines[0]?.[1]).toMatchObject({
      subscription: 'mailer',
      streamId: 'Task-1',
      eventType: 'Added',
      position,
    });
    expect((logger.lines[0]?.[1].err as Error).message).toBe('smtp down');
  });

  it('uses its own logger over the store’s, and logs the error that stops it as an error', async () => {
    const own = recordingLogger();
    const storeLogger = recordingLogger();
    await using store = new InMemoryEventStore({ logger: storeLogger });
    await store.append('Task-1', [{ type: 'Added', data: { n: 1 } }]);
    const sub = subscribe(store, {
      name: 'a',
      logger: own,
      retry: { maxRetries: 0 },
      onFailure: 'stop',
      handler: () => {
        throw new Error('no');
      },
    });
    await expect(within(sub.finished, 'stopping')).rejects.toThrow(/no/);
    expect(storeLogger.lines).toEqual([]);
    expect(own.lines.map(([level, fields]) => [level, fields.subscription])).toEqual([
      ['warn', 'a'],
      ['error', 'a'],
    ]);
  });
});
