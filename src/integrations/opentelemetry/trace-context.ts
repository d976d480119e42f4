import type * as Api from '@opentelemetry/api';
import type { TraceCarrier } from '../../core/telemetry.js';

/**
 * The W3C trace context of `context`'s span, or `undefined` when it has no valid one.
 *
 * @internal
 */
export function carrierOf(api: typeof Api, context: Api.Context): TraceCarrier | undefined {
  const span = api.trace.getSpanContext(context);
  if (span === undefined || !api.isSpanContextValid(span)) return undefined;
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${span.traceId}-${span.spanId}-${flags}`;
  const tracestate = span.traceState?.serialize();
  return tracestate === undefined || tracestate === ''
    ? { traceparent }
    : { traceparent, tracestate };
}

/**
 * The remote span context a carried `traceparent` names, or `undefined` when it is not valid.
 *
 * @internal
 */
export function spanContextOf(api: typeof Api, carrier: TraceCarrier): Api.SpanContext | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(carrier.traceparent);
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  const span: Api.SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
  };
  if (carrier.tracestate !== undefined) span.traceState = api.createTraceState(carrier.tracestate);
  return api.isSpanContextValid(span) ? span : undefined;
}
