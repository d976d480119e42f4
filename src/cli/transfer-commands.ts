import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.js';
import { printers, UNCAPPED, write, type Context } from './command-context.js';
import { withStore } from './open-store.js';
import { Progress } from './progress.js';
import { refreshStatistics } from './store-facts.js';
import { exportLine, Loader, parseExportLine, type ExportedEvent } from './transfer.js';
import { backendOf, redactUrl, secretsOfUrl } from './url.js';

/** `export`, `import` and `copy`: moving a whole store's events, in feed order. */
export function addTransferCommands(program: Command, context: Context): void {
  const { io } = context;
  const { note } = printers(io);

  program
    .command('export')
    .description('write every event, in feed order, as NDJSON (one event per line)')
    .argument('[file]', 'the file to write (default: standard output)')
    .action(async (file: string | undefined) => {
      await withStore(context.url(), false, async (store) => {
        const total = await store.countEventsAfter(undefined, {}, UNCAPPED);
        const target = file === undefined || file === '-' ? io.stdout : await openForWriting(file);
        const progress = new Progress(io.stderr, 'export', 'events', total);
        for await (const event of store.readAll()) {
          await write(target, `${exportLine(event)}\n`);
          progress.add(1);
        }
        if (target !== io.stdout) {
          const closed = once(target, 'close');
          target.end();
          await closed;
        }
        progress.finish();
      });
    });

  program
    .command('import')
    .description('append the events of an NDJSON export, keeping ids and metadata (idempotent)')
    .argument('<file>', 'the export to read (- for standard input)')
    .action(async (file: string) => {
      const fromStdin = file === '-';
      // A file is checked in full first, so a bad line writes nothing; standard input is checked as it goes.
      const total = fromStdin ? undefined : await checkExport(file);
      await withStore(context.url(), true, async (store) => {
        const progress = new Progress(io.stderr, 'import', 'events', total);
        const loader = new Loader(store, (n) => progress.add(n));
        for await (const event of exportedEvents(fromStdin ? io.stdin : createReadStream(file)))
          await loader.add(event);
        await loader.flush();
        progress.finish();
        if (loader.counts.written > 0) await refreshStatistics(store);
        note(`imported ${loader.counts.written} events, ${loader.counts.skipped} already there`);
      });
    });

  program
    .command('copy')
    .description('copy every event to another store, keeping ids and metadata (resumable)')
    .requiredOption('--to <url>', "the target store's URL")
    .action(async (opts: { to: string }) => {
      const url = context.url();
      context.secrets.push(...secretsOfUrl(opts.to));
      backendOf(opts.to);
      if (opts.to === url) throw new ValidationError('copy: --to names the source store itself');
      await withStore(url, false, async (source) => {
        await withStore(opts.to, true, async (target) => {
          const total = await source.countEventsAfter(undefined, {}, UNCAPPED);
          const progress = new Progress(io.stderr, 'copy', 'events', total);
          const loader = new Loader(target, (n) => progress.add(n));
          for await (const event of source.readAll()) await loader.add(event);
          await loader.flush();
          progress.finish();
          if (loader.counts.written > 0) await refreshStatistics(target);
          note(
            `copied ${loader.counts.written} events to ${redactUrl(opts.to)}, ${loader.counts.skipped} already there`,
          );
        });
      });
    });
}

/** The lines of an export as events; blank lines are skipped. */
async function* exportedEvents(input: NodeJS.ReadableStream): AsyncGenerator<ExportedEvent> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim().length === 0) continue;
    yield parseExportLine(line, n);
  }
}

/** Opens `file` for writing; a {@link ValidationError} when it cannot be. */
async function openForWriting(file: string): Promise<NodeJS.WritableStream> {
  const output = createWriteStream(file);
  try {
    await once(output, 'open');
  } catch (error) {
    throw new ValidationError(`Cannot write "${file}": ${(error as Error).message}`);
  }
  return output;
}

/** Reads a whole export file, checking every line; resolves to its number of events. */
async function checkExport(file: string): Promise<number> {
  let count = 0;
  const input = createReadStream(file);
  const opened = once(input, 'open').catch((error: unknown) => {
    throw new ValidationError(`Cannot read "${file}": ${(error as Error).message}`);
  });
  await opened;
  const events = exportedEvents(input);
  while (!(await events.next()).done) count++;
  return count;
}
