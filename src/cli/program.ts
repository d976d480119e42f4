import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import type { EventStore, ReadAllOptions } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { Projection } from '../subscriptions/projection.js';
import type { FeedHealth } from '../stores/postgres/feed-health.js';
import { collect, integer } from './arguments.js';
import { printers, UNCAPPED, write, type Context } from './command-context.js';
import { describeError, exitCodeOf, ExitCode } from './errors.js';
import { addTransferCommands } from './transfer-commands.js';
import { addWriteCommands } from './write-commands.js';
import { openStore, withStore } from './open-store.js';
import { eventJson, eventLine, streamJson, table, type CliIo } from './output.js';
import { Progress } from './progress.js';
import { countStreams, feedHealth } from './store-facts.js';
import { addProjectionCommands, loadProjections } from './projections.js';
import { startConsole } from './ui/server.js';
import { backendOf, DEFAULT_STORE_URL, redactUrl, secretsOfUrl } from './url.js';

const require = createRequire(import.meta.url);
const { version: VERSION } = require('../../package.json') as { version: string };

/**
 * Runs the `eventfold` command line with `argv` (the arguments after the
 * program's name) and resolves to its exit code (see {@link ExitCode}).
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const secrets: string[] = [];
  const program = new Command('eventfold');
  const context: Context = {
    io,
    secrets,
    url() {
      const opts = program.opts<{ url?: string }>();
      const url = opts.url ?? io.env.EVENTFOLD_URL ?? DEFAULT_STORE_URL;
      secrets.push(...secretsOfUrl(url));
      return url;
    },
  };
  program
    .description(
      'Inspect, migrate and move an eventfold event store (memory:, sqlite://, postgresql://).',
    )
    .version(VERSION)
    .option('--url <url>', `the store's URL (default: $EVENTFOLD_URL, else ${DEFAULT_STORE_URL})`)
    .option('--debug', 'print the stack of an error')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, writeErr) => writeErr(`eventfold: ${text}`),
    });
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 1 unexpected failure, 2 bad usage or input, 3 not found,\n4 conflict (wrong expected version), 5 database unavailable.',
  );
  addCommands(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    // The reader of standard output went away (`eventfold export | head`): stop quietly.
    if ((error as { code?: unknown } | null)?.code === 'EPIPE') return ExitCode.Ok;
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    io.stderr.write(`eventfold: error: ${describeError(error, secrets, debug)}\n`);
    return exitCodeOf(error);
  }
}

function addCommands(program: Command, context: Context): void {
  const { io } = context;
  const { out, json, note } = printers(io);

  program
    .command('migrate')
    .description("create or upgrade the store's schema")
    .option('--dry-run', 'print the SQL of the pending migrations; change nothing')
    .option('--json', 'print the plan as JSON (with --dry-run)')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const url = context.url();
      const backend = backendOf(url);
      if (backend === 'memory') {
        if (opts.json === true) json({ backend, current: 0, latest: 0, pending: [] });
        else out('memory: has no schema: nothing to migrate');
        return;
      }
      if (backend === 'nats') {
        // A JetStream stream and buckets, created or checked on connect: no schema versions.
        if (opts.dryRun !== true) await (await openStore(url, true)).close();
        if (opts.json === true) return json({ backend, current: 0, latest: 0, pending: [] });
        out(
          opts.dryRun === true
            ? 'nats: has no schema: connecting creates the stream and its buckets when missing'
            : 'nats: stream and buckets ready (no schema to migrate)',
        );
        return;
      }
      const plan = await migrationPlan(url);
      if (opts.dryRun === true) {
        if (opts.json === true) return json({ backend, ...plan });
        if (plan.pending.length === 0) {
          out(`-- schema at version ${plan.current}: nothing to migrate`);
          return;
        }
        out(`-- schema at version ${plan.current}; migrating would bring it to ${plan.latest}`);
        for (const m of plan.pending) out(`\n-- migration ${m.version}: ${m.name}\n${m.sql}`);
        return;
      }
      if (plan.pending.length === 0) {
        out(`schema at version ${plan.current}: up to date`);
        return;
      }
      const progress = new Progress(io.stderr, 'migrations', 'migrations', plan.pending.length);
      // The runner applies every pending migration in one transaction: all or none.
      const store = await openStore(url, true);
      await store.close();
      progress.add(plan.pending.length);
      progress.finish();
      out(`migrated the schema from version ${plan.current} to ${plan.latest}`);
    });

  program
    .command('info')
    .description('backend, schema version, counts, head position and feed health')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const url = context.url();
      await withStore(url, false, async (store) => {
        const backend = backendOf(url);
        const info = {
          backend,
          url: redactUrl(url),
          schemaVersion: await schemaVersion(store, backend),
          events: await store.countEventsAfter(undefined, {}, UNCAPPED),
          streams: await countStreams(store),
          headPosition: (await store.headPosition()) ?? null,
          feedHealth: await feedHealth(store),
        };
        if (opts.json === true) return json(info);
        out(
          table([
            ['backend', info.backend],
            ['url', info.url],
            ['schema version', String(info.schemaVersion ?? '(none)')],
            ['events', String(info.events)],
            ['streams', String(info.streams)],
            ['head position', info.headPosition ?? '(empty)'],
            ['feed health', describeHealth(info.feedHealth)],
          ]),
        );
      });
    });

  program
    .command('streams')
    .description('list streams with their version and last write, by id, a page at a time')
    .option('--category <category>', 'only streams of this category (Task lists Task-1, Task-2, …)')
    .option('--after <streamId>', 'start after this stream id (the "next" of a page)')
    .option('--limit <n>', 'streams per page (default 100, at most 10000)', integer(1))
    .option('--json', 'print the page as JSON: { streams, next }')
    .action(async (opts: { category?: string; after?: string; limit?: number; json?: boolean }) => {
      await withStore(context.url(), false, async (store) => {
        const page = await store.listStreams({
          category: opts.category,
          after: opts.after,
          ...(opts.limit === undefined ? {} : { limit: opts.limit }),
        });
        if (opts.json === true)
          return json({ streams: page.streams.map(streamJson), next: page.next ?? null });
        if (page.streams.length === 0) return note('no streams');
        out(
          table([
            ['STREAM', 'VERSION', 'LAST WRITE'],
            ...page.streams.map((s) => [s.streamId, String(s.version), s.lastWrite.toISOString()]),
          ]),
        );
        if (page.next !== undefined) note(`more: --after ${JSON.stringify(page.next)}`);
      });
    });

  program
    .command('read')
    .description("read a stream's events")
    .argument('<stream>', 'the stream id')
    .option('--from <version>', 'the first version to read (backward: the last)', integer(0))
    .option('--limit <n>', 'the most events to read', integer(1))
    .option('--backward', 'newest first')
    .option('--json', 'print as JSON: { streamId, version, events }')
    .action(
      async (
        streamId: string,
        opts: { from?: number; limit?: number; backward?: boolean; json?: boolean },
      ) => {
        await withStore(context.url(), false, async (store) => {
          const result = await store.read(streamId, {
            mustExist: true,
            direction: opts.backward === true ? 'backward' : 'forward',
            ...(opts.from === undefined ? {} : { from: opts.from }),
            ...(opts.limit === undefined ? {} : { limit: opts.limit }),
          });
          if (opts.json === true) {
            return json({
              streamId: result.streamId,
              version: result.version,
              events: result.events.map(eventJson),
            });
          }
          for (const event of result.events) out(eventLine(event, false));
        });
      },
    );

  const feedFilters = (command: Command) =>
    command
      .option('--type <type>', 'only events of this type (repeatable)', collect)
      .option(
        '--category <category>',
        'only events of streams in this category (repeatable)',
        collect,
      )
      .option('--after <position>', 'start after this position');
  const filterOptions = (opts: { type?: string[]; category?: string[] }): ReadAllOptions => ({
    ...(opts.type === undefined ? {} : { types: opts.type }),
    ...(opts.category === undefined ? {} : { categories: opts.category }),
  });

  feedFilters(
    program
      .command('feed')
      .description('read the global feed, in commit order')
      .option('--limit <n>', 'the most events to print (default 100)', integer(1))
      .option('--json', 'print as JSON: { events, next }'),
  ).action(
    async (opts: {
      type?: string[];
      category?: string[];
      after?: string;
      limit?: number;
      json?: boolean;
    }) => {
      await withStore(context.url(), false, async (store) => {
        const page = await store.readAllPage({
          ...filterOptions(opts),
          after: opts.after as Position | undefined,
          limit: opts.limit ?? 100,
        });
        if (opts.json === true)
          return json({ events: page.events.map(eventJson), next: page.next ?? null });
        for (const event of page.events) out(eventLine(event, true));
        if (!page.isEnd && page.next !== undefined) note(`more: --after ${page.next}`);
      });
    },
  );

  feedFilters(
    program
      .command('tail')
      .description('follow the global feed live, from its end, until Ctrl-C')
      .option('--from-start', 'print the whole feed first')
      .option(
        '--poll <ms>',
        'how often to look for writes of other processes (default 500)',
        integer(10),
      )
      .option('--json', 'print each event as one line of JSON'),
  ).action(
    async (opts: {
      type?: string[];
      category?: string[];
      after?: string;
      fromStart?: boolean;
      poll?: number;
      json?: boolean;
    }) => {
      await withStore(context.url(), false, async (store) => {
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        let wake: (() => void) | undefined;
        const subscription = store.onAppended(() => wake?.());
        try {
          let after: Position | undefined =
            opts.fromStart === true
              ? undefined
              : ((opts.after as Position | undefined) ?? (await store.headPosition()));
          note(
            `eventfold: following the feed${after === undefined ? '' : ` after ${after}`} (Ctrl-C to stop)`,
          );
          while (!stop.signal.aborted) {
            const page = await store.readAllPage({ ...filterOptions(opts), after, limit: 500 });
            for (const event of page.events)
              await write(
                io.stdout,
                `${opts.json === true ? JSON.stringify(eventJson(event)) : eventLine(event, true)}\n`,
              );
            after = page.next;
            if (!page.isEnd) continue;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, opts.poll ?? 500);
              function done(): void {
                clearTimeout(timer);
                wake = undefined;
                stop.signal.removeEventListener('abort', done);
                resolve();
              }
              wake = done;
              stop.signal.addEventListener('abort', done);
            });
          }
        } finally {
          subscription();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
    },
  );

  addWriteCommands(program, context);
  addTransferCommands(program, context);

  program
    .command('ui')
    .description('serve the web console (read-only unless --allow-actions) until Ctrl-C')
    .option('--port <port>', 'the port (default 4400; 0 picks a free one)', integer(0))
    .option('--host <address>', 'the address to bind (default 127.0.0.1)')
    .option(
      '--token <token>',
      'a token every API request must carry (default: $EVENTFOLD_UI_TOKEN); required off loopback',
    )
    .option(
      '--allow-actions',
      'allow replaying or skipping parked events and resetting projections',
    )
    .option(
      '--module <file>',
      'a JavaScript module whose exported projections the actions may run (repeatable)',
      collect,
    )
    .action(
      async (opts: {
        port?: number;
        host?: string;
        token?: string;
        allowActions?: boolean;
        module?: string[];
      }) => {
        const token = opts.token ?? io.env.EVENTFOLD_UI_TOKEN;
        if (token !== undefined) context.secrets.push(token);
        const projections: Projection<unknown>[] = [];
        for (const file of opts.module ?? []) projections.push(...(await loadProjections(file)));
        await withStore(context.url(), false, async (store) => {
          const server = await startConsole({
            store,
            host: opts.host,
            port: opts.port,
            token,
            allowActions: opts.allowActions,
            projections,
          });
          const link = token === undefined ? server.url : `${server.url}#token=${token}`;
          note(
            `eventfold: console at ${link} (${opts.allowActions === true ? 'actions allowed' : 'read-only'}; Ctrl-C to stop)`,
          );
          await new Promise<void>((resolve) => {
            const stop = (): void => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              resolve();
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          await server.close();
        });
      },
    );

  addProjectionCommands(program, {
    url: () => context.url(),
    out,
    json,
    note,
    progress: io.stderr,
  });
}

/** What migrating the store of `url` would do, read without changing anything. */
async function migrationPlan(url: string): Promise<{
  current: number;
  latest: number;
  pending: readonly { version: number; name: string; sql: string }[];
}> {
  if (backendOf(url) === 'sqlite') {
    const { parseSqliteUrl } = await import('../stores/sqlite/sqlite-url.js');
    const { planSqliteMigrations } = await import('../stores/sqlite/migration-plan.js');
    return planSqliteMigrations(parseSqliteUrl(url).filename);
  }
  const { PostgresEventStore } = await import('../stores/postgres/postgres-event-store.js');
  const { planPostgresMigrations } = await import('../stores/postgres/migration-plan.js');
  const { secretsOf } = await import('../stores/postgres/postgres-database-error.js');
  const store = new PostgresEventStore({ connectionString: url, migrate: false });
  try {
    return await planPostgresMigrations(
      store.pool,
      store.schema,
      secretsOf({ connectionString: url }),
    );
  } finally {
    await store.close();
  }
}

/** The schema version recorded in the store (`null` for memory). */
async function schemaVersion(store: EventStore, backend: string): Promise<number | null> {
  if (backend === 'memory' || backend === 'nats') return null;
  if (backend === 'sqlite') {
    const { SqliteEventStore } = await import('../stores/sqlite/sqlite-event-store.js');
    const { readSchemaVersion } = await import('../stores/sqlite/migrate.js');
    return store instanceof SqliteEventStore ? readSchemaVersion(store.database) : null;
  }
  const { PostgresEventStore } = await import('../stores/postgres/postgres-event-store.js');
  const { planPostgresMigrations } = await import('../stores/postgres/migration-plan.js');
  if (!(store instanceof PostgresEventStore)) return null;
  return (await planPostgresMigrations(store.pool, store.schema, [])).current;
}

function describeHealth(health: FeedHealth | null): string {
  if (health === null) return 'ok (commits are visible at once)';
  const withheld = health.withheldEvents;
  const age = health.oldestBlockingTransactionAgeMs;
  if (withheld === 0 && age < 1000) return 'ok';
  return `${withheld} events held back; oldest blocking transaction ${age} ms${health.blockingPid === undefined ? '' : ` (pid ${health.blockingPid})`}`;
}
