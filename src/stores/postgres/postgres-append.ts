import type { PreparedAppend } from '../../core/append-input.js';

/** A unique violation on an event id or stream version: another writer won a race, and a retry will see it. */
export function isRacedUniqueViolation(error: unknown, append: PreparedAppend): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return false;
  return (
    constraint === 'events_stream_version_key' ||
    (constraint === 'events_event_id_key' && append.hasProvidedIds)
  );
}
