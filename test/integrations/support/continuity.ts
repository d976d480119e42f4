/**
 * The scenario of the database telemetry tests: a command handled on one
 * store object, its projection run on another store object over the same
 * database (as another process would), with traces going from the request
 * to the projection's handler through the events' metadata.
 */
import { trace } from '@opentelemetry/api';
import { expect } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  fromDecider,
  type Decider,
} from '../../../src/aggregates/index.js';
import { ConcurrencyError, type EventStore, type Position } from '../../../src/index.js';
import type { SubscriptionStorageProvider } from '../../../src/backend.js';
import { defineProjection, startProjection } from '../../../src/subscriptions/index.js';
import { within } from '../../support/wait.js';
import { idOf, parentOf, pointValue, traceOf, type useOpenTelemetry } from './otel.js';

type Add = { type: 'Add'; n: number };
type Added = { type: 'Added'; data: { n: number } };
const counter: Decider<Add, Added, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.n,
  decide: (command) => ({ type: 'Added', data: { n: command.n } }),
};

type Otel = ReturnType<typeof useOpenTelemetry>;
type Store = EventStore & SubscriptionStorageProvider;

/** Runs the scenario: `writer` and `reader` are two store objects on one database, both with telemetry. */
export async function commandToProjection(otel: Otel, writer: Store, reader: Store): Promise<void> {
  await otel.collect();
  const ok = { 'eventfold.outcome': 'ok' };
  const appendedBefore = pointValue(otel.metric('eventfold.events.appended'), ok) ?? 0;
  const handler = CommandHandler.forDecider(
    new AggregateRepository(writer, fromDecider('Counter', counter)),
  );
  const { position } = await otel.inSpan('request', () =>
    handler.handle('1', { type: 'Add', n: 2 }),
  );
  const handled: { trace: string | undefined; parent: string | undefined }[] = [];
  const projection = defineProjection<unknown>({
    name: 'totals',
    handlers: {
      Added: () => {
        const span = trace.getActiveSpan() as unknown as { parentSpanContext?: { spanId: string } };
        handled.push({
          trace: trace.getActiveSpan()?.spanContext().traceId,
          parent: span.parentSpanContext?.spanId,
        });
      },
    },
  });
  const running = startProjection(reader, projection);
  try {
    await within(running.waitForPosition(position as Position), 'the projection');
  } finally {
    await running.stop();
  }
  const request = otel.span('request');
  const command = otel.span('eventfold.command');
  const append = otel.span('eventfold.append');
  const batch = otel.span('eventfold.subscription.batch');
  expect(parentOf(command)).toBe(idOf(request));
  expect(parentOf(append)).toBe(idOf(command));
  expect(append.attributes).toMatchObject({
    'eventfold.stream.id': 'Counter-1',
    'eventfold.event.count': 1,
    'eventfold.expected_version': 'no_stream',
    'eventfold.stream.version': 1,
    'eventfold.position': position,
  });
  expect(parentOf(batch)).toBe(idOf(append));
  expect(handled).toEqual([{ trace: traceOf(request), parent: idOf(append) }]);
  const stored = await reader.read('Counter-1');
  expect(stored.events[0]?.metadata.traceparent).toBe(`00-${traceOf(append)}-${idOf(append)}-01`);
  // A conflict on the database: the span's error status and error.type.
  await expect(
    writer.append('Counter-1', [{ type: 'Added', data: { n: 1 } }], { expectedVersion: 0 }),
  ).rejects.toThrow(ConcurrencyError);
  const failed = otel.span('eventfold.append', 1);
  expect(failed.status.code).toBe(2); // SpanStatusCode.ERROR
  expect(failed.attributes['error.type']).toBe('CONCURRENCY');
  await otel.collect();
  expect(pointValue(otel.metric('eventfold.events.appended'), ok)).toBe(appendedBefore + 1);
}
