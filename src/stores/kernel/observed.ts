import type { AppendManyEntry, AppendOptions } from '../../core/append-input.js';
import type { AppendResult } from '../../core/event-store.js';
import { keepDefinition, type NewEvent } from '../../core/events.js';
import {
  errorTypeOf,
  TRACEPARENT_KEY,
  TRACESTATE_KEY,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetrySpan,
  type TraceCarrier,
} from '../../core/telemetry.js';

/** The span of appends. */
export const APPEND_SPAN = 'eventfold.append';
/** The span of reads. */
export const READ_SPAN = 'eventfold.read';

/**
 * Runs an append (or appendMany) in an `eventfold.append` span and records
 * its duration and events; `write` gets the events' trace context to carry.
 *
 * @internal
 */
export function observeAppend<R extends AppendResult | AppendResult[]>(
  telemetry: Telemetry,
  attributes: TelemetryAttributes,
  events: number,
  write: (carrier: TraceCarrier | undefined) => Promise<R>,
): Promise<R> {
  return telemetry.span(APPEND_SPAN, attributes, async (span) => {
    const started = performance.now();
    try {
      const result = await write(telemetry.traceContext());
      span.setAttributes(resultAttributes(result));
      telemetry.recordAppend(performance.now() - started, events, { 'eventfold.outcome': 'ok' });
      return result;
    } catch (error) {
      telemetry.recordAppend(performance.now() - started, 0, {
        'eventfold.outcome': 'error',
        'error.type': errorTypeOf(error),
      });
      throw error;
    }
  });
}

function resultAttributes(result: AppendResult | AppendResult[]): TelemetryAttributes {
  const last = Array.isArray(result) ? result.at(-1) : result;
  if (last === undefined) return {};
  return Array.isArray(result)
    ? { 'eventfold.position': last.position }
    : { 'eventfold.stream.version': last.version, 'eventfold.position': last.position };
}

/**
 * The attributes of an append, from its input as given (unchecked: the
 * append itself checks it).
 *
 * @internal
 */
export function appendAttributes(
  streamId: unknown,
  events: unknown,
  options: AppendOptions | undefined,
): TelemetryAttributes {
  const expected = (options as { expectedVersion?: unknown } | undefined)?.expectedVersion;
  return {
    'eventfold.stream.id': typeof streamId === 'string' ? streamId : undefined,
    'eventfold.event.count': Array.isArray(events) ? events.length : undefined,
    'eventfold.expected_version':
      typeof expected === 'string' || typeof expected === 'number' ? expected : 'any',
  };
}

/**
 * The attributes of an appendMany, from its input as given.
 *
 * @internal
 */
export function appendManyAttributes(entries: unknown): TelemetryAttributes {
  if (!Array.isArray(entries)) return {};
  return {
    'eventfold.stream.count': entries.length,
    'eventfold.event.count': countEvents(entries),
  };
}

/** Events of appendMany's entries (those that are arrays). */
export function countEvents(entries: readonly unknown[]): number {
  let count = 0;
  for (const entry of entries) {
    const events = (entry as Partial<AppendManyEntry> | null)?.events;
    if (Array.isArray(events)) count += events.length;
  }
  return count;
}

/**
 * The events with the trace context in their metadata, unless they carry one
 * of their own (the user's keys always win); the same array without a context.
 * What is not a plain event is left alone, for the append's own checks.
 *
 * @internal
 */
export function withTraceContext<T>(events: T, carrier: TraceCarrier | undefined): T {
  if (carrier === undefined || !Array.isArray(events)) return events;
  return events.map((event: unknown) => {
    if (typeof event !== 'object' || event === null) return event;
    const metadata = (event as NewEvent).metadata as unknown;
    if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) return event;
    if (Array.isArray(metadata)) return event;
    const own = metadata as Record<string, unknown> | undefined;
    if (own?.[TRACEPARENT_KEY] !== undefined || own?.[TRACESTATE_KEY] !== undefined) return event;
    const trace: Record<string, string> = { [TRACEPARENT_KEY]: carrier.traceparent };
    if (carrier.tracestate !== undefined && carrier.tracestate.length > 0)
      trace[TRACESTATE_KEY] = carrier.tracestate;
    return keepDefinition(event, { ...event, metadata: { ...own, ...trace } });
  }) as T;
}

/**
 * The entries of an appendMany with the trace context in their events.
 *
 * @internal
 */
export function entriesWithTraceContext<T>(entries: T, carrier: TraceCarrier | undefined): T {
  if (carrier === undefined || !Array.isArray(entries)) return entries;
  return entries.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    const events = (entry as Partial<AppendManyEntry>).events;
    return Array.isArray(events) ? { ...entry, events: withTraceContext(events, carrier) } : entry;
  }) as T;
}

/**
 * Runs a read in an `eventfold.read` span; `count` tells the attributes of its result.
 *
 * @internal
 */
export function observeRead<R>(
  telemetry: Telemetry,
  attributes: TelemetryAttributes,
  read: () => Promise<R>,
  count: (result: R) => TelemetryAttributes,
): Promise<R> {
  return telemetry.span(READ_SPAN, attributes, async (span: TelemetrySpan) => {
    const result = await read();
    span.setAttributes(count(result));
    return result;
  });
}
