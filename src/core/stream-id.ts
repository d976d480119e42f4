import { ValidationError } from './errors.js';

/** The longest stream id accepted, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 255;

/** Throws a {@link ValidationError} unless `streamId` is a non-empty string of at most 255 characters, valid Unicode, without NUL. */
export function assertStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string') {
    throw new ValidationError(
      `Invalid stream id: expected a string, got ${streamId === null ? 'null' : typeof streamId}`,
    );
  }
  if (streamId.length === 0) throw new ValidationError('Invalid stream id: it is empty');
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new ValidationError(
      `Invalid stream id: ${streamId.length} characters, at most ${MAX_STREAM_ID_LENGTH} allowed`,
    );
  }
  if (streamId.includes('\u0000'))
    throw new ValidationError('Invalid stream id: it contains a NUL character');
  if (!streamId.isWellFormed()) {
    throw new ValidationError(
      'Invalid stream id: it contains a lone UTF-16 surrogate (not valid Unicode)',
    );
  }
}

/**
 * The category of a stream: the part of its id before the first `-`
 * (`Task-123` → `Task`), or the whole id when it has no `-`.
 */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}
