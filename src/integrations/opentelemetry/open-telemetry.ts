import type * as Api from '@opentelemetry/api';
import { isPromiseLike } from '../../core/is-promise-like.js';
import { checkOption } from '../../core/options.js';
import {
  errorTypeOf,
  type SpanPlacement,
  type SubscriptionReading,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetrySpan,
  type TraceCarrier,
} from '../../core/telemetry.js';
import { loadOpenTelemetryApi } from './load-api.js';
import { EventfoldMetrics } from './metrics.js';
import { carrierOf, spanContextOf } from './trace-context.js';

/**
 * The instrumentation scope of eventfold's default tracer and meter.
 *
 * @example
 * ```ts
 * const tracer = trace.getTracer(INSTRUMENTATION_SCOPE); // the tracer openTelemetry() uses
 * ```
 */
export const INSTRUMENTATION_SCOPE = 'eventfold';

/**
 * Options of {@link openTelemetry}.
 *
 * @example
 * ```ts
 * const telemetry = openTelemetry({ tracer: provider.getTracer('orders'), meter: meterProvider.getMeter('orders') });
 * ```
 */
export interface OpenTelemetryOptions {
  /** The tracer of eventfold's spans (default: the global tracer provider's `eventfold` tracer). */
  tracer?: Api.Tracer | undefined;
  /**
   * The meter of eventfold's metrics (default: the global meter provider's
   * `eventfold` meter, taken at the first measurement: register the provider
   * before the first append).
   */
  meter?: Api.Meter | undefined;
}

/**
 * The {@link Telemetry} hook over OpenTelemetry (`@opentelemetry/api`, an
 * optional peer, loaded by this call): spans through `tracer`, metrics
 * through `meter`, both the global providers' by default, so it works with
 * the Node SDK as set up for the rest of the application. See
 * `docs/telemetry.md` for the spans, their attributes and the metrics.
 *
 * @example
 * ```ts
 * import { openTelemetry } from 'eventfold/opentelemetry';
 * const store = new SqliteEventStore('events.db', { telemetry: openTelemetry() });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, ['tracer', 'meter']);
  const api = loadOpenTelemetryApi();
  const { tracer, meter } = options;
  checkOption.object('tracer', tracer);
  checkOption.object('meter', meter);
  return new OpenTelemetryHook(
    api,
    tracer ?? api.trace.getTracer(INSTRUMENTATION_SCOPE),
    new EventfoldMetrics(() => meter ?? api.metrics.getMeter(INSTRUMENTATION_SCOPE)),
  );
}

/** Spans of a consumer of the feed; the rest are internal. */
const CONSUMER_SPANS = new Set(['eventfold.subscription.batch']);

class OpenTelemetryHook implements Telemetry {
  readonly #api: typeof Api;
  readonly #tracer: Api.Tracer;
  readonly #metrics: EventfoldMetrics;

  constructor(api: typeof Api, tracer: Api.Tracer, metrics: EventfoldMetrics) {
    this.#api = api;
    this.#tracer = tracer;
    this.#metrics = metrics;
  }

  span<T>(
    name: string,
    attributes: TelemetryAttributes,
    work: (span: TelemetrySpan) => T,
    placement?: SpanPlacement,
  ): T {
    const api = this.#api;
    const parent = this.#parentContext(placement);
    const links = this.#links(placement?.links);
    const kind = CONSUMER_SPANS.has(name) ? api.SpanKind.CONSUMER : api.SpanKind.INTERNAL;
    const span = this.#tracer.startSpan(
      name,
      { kind, attributes: defined(attributes), ...(links.length > 0 ? { links } : {}) },
      parent,
    );
    const handle: TelemetrySpan = {
      setAttributes: (more) => void span.setAttributes(defined(more)),
    };
    let result: T;
    try {
      result = api.context.with(api.trace.setSpan(parent, span), work, undefined, handle);
    } catch (error) {
      this.#fail(span, error);
      throw error;
    }
    if (!isPromiseLike(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        this.#fail(span, error);
        throw error;
      },
    ) as T;
  }

  traceContext(): TraceCarrier | undefined {
    return carrierOf(this.#api, this.#api.context.active());
  }

  recordAppend(durationMs: number, events: number, attributes: TelemetryAttributes): void {
    this.#metrics.recordAppend(durationMs, events, defined(attributes));
  }

  observeSubscription(name: string, read: () => Promise<SubscriptionReading>): () => void {
    return this.#metrics.observeSubscription(name, read);
  }

  #parentContext(placement: SpanPlacement | undefined): Api.Context {
    const api = this.#api;
    const carried = placement?.parent;
    const remote = carried === undefined ? undefined : spanContextOf(api, carried);
    if (remote !== undefined) return api.trace.setSpanContext(api.ROOT_CONTEXT, remote);
    return placement?.root === true ? api.ROOT_CONTEXT : api.context.active();
  }

  #links(carriers: readonly TraceCarrier[] | undefined): Api.Link[] {
    if (carriers === undefined) return [];
    const links: Api.Link[] = [];
    for (const carrier of carriers) {
      const context = spanContextOf(this.#api, carrier);
      if (context !== undefined) links.push({ context });
    }
    return links;
  }

  #fail(span: Api.Span, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : message);
    span.setAttribute('error.type', errorTypeOf(error));
    span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message });
    span.end();
  }
}

/** The attributes without the `undefined` ones. */
function defined(attributes: TelemetryAttributes): Api.Attributes {
  const out: Api.Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
