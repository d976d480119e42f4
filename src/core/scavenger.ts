import { checkOption } from './options.js';
import type { EventStore } from './event-store.js';
import type { ScavengeOptions, ScavengeReport } from './scavenge.js';
import { InvalidOptionError } from './errors.js';

/** Options of {@link startScavenger}. */
export interface ScavengerOptions {
  /** Milliseconds between the end of one scavenge and the start of the next (at least 1,000). */
  intervalMs: number;
  /** Called with each scavenge's report. */
  onReport?: (report: ScavengeReport) => void;
  /** Called with each scavenge's error; the scavenger keeps running (default: ignored). */
  onError?: (error: unknown) => void;
  /** Stops the scavenger (as `stop()` does), aborting a scavenge in progress between two batches. */
  signal?: AbortSignal | undefined;
  /** Passed to every scavenge (`batchSize`, `compact`). */
  scavenge?: Omit<ScavengeOptions, 'signal'>;
  /** Run the first scavenge at once rather than after `intervalMs` (default `false`). */
  immediate?: boolean;
}

/** A running background scavenger. */
export interface Scavenger {
  /** Stops it: no scavenge starts any more; one in progress is aborted between two batches. Resolves when it ended. */
  stop(): Promise<void>;
}

/**
 * Runs `store.scavenge()` periodically in this process, one at a time, until
 * stopped. Works on any {@link EventStore}.
 *
 * @example
 * ```ts
 * const scavenger = startScavenger(store, {
 *   intervalMs: 3_600_000,
 *   onReport: (r) => console.log(`removed ${r.eventsRemoved} events`),
 *   onError: (e) => console.error(e),
 * });
 * // on shutdown:
 * await scavenger.stop();
 * ```
 */
export function startScavenger(store: EventStore, options: ScavengerOptions): Scavenger {
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, [
    'intervalMs',
    'onReport',
    'onError',
    'signal',
    'scavenge',
    'immediate',
  ]);
  const { intervalMs, onReport, onError, signal, immediate } = options;
  if (intervalMs === undefined)
    throw new InvalidOptionError('intervalMs', intervalMs, 'an integer of milliseconds ≥ 1000');
  checkOption.milliseconds('intervalMs', intervalMs, 1000);
  checkOption.function('onReport', onReport);
  checkOption.function('onError', onError);
  checkOption.boolean('immediate', immediate);
  checkOption.object('scavenge', options.scavenge);
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  const controller = new AbortController();
  const stopOnSignal = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', stopOnSignal, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = async (): Promise<void> => {
    timer = undefined;
    try {
      const report = await store.scavenge({ ...options.scavenge, signal: controller.signal });
      onReport?.(report);
    } catch (error) {
      if (!controller.signal.aborted) onError?.(error);
    }
    running = undefined;
    schedule();
  };
  const schedule = (): void => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      running = run();
    }, intervalMs);
    timer.unref();
  };

  if (signal?.aborted === true) controller.abort(signal.reason);
  else if (immediate === true) running = run();
  else schedule();

  return {
    async stop(): Promise<void> {
      if (!controller.signal.aborted) controller.abort();
      signal?.removeEventListener('abort', stopOnSignal);
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
