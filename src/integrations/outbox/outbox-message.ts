import type { RecordedEvent } from '../../core/events.js';
import { categoryOf } from '../../core/stream-id.js';

/**
 * An event as the publishers send it, one JSON document (the RabbitMQ and
 * NATS message body; the Redis stream entry holds the same fields, `data`
 * and `metadata` as JSON text).
 *
 * @example
 * ```ts
 * import type { OutboxMessage } from 'eventfold/outbox';
 * const body: OutboxMessage = JSON.parse('{"id":"1","type":"T","streamId":"S-1","category":"S","version":1,"position":"1","data":{},"metadata":{},"recordedAt":"2025-01-01T00:00:00.000Z"}');
 * console.log(body.streamId, body.version);
 * ```
 */
export interface OutboxMessage {
  /** The event id: the broker's (or the consumer's) dedup id. */
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  /** The stream's category (`Order` for `Order-1`). */
  readonly category: string;
  readonly version: number;
  /** The event's position in the store's global feed. */
  readonly position: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** When it was recorded (ISO 8601). */
  readonly recordedAt: string;
}

/**
 * The message of `event` (see {@link OutboxMessage}).
 *
 * @example
 * ```ts
 * import { InMemoryEventStore } from 'eventfold';
 * import { toOutboxMessage } from 'eventfold/outbox';
 * const store = new InMemoryEventStore();
 * await store.append('Order-1', [{ type: 'OrderPlaced', data: { total: 3 } }]);
 * const { events } = await store.read('Order-1');
 * console.log(toOutboxMessage(events[0]!).category); // Order
 * ```
 */
export function toOutboxMessage(event: RecordedEvent): OutboxMessage {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    category: categoryOf(event.streamId),
    version: event.version,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
}

/**
 * Fills a template's `{category}`, `{type}` and `{streamId}` from `event`,
 * each made safe by `clean` (a NATS subject token, say).
 *
 * @internal
 */
export function fillTemplate(
  template: string,
  event: RecordedEvent,
  clean: (part: string) => string = (part) => part,
): string {
  return template.replace(/\{(category|type|streamId)\}/g, (_, key: string) =>
    clean(
      key === 'category'
        ? categoryOf(event.streamId)
        : key === 'type'
          ? event.type
          : event.streamId,
    ),
  );
}
