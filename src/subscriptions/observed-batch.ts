import type { RecordedEvent } from '../core/events.js';
import {
  carriedTraceContext,
  traceIdOf,
  type SpanPlacement,
  type SubscriptionReading,
  type Telemetry,
  type TraceCarrier,
} from '../core/telemetry.js';

/** The span of a subscription's batch. */
export const BATCH_SPAN = 'eventfold.subscription.batch';

/** The most links a batch span gets (one per distinct trace context its events carry). */
export const MAX_BATCH_LINKS = 128;

/**
 * Runs a subscription's batch in an `eventfold.subscription.batch` span, the
 * active one while its handlers run. Its place in the traces its events were
 * appended in (their metadata's `traceparent`): when every event that carries
 * one carries the same trace, the span is a child of the first event's
 * context (the trace goes on from the command to the handler); when they
 * carry several traces, the span starts a trace of its own with a link to
 * each distinct context (up to {@link MAX_BATCH_LINKS}); when none carries
 * one, it starts a trace of its own.
 *
 * @internal
 */
export function observeBatch<T>(
  telemetry: Telemetry,
  subscription: string,
  events: readonly RecordedEvent[],
  run: () => Promise<T>,
): Promise<T> {
  const attributes = {
    'eventfold.subscription.name': subscription,
    'eventfold.batch.size': events.length,
    'eventfold.batch.first_position': events[0]?.position,
    'eventfold.batch.last_position': events.at(-1)?.position,
  };
  return telemetry.span(BATCH_SPAN, attributes, run, batchPlacement(events));
}

/**
 * Where a batch span goes, from the trace contexts its events carry (see {@link observeBatch}).
 *
 * @internal
 */
export function batchPlacement(events: readonly RecordedEvent[]): SpanPlacement {
  const carriers = new Map<string, TraceCarrier>();
  const traces = new Set<string>();
  for (const event of events) {
    const carrier = carriedTraceContext(event.metadata);
    if (carrier === undefined || carriers.has(carrier.traceparent)) continue;
    carriers.set(carrier.traceparent, carrier);
    traces.add(traceIdOf(carrier) as string);
  }
  const [first] = carriers.values();
  if (first === undefined) return { root: true };
  if (traces.size === 1) return { parent: first };
  return { root: true, links: [...carriers.values()].slice(0, MAX_BATCH_LINKS) };
}

/**
 * Observes a running subscription's lag and parked gauges (read from its
 * status when the metrics are collected) until `finished` settles.
 *
 * @internal
 */
export function observeGauges(
  telemetry: Telemetry | undefined,
  subscription: string,
  read: () => Promise<SubscriptionReading>,
  finished: Promise<void>,
): void {
  if (telemetry === undefined) return;
  const unobserve = telemetry.observeSubscription(subscription, read);
  finished.then(unobserve, unobserve);
}
