import { setImmediate as yieldTurn } from 'node:timers/promises';
import { eventMatchesQuery, normalizeEventQuery } from '../../src/core/event-query.js';
import type {
  Backend,
  BenchEvent,
  BenchTarget,
  DcbSession,
  TargetKind,
  TargetSession,
} from '../../bench/lib/targets.js';

/** What a fake target does besides storing events in memory. */
export interface FakeOptions {
  readonly name?: string;
  readonly backend?: Backend;
  readonly kind?: TargetKind;
  readonly variant?: string;
  /** Whether sessions have DCB (default true). */
  readonly dcb?: boolean;
  /** Thrown by every append (a backend that lacks what the workload needs, or a broken one). */
  readonly appendError?: Error;
  /** How many conditional appends fail their condition first, whatever the store holds. */
  readonly staleConditions?: number;
}

/** The events a fake session stored, shared by the test to check what a workload wrote. */
export interface FakeLog {
  readonly events: { streamId: string; event: BenchEvent }[];
  conditionChecks: number;
}

/**
 * A benchmark target in memory: streams with exact version checks, and DCB reads and
 * conditional appends that match events with eventfold's own `eventMatchesQuery`. Every
 * call yields to the event loop once, so concurrent writers interleave.
 */
export function fakeTarget(options: FakeOptions = {}): BenchTarget & { readonly log: FakeLog } {
  const log: FakeLog = { events: [], conditionChecks: 0 };
  let stale = options.staleConditions ?? 0;
  return {
    name: options.name ?? 'fake',
    backend: options.backend ?? 'memory',
    kind: options.kind ?? 'eventfold',
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    log,
    open() {
      log.events.length = 0;
      const versions = new Map<string, number>();
      const append = async (streamId: string, expected: number, events: readonly BenchEvent[]) => {
        await yieldTurn();
        if (options.appendError !== undefined) throw options.appendError;
        const actual = versions.get(streamId) ?? 0;
        if (actual !== expected)
          throw new Error(`${streamId} is at version ${actual}, not ${expected}`);
        versions.set(streamId, actual + events.length);
        for (const event of events) log.events.push({ streamId, event });
      };
      const dcb: DcbSession = {
        async read(query) {
          await yieldTurn();
          const q = normalizeEventQuery(query, 'query');
          const events = log.events
            .map((e) => e.event)
            .filter((e) => eventMatchesQuery(q, e.type, e.tags ?? []));
          return { events, position: log.events.length };
        },
        async appendIf(streamId, events, query, after) {
          await yieldTurn();
          if (options.appendError !== undefined) throw options.appendError;
          log.conditionChecks++;
          if (stale > 0) {
            stale--;
            return false;
          }
          const q = normalizeEventQuery(query, 'query');
          const since = log.events.slice(after as number);
          if (since.some((e) => eventMatchesQuery(q, e.event.type, e.event.tags ?? [])))
            return false;
          for (const event of events) log.events.push({ streamId, event });
          return true;
        },
      };
      const session: TargetSession = {
        appendNew: (streamId, events) => append(streamId, 0, events),
        appendAt: (streamId, version, events) => append(streamId, version, events),
        readStream: (streamId) =>
          Promise.resolve(log.events.filter((e) => e.streamId === streamId).length),
        fold: (streamId, initial, evolve) =>
          Promise.resolve(
            log.events
              .filter((e) => e.streamId === streamId)
              .reduce((s, e) => evolve(s, e.event), initial),
          ),
        ...(options.dcb === false ? {} : { dcb }),
        close: () => Promise.resolve(),
      };
      return Promise.resolve(session);
    },
  };
}
