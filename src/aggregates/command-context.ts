import type { RecordedEvent } from '../core/events.js';
import type { EventContext } from './event-context.js';

/**
 * Where a command comes from, for the metadata of every event it produces: the
 * command's id (default: the command's own `id` field, else a new UUID), the
 * causation id (default: the command id) and the correlation id (default: the
 * root of the causation chain as far as it is known: the given causation id,
 * else the command id), plus keys of your own.
 *
 * @example
 * ```ts
 * await handler.handle('42', command, { correlationId: request.id, metadata: { userId } });
 * ```
 */
export interface CommandContext extends EventContext {
  /** The command's id; default the command's `id` field when it is a string, else a new UUID. */
  commandId?: string;
}

/**
 * The context of a command issued in reaction to a recorded event: caused by
 * that event, and in the same correlation as it (or correlated by its id when
 * it has no correlation id).
 *
 * @example
 * ```ts
 * for await (const event of store.readAll({ types: ['OrderPlaced'] })) {
 *   await shipping.handle(event.data.orderId, { type: 'Ship' }, causedBy(event));
 * }
 * ```
 */
export function causedBy(event: RecordedEvent): CommandContext {
  const correlationId = event.metadata.correlationId;
  return {
    correlationId: typeof correlationId === 'string' ? correlationId : event.id,
    causationId: event.id,
  };
}
