import { ValidationError } from '../core/errors.js';
import { keepDefinition, type EventMetadata, type NewEvent } from '../core/events.js';

/**
 * Metadata to stamp on every event of a save: correlation and causation ids
 * and keys of your own. The ids win over the same keys of an event's own
 * metadata; `metadata` keys lose to them.
 *
 * @example
 * ```ts
 * await tasks.save(task, { correlationId: requestId, causationId: commandId, metadata: { userId } });
 * ```
 */
export interface EventContext {
  /** The id shared by everything one request or command caused. */
  correlationId?: string;
  /** The id of the message (command or event) that caused these events. */
  causationId?: string;
  /** More JSON-serialisable metadata keys. */
  metadata?: EventMetadata;
}

/**
 * Returns the events with the context's metadata merged into each one's own
 * (the events themselves are not changed); the same array when the context is empty.
 *
 * @example
 * ```ts
 * const stamped = withEventContext([TaskCreated({ title })], { correlationId: 'req-1' });
 * ```
 */
export function withEventContext<E extends NewEvent>(
  events: readonly E[],
  context: EventContext | undefined,
): readonly E[] {
  if (context === undefined) return events;
  const { correlationId, causationId, metadata } = context;
  for (const [key, value] of [
    ['correlationId', correlationId],
    ['causationId', causationId],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new ValidationError(`Invalid ${key}: expected a non-empty string`);
    }
  }
  if (
    metadata !== undefined &&
    (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
  ) {
    throw new ValidationError('Invalid metadata: expected a plain object');
  }
  if (correlationId === undefined && causationId === undefined && metadata === undefined) {
    return events;
  }
  const ids: EventMetadata = {};
  if (correlationId !== undefined) ids.correlationId = correlationId;
  if (causationId !== undefined) ids.causationId = causationId;
  // The copies keep the link to their creator's definition, so they are validated as the originals would be.
  return events.map((event) =>
    keepDefinition(event, { ...event, metadata: { ...metadata, ...event.metadata, ...ids } }),
  );
}
