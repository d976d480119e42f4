/**
 * The OpenTelemetry SDK of the telemetry tests: spans kept in memory, metrics
 * read on demand, and the AsyncLocalStorage context manager (global, as the
 * Node SDK sets it), so the active span follows awaits.
 */
import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach } from 'vitest';
import { openTelemetry } from '../../../src/integrations/opentelemetry/index.js';
import type { Telemetry } from '../../../src/index.js';

/** A metric reader the test collects from when it wants. */
class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** An SDK for one test file; spans are cleared after each test. */
export function useOpenTelemetry(): {
  telemetry: Telemetry;
  spans(name?: string): ReadableSpan[];
  span(name: string, index?: number): ReadableSpan;
  metric(name: string): MetricData | undefined;
  collect(): Promise<void>;
  inSpan<T>(name: string, work: (span: Span) => Promise<T>): Promise<T>;
  activeSpanName(): string | undefined;
} {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meters = new MeterProvider({ readers: [reader] });
  const tracer = provider.getTracer('test');
  const telemetry = openTelemetry({ tracer, meter: meters.getMeter('eventfold') });
  let metrics: MetricData[] = [];
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await Promise.all([provider.shutdown(), meters.shutdown()]);
    context.disable();
  });
  return {
    telemetry,
    spans: (name) =>
      exporter.getFinishedSpans().filter((span) => name === undefined || span.name === name),
    span(name, index = 0) {
      const span = exporter.getFinishedSpans().filter((s) => s.name === name)[index];
      if (span === undefined) throw new Error(`no span ${name} #${index}`);
      return span;
    },
    metric: (name) => metrics.find((m) => m.descriptor.name === name),
    async collect() {
      const { resourceMetrics } = await reader.collect();
      metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    },
    activeSpanName: () => (trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name,
    inSpan: (name, work) =>
      tracer.startActiveSpan(name, async (span) => {
        try {
          return await work(span);
        } finally {
          span.end();
        }
      }),
  };
}

/** The value of a metric's data point with `attributes` (a sum, a gauge, or a histogram's count). */
export function pointValue(
  metric: MetricData | undefined,
  attributes: Record<string, unknown>,
): number | undefined {
  const points = (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
  const point = points.find((p) =>
    Object.entries(attributes).every(([key, value]) => p.attributes[key] === value),
  );
  if (point === undefined) return undefined;
  return typeof point.value === 'number' ? point.value : point.value.count;
}

/** The parent span id of a finished span. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The id of a finished span. */
export function idOf(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

/** The trace id of a finished span. */
export function traceOf(span: ReadableSpan): string {
  return span.spanContext().traceId;
}
