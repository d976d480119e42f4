/**
 * eventfold/opentelemetry on the in-memory store, with the SDK's in-memory
 * span exporter and a metric reader: span names, attributes and parenting,
 * error status, metrics, the trace context in event metadata, and the
 * continuation of a trace from a command to a subscription's batch.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  fromDecider,
  type Decider,
} from '../../src/aggregates/index.js';
import {
  ConcurrencyError,
  ExpectedVersion,
  InMemoryEventStore,
  InvalidOptionError,
  TRACEPARENT_KEY,
} from '../../src/index.js';
import type { Position } from '../../src/index.js';
import { subscribe } from '../../src/subscriptions/index.js';
import { within } from '../support/wait.js';
import { idOf, parentOf, pointValue, traceOf, useOpenTelemetry } from './support/otel.js';

const otel = useOpenTelemetry();
const { telemetry } = otel;

type Add = { type: 'Add'; n: number };
type Added = { type: 'Added'; data: { n: number } };
const counter: Decider<Add, Added, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.n,
  decide: (command) => ({ type: 'Added', data: { n: command.n } }),
};
const added = (n: number) => ({ type: 'Added', data: { n } });

describe('eventfold.append and eventfold.read spans', () => {
  it('wraps an append in a child of the active span, with its attributes and result', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const result = await otel.inSpan('request', () =>
      store.append('Task-1', [added(1), added(2)], { expectedVersion: ExpectedVersion.NoStream }),
    );
    const append = otel.span('eventfold.append');
    const request = otel.span('request');
    expect(append?.kind).toBe(SpanKind.INTERNAL);
    expect(append?.attributes).toEqual({
      'eventfold.stream.id': 'Task-1',
      'eventfold.event.count': 2,
      'eventfold.expected_version': 'no_stream',
      'eventfold.stream.version': 2,
      'eventfold.position': result.position,
    });
    expect(parentOf(append)).toBe(idOf(request));
    expect(append?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a failed append: error status, the exception, error.type (the code); nothing written', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    await store.append('Task-1', [added(1)]);
    await expect(store.append('Task-1', [added(2)], { expectedVersion: 0 })).rejects.toThrow(
      ConcurrencyError,
    );
    const failed = otel.span('eventfold.append', 1);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('CONCURRENCY');
    expect(failed.attributes['eventfold.expected_version']).toBe(0);
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(failed.events[0]?.attributes?.['exception.type']).toBe('CONCURRENCY');
    expect((await store.read('Task-1')).version).toBe(1);
  });

  it('stores the append span’s trace context in each event’s metadata, never over the user’s own', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await otel.inSpan('request', () =>
      store.append('Task-1', [
        { ...added(1), metadata: { userId: 'u1' } },
        { ...added(2), metadata: { [TRACEPARENT_KEY]: own } },
      ]),
    );
    const append = otel.span('eventfold.append');
    const { events } = await store.read('Task-1');
    const expected = `00-${traceOf(append)}-${idOf(append)}-01`;
    expect(events[0]?.metadata).toEqual({ userId: 'u1', traceparent: expected });
    expect(events[1]?.metadata).toEqual({ traceparent: own });
  });

  it('traces reads of a stream, of the feed and by query, with what they returned', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    await store.append('Task-1', [added(1), added(2)]);
    await store.read('Task-1');
    await store.readAllPage({ limit: 1 });
    await store.readByQuery({ items: [{ types: ['Added'] }] });
    expect(otel.spans('eventfold.read').map((s) => s.attributes)).toEqual([
      {
        'eventfold.read.target': 'stream',
        'eventfold.stream.id': 'Task-1',
        'eventfold.event.count': 2,
        'eventfold.stream.version': 2,
      },
      { 'eventfold.read.target': 'feed', 'eventfold.event.count': 1 },
      { 'eventfold.read.target': 'query', 'eventfold.event.count': 2 },
    ]);
  });

  it('traces appendMany as one append span over its streams', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    await store.appendMany([
      { streamId: 'A-1', events: [added(1)] },
      { streamId: 'B-1', events: [added(2), added(3)] },
    ]);
    const append = otel.span('eventfold.append');
    expect(append?.attributes).toMatchObject({
      'eventfold.stream.count': 2,
      'eventfold.event.count': 3,
    });
    const feed = await store.readAllPage();
    expect(feed.events.every((e) => typeof e.metadata[TRACEPARENT_KEY] === 'string')).toBe(true);
  });
});

describe('eventfold.command', () => {
  it('is the parent of the command’s reads and append, with the aggregate, the command and the retries', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const repository = new AggregateRepository(store, fromDecider('Counter', counter));
    let conflicts = 1;
    const handler = new CommandHandler(
      repository,
      async (aggregate, command: Add) => {
        if (conflicts-- > 0) await store.append('Counter-1', [added(100)]); // someone else wrote
        aggregate.execute(command);
      },
      { retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 1 } },
    );
    const result = await handler.handle('1', { type: 'Add', n: 5 });
    expect(result.attempts).toBe(2);
    const command = otel.span('eventfold.command');
    expect(command?.attributes).toEqual({
      'eventfold.aggregate.type': 'Counter',
      'eventfold.aggregate.id': '1',
      'eventfold.command.type': 'Add',
      'eventfold.command.retries': 1,
      'eventfold.stream.version': 2,
    });
    const children = otel.spans().filter((s) => parentOf(s) === idOf(command));
    expect(children.map((s) => s.name)).toEqual([
      'eventfold.read',
      'eventfold.append', // the other writer's, inside decide
      'eventfold.append', // the conflict
      'eventfold.read',
      'eventfold.append',
    ]);
    expect(children[2]?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('sets the error status of a rejected command', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const repository = new AggregateRepository(store, fromDecider('Counter', counter));
    const handler = new CommandHandler(repository, () => {
      throw new RangeError('too much');
    });
    await expect(handler.handle('1', { type: 'Add', n: 5 })).rejects.toThrow('too much');
    const command = otel.span('eventfold.command');
    expect(command?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'too much' });
    expect(command?.attributes['error.type']).toBe('RangeError');
  });
});

describe('eventfold.subscription.batch', () => {
  it('continues the trace of the command whose events it handles', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const handler = CommandHandler.forDecider(
      new AggregateRepository(store, fromDecider('Counter', counter)),
    );
    const { position } = await otel.inSpan('request', () =>
      handler.handle('1', { type: 'Add', n: 1 }),
    );
    const seen: (string | undefined)[] = [];
    await using sub = subscribe(store, {
      name: 'mailer',
      handler: () => void seen.push(otel.activeSpanName()),
    });
    await within(sub.waitForPosition(position as Position), 'the subscription');
    const request = otel.span('request');
    const append = otel.span('eventfold.append');
    const batch = otel.span('eventfold.subscription.batch');
    expect(traceOf(batch)).toBe(traceOf(request));
    expect(parentOf(batch)).toBe(idOf(append));
    expect(batch?.kind).toBe(SpanKind.CONSUMER);
    expect(batch?.attributes).toEqual({
      'eventfold.subscription.name': 'mailer',
      'eventfold.batch.size': 1,
      'eventfold.batch.first_position': position,
      'eventfold.batch.last_position': position,
    });
    expect(seen).toEqual(['eventfold.subscription.batch']); // the handler runs in the batch span
  });

  it('starts its own trace with a link to each trace when its events come from several', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    await otel.inSpan('first', () => store.append('Task-1', [added(1)]));
    const last = await otel.inSpan('second', () => store.append('Task-2', [added(2)]));
    await using sub = subscribe(store, { name: 'mailer', handler: () => undefined });
    await within(sub.waitForPosition(last.position), 'the subscription');
    const batch = otel.span('eventfold.subscription.batch');
    const appends = otel.spans('eventfold.append');
    expect(batch?.parentSpanContext).toBeUndefined();
    expect(batch?.links.map((l) => l.context.spanId)).toEqual(appends.map(idOf));
    expect(appends.map(traceOf)).not.toContain(traceOf(batch));
  });
});

describe('metrics', () => {
  it('counts appended events and times appends, by outcome', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const ok = { 'eventfold.outcome': 'ok' };
    const failed = { 'eventfold.outcome': 'error', 'error.type': 'CONCURRENCY' };
    await otel.collect(); // the metrics are cumulative over the file: compare with before
    const before = {
      appended: pointValue(otel.metric('eventfold.events.appended'), ok) ?? 0,
      ok: pointValue(otel.metric('eventfold.append.duration'), ok) ?? 0,
      failed: pointValue(otel.metric('eventfold.append.duration'), failed) ?? 0,
    };
    await store.append('Task-1', [added(1), added(2)]);
    await store.append('Task-1', [added(3)]);
    await store.append('Task-1', [added(4)], { expectedVersion: 0 }).catch(() => undefined);
    await otel.collect();
    expect(pointValue(otel.metric('eventfold.events.appended'), ok)).toBe(before.appended + 3);
    expect(pointValue(otel.metric('eventfold.events.appended'), failed)).toBeUndefined();
    expect(pointValue(otel.metric('eventfold.append.duration'), ok)).toBe(before.ok + 2);
    expect(pointValue(otel.metric('eventfold.append.duration'), failed)).toBe(before.failed + 1);
    expect(otel.metric('eventfold.append.duration')?.descriptor.unit).toBe('ms');
  });

  it('gauges the lag of a running subscription that is behind', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    let open!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const busy = new Promise<void>((resolve) => (entered = resolve));
    await using sub = subscribe(store, {
      name: 'slow',
      batchSize: 1,
      handler: async () => {
        entered();
        await gate;
      },
    });
    const last = await store.append('Task-1', [added(1), added(2), added(3)]);
    await within(busy, 'the first event in the handler');
    await otel.collect();
    const name = { 'eventfold.subscription.name': 'slow' };
    expect(pointValue(otel.metric('eventfold.subscription.lag'), name)).toBe(3);
    open();
    await within(sub.waitForPosition(last.position), 'the rest');
    await otel.collect();
    expect(pointValue(otel.metric('eventfold.subscription.lag'), name)).toBe(0);
  });

  it('gauges a running subscription’s lag and parked events, until it stops', async () => {
    await using store = new InMemoryEventStore({ telemetry });
    const first = await store.append('Task-1', [added(1)]);
    const sub = subscribe(store, {
      name: 'failing',
      retry: { maxRetries: 0 },
      handler: () => {
        throw new Error('no');
      },
    });
    await within(sub.waitForPosition(first.position), 'parking the first event');
    await sub.stop();
    const restarted = subscribe(store, { name: 'failing', handler: () => undefined, from: 'end' });
    await within(restarted.caughtUp, 'the restart');
    await otel.collect();
    const name = { 'eventfold.subscription.name': 'failing' };
    expect(pointValue(otel.metric('eventfold.subscription.parked'), name)).toBe(1);
    expect(pointValue(otel.metric('eventfold.subscription.lag'), name)).toBe(0);
    await restarted.stop();
    await store.append('Task-1', [added(2)]);
    await otel.collect();
    // No longer read: the SDK repeats the last value (0), where a running one would see 1.
    expect(pointValue(otel.metric('eventfold.subscription.lag'), name)).toBe(0);
  });
});

describe('without the option', () => {
  it('records nothing and leaves the metadata alone, even inside an active span', async () => {
    await using store = new InMemoryEventStore();
    await otel.inSpan('request', () => store.append('Task-1', [added(1)]));
    expect((await store.read('Task-1')).events[0]?.metadata).toEqual({});
    expect(otel.spans().map((s) => s.name)).toEqual(['request']);
  });

  it('refuses a telemetry option of the wrong shape, naming it', () => {
    expect(() => new InMemoryEventStore({ telemetry: {} as never })).toThrow(InvalidOptionError);
    expect(() => new InMemoryEventStore({ telemetry: {} as never })).toThrow(/telemetry/);
  });
});
