import { Option, type Command } from 'commander';
import type { ExpectedVersion } from '../core/expected-version.js';
import { collect, expectedVersion, integer, parseJson } from './arguments.js';
import { printers, type Context } from './command-context.js';
import { withStore } from './open-store.js';

/** `append`, `delete`, `truncate` and `scavenge`: the commands that change streams. */
export function addWriteCommands(program: Command, context: Context): void {
  const { out, json } = printers(context.io);

  program
    .command('append')
    .description('append one event to a stream')
    .argument('<stream>', 'the stream id')
    .argument('<type>', 'the event type')
    .argument('<json>', "the event's data, as JSON")
    .addOption(
      new Option(
        '--expected-version <version>',
        'append only if the stream is at this version (a number, any, no-stream, stream-exists)',
      ).argParser(expectedVersion),
    )
    .option('--metadata <json>', "the event's metadata, a JSON object")
    .option('--id <uuid>', "the event's id (makes a retry idempotent)")
    .option('--tag <tag>', 'a tag of the event (repeatable)', collect)
    .option('--json', 'print the result as JSON')
    .action(
      async (
        streamId: string,
        type: string,
        dataText: string,
        opts: {
          expectedVersion?: ExpectedVersion;
          metadata?: string;
          id?: string;
          tag?: string[];
          json?: boolean;
        },
      ) => {
        const data = parseJson('data', dataText);
        const metadata =
          opts.metadata === undefined ? undefined : parseJson('metadata', opts.metadata);
        await withStore(context.url(), true, async (store) => {
          const result = await store.append(
            streamId,
            [
              {
                type,
                data,
                ...(metadata === undefined
                  ? {}
                  : { metadata: metadata as Record<string, unknown> }),
                ...(opts.id === undefined ? {} : { id: opts.id }),
                ...(opts.tag === undefined ? {} : { tags: opts.tag }),
              },
            ],
            opts.expectedVersion === undefined ? {} : { expectedVersion: opts.expectedVersion },
          );
          if (opts.json === true) return json(result);
          out(
            `appended to ${result.streamId}: version ${result.version}, position ${result.position}`,
          );
        });
      },
    );

  program
    .command('delete')
    .description(
      'delete a stream: softly (it reads as empty; appending re-creates it) or, with --hard, for good',
    )
    .argument('<stream>', 'the stream id')
    .addOption(
      new Option(
        '--expected-version <version>',
        'delete only if the stream is at this version (a number, any, no-stream, stream-exists)',
      ).argParser(expectedVersion),
    )
    .option('--hard', 'leave a tombstone: every later read or append of the stream fails')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        streamId: string,
        opts: { expectedVersion?: ExpectedVersion; hard?: boolean; json?: boolean },
      ) => {
        await withStore(context.url(), true, async (store) => {
          const result = await store.deleteStream(streamId, {
            ...(opts.expectedVersion === undefined
              ? {}
              : { expectedVersion: opts.expectedVersion }),
            hard: opts.hard === true,
          });
          if (opts.json === true) return json({ ...result, hard: opts.hard === true });
          const how = opts.hard === true ? 'deleted for good' : 'deleted';
          out(
            result.position === undefined
              ? `${result.streamId} shows no events: nothing to delete`
              : `${how}: ${result.streamId} at version ${result.version}, position ${result.position}`,
          );
        });
      },
    );

  program
    .command('truncate')
    .description('hide the events of a stream before a version from reads (the version stays)')
    .argument('<stream>', 'the stream id')
    .requiredOption('--before <version>', 'the first version still read', integer(1))
    .action(async (streamId: string, opts: { before: number }) => {
      await withStore(context.url(), true, async (store) => {
        await store.truncateStream(streamId, { before: opts.before });
        out(`truncated: ${streamId} reads from version ${opts.before}`);
      });
    });

  program
    .command('scavenge')
    .description(
      'remove from storage the events that deletion, truncation, maxAge and maxCount hide',
    )
    .option('--batch-size <n>', 'the most events removed per transaction', integer(1))
    .option('--compact', 'give the space back too (PostgreSQL: VACUUM FULL, an exclusive lock)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { batchSize?: number; compact?: boolean; json?: boolean }) => {
      await withStore(context.url(), true, async (store) => {
        const report = await store.scavenge({
          ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
          compact: opts.compact === true,
        });
        if (opts.json === true) return json(report);
        out(`scavenged: ${report.eventsRemoved} event(s) removed from ${report.streams} stream(s)`);
        for (const stream of report.byStream)
          out(
            `  ${stream.streamId}: ${stream.eventsRemoved}${stream.tombstoned ? ' (tombstone kept)' : ''}`,
          );
        if (!report.complete) out(`  … and ${report.streams - report.byStream.length} more`);
      });
    });
}
