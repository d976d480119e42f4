import { InvalidOptionError } from './errors.js';

/**
 * A span or metric attribute value; `undefined` attributes are left out.
 *
 * @example
 * ```ts
 * const attributes: TelemetryAttributes = { 'eventfold.stream.id': 'Task-1', 'eventfold.event.count': 2 };
 * ```
 */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The W3C trace context an event carries in its metadata, under the reserved
 * keys {@link TRACEPARENT_KEY} and {@link TRACESTATE_KEY}.
 *
 * @example
 * ```ts
 * const carrier: TraceCarrier = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 * ```
 */
export interface TraceCarrier {
  /** `00-<trace id>-<parent span id>-<flags>`. */
  readonly traceparent: string;
  /** Vendor-specific trace state, when there is some. */
  readonly tracestate?: string | undefined;
}

/**
 * The metadata key of the W3C `traceparent` an event is appended with.
 *
 * @example
 * ```ts
 * const parent = event.metadata[TRACEPARENT_KEY];
 * ```
 */
export const TRACEPARENT_KEY = 'traceparent';
/**
 * The metadata key of the W3C `tracestate` an event is appended with.
 *
 * @example
 * ```ts
 * const state = event.metadata[TRACESTATE_KEY];
 * ```
 */
export const TRACESTATE_KEY = 'tracestate';

/**
 * A started span, as {@link Telemetry.span} hands it to the work it wraps.
 *
 * @example
 * ```ts
 * telemetry.span('eventfold.read', {}, (span) => { span.setAttributes({ 'eventfold.event.count': 3 }); });
 * ```
 */
export interface TelemetrySpan {
  /** Adds attributes (results known only at the end: a version, a count). */
  setAttributes(attributes: TelemetryAttributes): void;
}

/**
 * Where a span belongs in its trace.
 *
 * @example
 * ```ts
 * const placement: SpanPlacement = { root: true, links: [carrier] };
 * ```
 */
export interface SpanPlacement {
  /** The span's parent, carried by an event (instead of the active context). */
  readonly parent?: TraceCarrier | undefined;
  /** Start a new trace (ignore the active context) when there is no `parent`. */
  readonly root?: boolean | undefined;
  /** Traces the span relates to without being their child. */
  readonly links?: readonly TraceCarrier[] | undefined;
}

/**
 * A subscription's gauges, read when the metrics are collected.
 *
 * @example
 * ```ts
 * const reading: SubscriptionReading = { lag: { events: 12 }, parked: 0 };
 * ```
 */
export interface SubscriptionReading {
  /** Events after its checkpoint. */
  readonly lag: { readonly events: number };
  /** Events parked in its dead letters. */
  readonly parked: number;
}

/**
 * The one hook eventfold emits spans and metrics through, whatever the
 * backend: `eventfold/opentelemetry` gives one over OpenTelemetry, and any
 * object of this shape fits. Pass it as the `telemetry` option of a store
 * (every append and read), a `CommandHandler` and a subscription or
 * projection (both default to their store's). Without it, each operation
 * costs one branch.
 *
 * @example
 * ```ts
 * import { openTelemetry } from 'eventfold/opentelemetry';
 * const store = new InMemoryEventStore({ telemetry: openTelemetry() });
 * ```
 */
export interface Telemetry {
  /**
   * Runs `work` in a new span that is the active one while it runs (spans
   * started inside it are its children), and ends it when `work` returns or
   * the promise it returns settles. A throw or rejection records the
   * exception, sets the error status and `error.type` (an `EventfoldError`'s
   * `code`, else the error's name), and is rethrown as it is.
   */
  span<T>(
    name: string,
    attributes: TelemetryAttributes,
    work: (span: TelemetrySpan) => T,
    placement?: SpanPlacement,
  ): T;
  /** The trace context of the active span, to carry in appended events' metadata; `undefined` when none. */
  traceContext(): TraceCarrier | undefined;
  /** Records one finished append: its duration, its events, its attributes (outcome, error type). */
  recordAppend(durationMs: number, events: number, attributes: TelemetryAttributes): void;
  /** Observes a running subscription's gauges until the returned function is called. */
  observeSubscription(name: string, read: () => Promise<SubscriptionReading>): () => void;
}

/**
 * The trace id of a carried `traceparent`, or `undefined` when it is not a
 * valid version-00 one.
 *
 * @example
 * ```ts
 * traceIdOf({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }); // '4bf92f…4736'
 * ```
 */
export function traceIdOf(carrier: TraceCarrier): string | undefined {
  return TRACEPARENT.exec(carrier.traceparent)?.[1];
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace context an event carries in its metadata, if any (a valid
 * version-00 `traceparent`; a malformed one is ignored).
 *
 * @example
 * ```ts
 * const carrier = carriedTraceContext(event.metadata);
 * ```
 */
export function carriedTraceContext(
  metadata: Readonly<Record<string, unknown>> | undefined,
): TraceCarrier | undefined {
  const traceparent = metadata?.[TRACEPARENT_KEY];
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined;
  const tracestate = metadata?.[TRACESTATE_KEY];
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/**
 * Checks a `telemetry` option by shape: an {@link InvalidOptionError} names a bad one.
 *
 * @internal
 */
export function checkTelemetry(name: string, value: unknown): Telemetry | undefined {
  if (value === undefined) return undefined;
  const t = (typeof value === 'object' ? value : null) as Record<string, unknown> | null;
  if (
    t === null ||
    typeof t.span !== 'function' ||
    typeof t.traceContext !== 'function' ||
    typeof t.recordAppend !== 'function' ||
    typeof t.observeSubscription !== 'function'
  )
    throw new InvalidOptionError(
      name,
      value,
      'a Telemetry { span, traceContext, recordAppend, observeSubscription }',
    );
  return value as Telemetry;
}

/**
 * The `error.type` of a failure: an `EventfoldError`'s `code`
 * (`CONCURRENCY`), else the error's name, else `'unknown'`.
 *
 * @example
 * ```ts
 * errorTypeOf(new TypeError('no')); // 'TypeError'
 * ```
 */
export function errorTypeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code.length > 0) return code;
  return typeof name === 'string' && name.length > 0 ? name : 'unknown';
}
