import type { PreparedAppend } from '../../core/append-input.js';
import type { AppendResult } from '../../core/event-store.js';
import type { MaybePromise, WriteOutcome, WriteUnit } from './event-store-driver.js';

/**
 * TODO(issue 13, temporary): commits units one by one through a driver's
 * single-append path; units of several entries or with a condition are refused.
 * Replaced by each driver's own `commit`.
 *
 * @internal
 */
export async function commitEach<Cursor>(
  units: readonly WriteUnit<Cursor>[],
  append: (append: PreparedAppend) => MaybePromise<AppendResult>,
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  for (const unit of units) {
    try {
      const [entry] = unit.entries;
      if (unit.entries.length !== 1 || unit.condition !== undefined || entry === undefined)
        throw new Error('appendMany and conditions are not implemented on this backend yet');
      outcomes.push({ ok: true, results: [await append(entry)] });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
