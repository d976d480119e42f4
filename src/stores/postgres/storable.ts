import type { PreparedAppend } from '../../core/append-input.js';
import { ValidationError } from '../../core/errors.js';

/** A UTF-16 surrogate that is not part of a pair. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * Rejects text PostgreSQL cannot store exactly, before anything is written:
 * `text` columns refuse NUL, and lone surrogates would be replaced when encoded
 * as UTF-8. Stream ids and types are stored as text (data and metadata are JSON,
 * where both are escaped). Throws a {@link ValidationError}.
 */
export function assertStorable(append: PreparedAppend): void {
  if (unstorable(append.streamId)) {
    throw new ValidationError(
      'Invalid stream id: it contains a lone UTF-16 surrogate, which PostgreSQL cannot store',
    );
  }
  for (let i = 0; i < append.events.length; i++) {
    const type = append.events[i]?.type ?? '';
    if (unstorable(type)) {
      throw new ValidationError(
        `Invalid events[${i}].type: it contains a NUL character or a lone UTF-16 surrogate`,
      );
    }
  }
}
