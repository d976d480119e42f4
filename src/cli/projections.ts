import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';
import type { SubscriptionStorageProvider } from '../core/contracts/subscription-storage-provider.js';
import { storageOf } from '../subscriptions/default-storage.js';
import { projectionTypes, type Projection } from '../subscriptions/projection.js';
import {
  readSubscriptionStatuses,
  type StoredSubscriptionStatus,
} from '../subscriptions/read-subscription-statuses.js';
import { catchUpRates, formatEta, type CatchUpRate, type LagSample } from './projection-rates.js';
import { resetProjection } from '../subscriptions/reset-projection.js';
import { startProjection } from '../subscriptions/start-projection.js';
import { Subscription } from '../subscriptions/subscription.js';
import { projectionApplier } from '../subscriptions/batch-applier.js';
import { assignPartitions } from '../subscriptions/partition-assignment.js';
import { integer } from './arguments.js';
import { table } from './output.js';
import { Progress, type ProgressOutput } from './progress.js';
import { withStore } from './open-store.js';

/** What the projection commands need of the program: the store URL and where to print. */
export interface ProjectionCommandContext {
  readonly url: () => string;
  readonly out: (text: string) => void;
  readonly json: (value: unknown) => void;
  readonly note: (text: string) => void;
  /** Where progress goes (standard error). */
  readonly progress: ProgressOutput;
}

/** Runs `body` with the store's own subscription storage (the one projections use by default). */
async function withStorage<T>(
  url: string,
  body: (store: EventStore, storage: AnySubscriptionStorage) => Promise<T>,
): Promise<T> {
  return withStore(url, false, async (store) => {
    const { storage, close } = storageOf(store, undefined);
    try {
      return await body(store, storage);
    } finally {
      await close();
    }
  });
}

/**
 * The projection named `name` among the exports of the module `file` (an
 * object with that `name` and `handlers`, as `defineProjection` returns);
 * a {@link ValidationError} when there is none.
 */
export async function loadProjection(file: string, name: string): Promise<Projection<unknown>> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError(`Cannot load module "${file}": ${(error as Error).message}`);
  }
  const found = Object.values(module).find(
    (value): value is Projection<unknown> =>
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === name &&
      typeof (value as { handlers?: unknown }).handlers === 'object',
  );
  if (found === undefined)
    throw new ValidationError(`Module "${file}" exports no projection named "${name}"`);
  return found;
}

/** Whether `value` looks like a projection: an object with a `name` and `handlers`. */
function isProjection(value: unknown): value is Projection<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { handlers?: unknown }).handlers === 'object'
  );
}

/**
 * Every projection among the exports of the module `file`; a
 * {@link ValidationError} when it cannot be loaded or exports none.
 */
export async function loadProjections(file: string): Promise<Projection<unknown>[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError(`Cannot load module "${file}": ${(error as Error).message}`);
  }
  const found = Object.values(module).filter(isProjection);
  if (found.length === 0) throw new ValidationError(`Module "${file}" exports no projection`);
  return found;
}

/** Starts `projection` on the store's own storage (the same as the application's `startProjection(store, projection)`). */
function start(store: EventStore, projection: Projection<unknown>) {
  return startProjection(store as EventStore & SubscriptionStorageProvider, projection);
}

/** `statuses` with their whole lag counted (a rate needs it past the status's cap). */
async function uncapped(
  store: EventStore,
  statuses: readonly StoredSubscriptionStatus[],
): Promise<StoredSubscriptionStatus[]> {
  const out: StoredSubscriptionStatus[] = [];
  for (const s of statuses) {
    if (!s.lag.capped) {
      out.push(s);
      continue;
    }
    const events = await store.countEventsAfter(
      s.checkpoint ?? undefined,
      {},
      Number.MAX_SAFE_INTEGER,
    );
    out.push({ ...s, lag: { ...s.lag, events, capped: false } });
  }
  return out;
}

/** The status table; with `rates` (watching), the rate and the time left too. */
function statusTable(
  statuses: readonly StoredSubscriptionStatus[],
  rates: Map<string, CatchUpRate> | undefined,
): string {
  const head = ['NAME', 'STATE', 'CHECKPOINT', 'LAG', 'PARKED', 'UPDATED'];
  return table([
    rates === undefined ? head : [...head, 'EVENTS/S', 'ETA'],
    ...statuses.map((s) => {
      const row = [
        s.name,
        s.state === 'running' && s.lease !== undefined ? `running (${s.lease.holder})` : s.state,
        s.checkpoint ?? '(start)',
        `${s.lag.events}${s.lag.capped ? '+' : ''}`,
        String(s.parked),
        s.updatedAt?.toISOString() ?? '',
      ];
      const rate = rates?.get(s.name);
      if (rates === undefined) return row;
      return [...row, String(Math.round(rate?.rate ?? 0)), formatEta(rate?.etaMs)];
    }),
  ]);
}

/**
 * One line per consumer group among `statuses` (names `group[p/n]`) with
 * live members in the storage's membership (a rebalancing group): its
 * members and the partitions each is assigned.
 */
async function groupLines(
  storage: AnySubscriptionStorage,
  statuses: readonly StoredSubscriptionStatus[],
): Promise<string[]> {
  const groups = new Map<string, number>();
  for (const { name } of statuses) {
    const match = /^(.+)\[\d+\/(\d+)\]$/u.exec(name);
    if (match?.[1] !== undefined) groups.set(match[1], Number(match[2]));
  }
  const lines: string[] = [];
  for (const [group, partitions] of groups) {
    const members = (await storage.membership?.members(group)) ?? [];
    if (members.length === 0) continue;
    const assignment = assignPartitions(
      members.map((m) => m.member),
      partitions,
    );
    const each = [...assignment].map(([member, owned]) => `${member} [${owned.join(',')}]`);
    lines.push(
      `group ${group}: ${members.length} live member(s) of ${partitions} partitions: ${each.join(', ')}`,
    );
  }
  return lines;
}

/** Adds `projections` and its subcommands. */
export function addProjectionCommands(program: Command, context: ProjectionCommandContext): void {
  const { out, json, note } = context;
  const projections = program
    .command('projections')
    .description('projections and subscriptions: status, lag, parked events, replay, rebuild');

  projections
    .command('status')
    .description('every subscription with a checkpoint or parked events: state, lag, parked')
    .option('--json', 'print as JSON')
    .option(
      '--watch <ms>',
      'read again every <ms>, with the catch-up rate and time left',
      integer(1),
    )
    .option(
      '--times <n>',
      'with --watch: stop after <n> reads (default: until interrupted)',
      integer(1),
    )
    .action(async (opts: { json?: boolean; watch?: number; times?: number }) => {
      await withStorage(context.url(), async (store, storage) => {
        const previous = new Map<string, LagSample>();
        for (let read = 1; ; read++) {
          let statuses = await readSubscriptionStatuses(store, storage);
          if (opts.watch !== undefined) statuses = await uncapped(store, statuses);
          const rates = catchUpRates(previous, statuses, Date.now());
          if (opts.json === true) json(statuses);
          else if (statuses.length === 0) note('no subscriptions');
          else {
            out(statusTable(statuses, opts.watch === undefined ? undefined : rates));
            const groups = await groupLines(storage, statuses);
            if (groups.length > 0) out(groups.join('\n'));
          }
          if (opts.watch === undefined || read === opts.times) return;
          await new Promise((resolve) => setTimeout(resolve, opts.watch));
        }
      });
    });

  projections
    .command('parked')
    .description("a subscription's parked events (dead letters) and their last error")
    .argument('<name>', 'the subscription or projection')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withStorage(context.url(), async (_store, storage) => {
        const letters = await storage.deadLetters.list(name);
        if (opts.json === true) return json(letters);
        if (letters.length === 0) return note(`no parked events for "${name}"`);
        out(
          table([
            ['EVENT', 'STREAM', 'TYPE', 'ATTEMPTS', 'ERROR'],
            ...letters.map((l) => [
              l.eventId,
              `${l.streamId}@${l.version}`,
              l.type,
              String(l.attempts),
              l.error.message,
            ]),
          ]),
        );
      });
    });

  projections
    .command('rebuild')
    .description(
      'reset a projection (its reset hook, checkpoint and parked events) and run it until it has caught up',
    )
    .argument('<name>', 'the projection')
    .requiredOption('--module <file>', 'the JavaScript module that exports the projection')
    .option('--reset-only', 'only reset: running instances start over at their next commit')
    .action(async (name: string, opts: { module: string; resetOnly?: boolean }) => {
      const projection = await loadProjection(opts.module, name);
      await withStorage(context.url(), async (store, storage) => {
        await resetProjection(storage, projection);
        if (opts.resetOnly === true) return out(`reset "${name}"`);
        const total = await store.countEventsAfter(
          undefined,
          {
            types: projectionTypes(projection),
            ...(projection.categories === undefined ? {} : { categories: projection.categories }),
          },
          Number.MAX_SAFE_INTEGER,
        );
        const progress = new Progress(context.progress, `rebuild ${name}`, 'events', total);
        const running = start(store, projection);
        let shown = 0;
        const poll = setInterval(() => {
          running.status().then(
            (status) => {
              progress.add(Math.max(0, status.processed - shown));
              shown = Math.max(shown, status.processed);
            },
            () => undefined, // a status read that failed only skips one redraw
          );
        }, 100);
        try {
          await running.caughtUp;
        } finally {
          clearInterval(poll);
          await running.stop();
        }
        progress.add(Math.max(0, total - shown));
        progress.finish();
        const status = (await readSubscriptionStatuses(store, storage)).find(
          (s) => s.name === name,
        );
        out(`rebuilt "${name}": ${status?.parked ?? 0} parked`);
      });
    });

  projections
    .command('replay')
    .description("handle a projection's parked events again, once each (a success unparks it)")
    .argument('<name>', 'the projection')
    .requiredOption('--module <file>', 'the JavaScript module that exports the projection')
    .option(
      '--event <id>',
      'only this parked event (repeatable)',
      (v: string, p: string[] | undefined) => [...(p ?? []), v],
    )
    .action(async (name: string, opts: { module: string; event?: string[] }) => {
      const projection = await loadProjection(opts.module, name);
      await withStorage(context.url(), async (store) => {
        // Not started: it replays the parked events only, never the feed's new ones.
        const running = new Subscription(
          store,
          {
            name: projection.name,
            types: projectionTypes(projection),
            ...(projection.categories === undefined ? {} : { categories: projection.categories }),
          },
          projectionApplier(projection),
        );
        try {
          const result = await running.replayParked(
            opts.event === undefined ? {} : { eventIds: opts.event },
          );
          out(
            `replayed ${result.replayed} parked events of "${name}", ${result.failed} failed again`,
          );
        } finally {
          await running.stop();
        }
      });
    });
}
