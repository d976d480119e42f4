/**
 * `npm run bench`: workloads W1–W6, the concurrent writers, the DCB workloads and the shape
 * of Eventuali's published figures, for eventfold's stores, Emmett's stores and the raw
 * drivers (the floor), in one process run.
 *
 *   npm run bench -- [--workloads W1,W2] [--backends memory,sqlite,postgres,nats] [--scale 0.1]
 *                    [--runs 5] [--warmup 1] [--json | --markdown]
 *
 * PostgreSQL: DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres; every target
 * gets a throwaway database that is dropped afterwards. NATS: NATS_URL, else nats://127.0.0.1:4222
 * (JetStream); every target gets streams of its own that are deleted afterwards.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareAppend } from '../src/backend.js';
import { defineEvent, payload } from '../src/index.js';
import { measure } from './lib/measure.js';
import { markdownTable, summary, textTable } from './lib/report.js';
import { runWorkload, withRatios, type Row } from './lib/runner.js';
import type { Backend } from './lib/targets.js';
import { CONCURRENT_WORKLOADS } from './lib/workloads-concurrent.js';
import { DCB_WORKLOADS } from './lib/workloads-dcb.js';
import { CRYPTO_WORKLOADS } from './lib/workloads-crypto.js';
import { UPCAST_WORKLOADS } from './lib/workloads-upcast.js';
import { WORKLOADS } from './lib/workloads.js';
import { benchTargets } from './targets.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string' },
    backends: { type: 'string', default: 'memory,sqlite,postgres,nats' },
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const wanted = values.workloads?.split(',').map((w) => w.trim().toUpperCase());
const backends = new Set(values.backends.split(',').map((b) => b.trim()) as Backend[]);
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
// Peers may print to stdout; with --json, stdout carries only the JSON document.
if (values.json) console.log = (...args: unknown[]) => console.error(...args);

const { targets, cleanup } = await benchTargets(backends);
const rows: Row[] = [];
const settings = { scale, runs, warmup };
try {
  for (const spec of [
    ...WORKLOADS,
    ...CONCURRENT_WORKLOADS,
    ...DCB_WORKLOADS,
    ...CRYPTO_WORKLOADS,
    ...UPCAST_WORKLOADS,
  ].filter((w) => wanted === undefined || wanted.includes(w.id.toUpperCase()))) {
    if (!targets.some((t) => spec.backends?.includes(t.backend) ?? true)) continue;
    log(`\n${spec.id}: ${spec.title}`);
    for (const row of await runWorkload(spec, targets, settings)) {
      rows.push(row);
      const latency =
        row.p50Ms === undefined
          ? ''
          : `  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${(row.p99Ms ?? 0).toFixed(2)} ms`;
      log(
        `  ${row.target.padEnd(34)} ${
          row.error === undefined
            ? `${Math.round(row.median).toLocaleString('en-US').padStart(12)} events/s${latency}`
            : row.unsupported === true
              ? 'n/a (not supported)'
              : `failed: ${row.error}`
        }`,
      );
    }
  }
} finally {
  await cleanup();
}

// Eventuali also claims 79,000 event creations/s: creating typed events with
// defineEvent, then checking and serialising them as an append does (prepareAppend).
if (wanted === undefined || wanted.includes('S-CREATE')) {
  const Created = defineEvent('CounterIncremented', payload<{ by: number; at: number }>());
  const n = 100_000;
  const m = await measure(
    {
      name: 'S-create',
      count: n,
      setup: () => undefined,
      run: async () => {
        const events = Array.from({ length: n }, (_, i) => Created({ by: 1, at: i }));
        await prepareAppend('User-1', events, undefined, {});
      },
    },
    runs,
    warmup,
  );
  rows.push({
    ...m,
    rounds: [m.median],
    workload: 'S-create',
    target: 'eventfold (any backend)',
    backend: 'memory',
    kind: 'eventfold',
  });
  log(
    `\nS-create: event creation, checking and serialisation\n  ${Math.round(m.median).toLocaleString('en-US')} events/s`,
  );
}

const ratios = withRatios(rows);

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ machine: machine(), scale, runs, warmup, rows: ratios }, null, 2)}\n`,
  );
} else {
  console.log(`\n${machine()}; scale ${scale}, median of ${runs} runs after ${warmup} warm-up\n`);
  console.log(values.markdown ? markdownTable(ratios) : textTable(ratios));
  console.log(`\n${summary(ratios)}`);
}

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
