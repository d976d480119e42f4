import type { RecordedEvent } from '../core/events.js';
import { isPromiseLike } from '../core/is-promise-like.js';
import type { EventApplier } from './event-applier.js';
import type { Projection } from './projection.js';

/**
 * How a subscription applies a raw projection (`defineProjection`): each
 * event's handler, and with a batch handler, `applyBatch` for a slice (the
 * per-event handlers in order, then the batch handler once); a single event
 * is a batch of one. Stays synchronous while the handlers are.
 *
 * @internal
 */
export function projectionApplier<Tx>(projection: Projection<Tx>): EventApplier<Tx> {
  const { handlers, reset, batchHandler } = projection;
  const each = (event: RecordedEvent, tx: Tx): unknown => handlers[event.type]?.(event, tx);
  if (batchHandler === undefined) {
    return { inTransaction: true, apply: (event, tx) => each(event, tx as Tx), reset };
  }
  const applyBatch = (events: readonly RecordedEvent[], tx: Tx): unknown => {
    const from = (start: number): unknown => {
      for (let i = start; i < events.length; i++) {
        const result = each(events[i] as RecordedEvent, tx);
        if (isPromiseLike(result)) return Promise.resolve(result).then(() => from(i + 1));
      }
      return batchHandler(events, tx);
    };
    return from(0);
  };
  return {
    inTransaction: true,
    apply: (event, tx) => applyBatch([event], tx as Tx),
    applyBatch: (events, tx) => applyBatch(events, tx),
    reset,
  };
}
