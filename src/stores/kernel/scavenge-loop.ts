import { ScavengeReportBuilder, type ScavengeReport } from '../../core/scavenge.js';
import type { EventStoreDriver } from './event-store-driver.js';

/** What {@link runScavenge} takes: the checked options of `scavenge`. */
export interface ScavengeSettings {
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  readonly compact: boolean;
}

/** Streams asked of the driver at a time. */
const TARGET_PAGE = 100;

/**
 * The scavenge of every backend: pages through the streams the driver names as
 * holding removable events, removes them `batchSize` at a time (one driver
 * transaction each, so no scavenge holds one huge transaction), checks `signal`
 * and `assertOpen` between batches, then lets the driver finish (checkpoint,
 * vacuum). Resolves to the report of what it removed.
 *
 * @example
 * ```ts
 * const report = await runScavenge(driver, { batchSize: 1000, signal: undefined, compact: false }, () => {});
 * ```
 */
export async function runScavenge(
  driver: EventStoreDriver<unknown>,
  settings: ScavengeSettings,
  assertOpen: () => void,
): Promise<ScavengeReport> {
  const { batchSize, signal, compact } = settings;
  const report = new ScavengeReportBuilder();
  const between = (): void => {
    signal?.throwIfAborted();
    assertOpen();
  };
  let after: string | undefined;
  for (;;) {
    between();
    const targets = await driver.scavengeTargets(after, TARGET_PAGE);
    for (const streamId of targets) {
      let removed = 0;
      let tombstoned = false;
      for (;;) {
        between();
        const chunk = await driver.scavengeChunk(streamId, batchSize);
        removed += chunk.removed;
        tombstoned = chunk.tombstoned;
        if (chunk.removed < batchSize) break;
      }
      report.add(streamId, removed, tombstoned);
    }
    if (targets.length < TARGET_PAGE) break;
    after = targets.at(-1);
  }
  between();
  await driver.finishScavenge(compact);
  return report.report();
}
