/**
 * `npm run bench:telemetry`: the cost of the telemetry hook on appends and reads, on the
 * in-memory store and a SQLite file, as events/s and as a ratio to the store without it:
 *
 *   none  no `telemetry` option (one branch per operation)
 *   api   `openTelemetry()` with `@opentelemetry/api` and no SDK (no-op tracer and meter)
 *   sdk   an SDK tracer (batch processor, exporter that drops the spans) and meter
 *
 *   npm run bench:telemetry -- [--events 20000] [--runs 5] [--warmup 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InMemoryEventStore, type EventStore, type Telemetry } from '../src/index.js';
import { openTelemetry } from '../src/integrations/opentelemetry/index.js';
import { SqliteEventStore } from '../src/stores/sqlite/index.js';
import { measure, payload200, type Workload } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
  },
});
const events = Number(values.events);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const PER_APPEND = 10;
const STREAMS = Math.max(1, Math.floor(events / 100));

class IdleReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** The variants, in this order: the SDK's context manager is global once set. */
function* variants(): Generator<[string, () => Telemetry | undefined]> {
  yield ['none', () => undefined];
  yield ['api', () => openTelemetry()];
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = {
    export: (_: unknown, done: (r: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: () => Promise.resolve(),
  };
  const tracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const meter = new MeterProvider({ readers: [new IdleReader()] });
  yield [
    'sdk',
    () => openTelemetry({ tracer: tracer.getTracer('bench'), meter: meter.getMeter('bench') }),
  ];
}

type Open = (telemetry: Telemetry | undefined) => { store: EventStore; close: () => Promise<void> };
const backends: [string, Open][] = [
  [
    'memory',
    (telemetry) => {
      const store = new InMemoryEventStore({ telemetry });
      return { store, close: () => store.close() };
    },
  ],
  [
    'sqlite',
    (telemetry) => {
      const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-telemetry-'));
      const store = new SqliteEventStore(join(dir, 'events.db'), { telemetry });
      return {
        store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

async function append(store: EventStore): Promise<void> {
  for (let i = 0; i < events; i += PER_APPEND) {
    const batch = Array.from({ length: PER_APPEND }, (_, k) => ({
      type: 'Bench',
      data: payload200(i + k),
    }));
    await store.append(`Bench-${(i / PER_APPEND) % STREAMS}`, batch);
  }
}

async function read(store: EventStore): Promise<void> {
  let seen = 0;
  for (let s = 0; s < STREAMS; s++) seen += (await store.read(`Bench-${s}`)).events.length;
  if (seen !== events) throw new Error(`read ${seen} events, expected ${events}`);
}

const rates = new Map<string, number>();
console.log(
  `telemetry: ${events} events, ${PER_APPEND} per append, ${STREAMS} streams, ${runs} runs`,
);
for (const [variant, telemetryOf] of variants()) {
  for (const [backend, open] of backends) {
    const appendWorkload: Workload<ReturnType<Open>> = {
      name: `${backend} append ${variant}`,
      count: events,
      setup: () => open(telemetryOf()),
      run: ({ store }) => append(store),
      teardown: ({ close }) => close(),
    };
    const readWorkload: Workload<ReturnType<Open>> = {
      name: `${backend} read ${variant}`,
      count: events,
      setup: async () => {
        const opened = open(telemetryOf());
        await append(opened.store);
        return opened;
      },
      run: ({ store }) => read(store),
      teardown: ({ close }) => close(),
    };
    for (const workload of [appendWorkload, readWorkload]) {
      const { median } = await measure(workload, runs, warmup);
      const [b, op] = workload.name.split(' ');
      rates.set(workload.name, median);
      const base = rates.get(`${b} ${op} none`) ?? median;
      console.log(
        `  ${workload.name.padEnd(24)} ${Math.round(median).toLocaleString('en-US').padStart(10)} events/s  ${(median / base).toFixed(2)}× of none`,
      );
    }
  }
}
