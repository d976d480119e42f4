/**
 * The NATS JetStream rows of the benchmark alone (W1–W6, the concurrent writers, the DCB
 * workloads), without the other backends or the peers: eventfold's NATS store beside the floor,
 * raw `@nats-io/jetstream` writing and reading the same messages (bench/floors/nats-floor.ts).
 * `npm run bench` runs the same rows with the others (`--backends nats` there too).
 *
 *   npx tsx bench/nats.ts [--workloads W1,W2] [--scale 0.1] [--runs 5] [--warmup 1] [--json | --markdown]
 *
 * Server: NATS_URL, else nats://127.0.0.1:4222 (JetStream enabled); every session uses streams of
 * its own, deleted afterwards.
 */
import { parseArgs } from 'node:util';
import { markdownTable, textTable } from './lib/report.js';
import { runWorkload, withRatios, type Row } from './lib/runner.js';
import { natsTargets } from './lib/nats-targets.js';
import { CONCURRENT_WORKLOADS } from './lib/workloads-concurrent.js';
import { CRYPTO_WORKLOADS } from './lib/workloads-crypto.js';
import { DCB_WORKLOADS } from './lib/workloads-dcb.js';
import { WORKLOADS } from './lib/workloads.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string' },
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
  },
});
const settings = {
  scale: Number(values.scale),
  runs: Number(values.runs),
  warmup: Number(values.warmup),
};
const wanted = values.workloads?.split(',').map((w) => w.trim().toUpperCase());
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));

const { targets, cleanup } = natsTargets();
const rows: Row[] = [];
try {
  for (const spec of [
    ...WORKLOADS,
    ...CONCURRENT_WORKLOADS,
    ...DCB_WORKLOADS,
    ...CRYPTO_WORKLOADS,
  ].filter(
    (w) =>
      (wanted === undefined || wanted.includes(w.id.toUpperCase())) &&
      (w.backends?.includes('nats') ?? true),
  )) {
    log(`${spec.id}: ${spec.title}`);
    for (const row of await runWorkload(spec, targets, settings)) {
      rows.push(row);
      log(
        `  ${row.target.padEnd(34)} ${
          row.error === undefined
            ? `${Math.round(row.median).toLocaleString('en-US').padStart(12)} events/s`
            : `failed: ${row.error}`
        }`,
      );
    }
  }
} finally {
  await cleanup();
}
const ratios = withRatios(rows);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ ...settings, rows: ratios }, null, 2)}\n`);
} else {
  console.log(
    `\nscale ${settings.scale}, median of ${settings.runs} runs after ${settings.warmup} warm-up\n`,
  );
  console.log(values.markdown ? markdownTable(ratios) : textTable(ratios));
}
