/**
 * `eventfold/opentelemetry`: spans and metrics of eventfold's stores, command
 * handlers and subscriptions over OpenTelemetry (needs `@opentelemetry/api`).
 *
 * @packageDocumentation
 */
export {
  openTelemetry,
  INSTRUMENTATION_SCOPE,
  type OpenTelemetryOptions,
} from './open-telemetry.js';
export { METRICS } from './metrics.js';
export {
  carriedTraceContext,
  TRACEPARENT_KEY,
  TRACESTATE_KEY,
  type Telemetry,
  type TraceCarrier,
} from '../../core/telemetry.js';
