import { categoryOf } from '../../core/stream-id.js';

/**
 * A subject token for any text: its UTF-8 bytes in base64url (no padding), so
 * dots, spaces, `*`, `>` and any Unicode are safe; `_` for the empty text
 * (a token cannot be empty, and `_` alone is never valid base64url).
 */
export function encodeToken(text: string): string {
  return text === '' ? '_' : Buffer.from(text, 'utf8').toString('base64url');
}

/** The text of a token made by {@link encodeToken}. */
export function decodeToken(token: string): string {
  return token === '_' ? '' : Buffer.from(token, 'base64url').toString('utf8');
}

/**
 * The subjects of one event store in its JetStream stream `name`: every
 * message of a stream (its events and its state changes) on
 * `<name>.e.<category>.<stream id>`, each part a token of {@link encodeToken};
 * the parts of an append too large for one message on `<name>.c.<id>`; the
 * records of a scavenge on `<name>.r.<sequence>`.
 */
export class NatsSubjects {
  /** Every message of every stream. */
  readonly all: string;
  /** Every part of a large append. */
  readonly chunks: string;
  /** Every record of a scavenge. */
  readonly removals: string;
  readonly #prefix: string;

  constructor(readonly name: string) {
    this.#prefix = `${name}.e.`;
    this.all = `${name}.e.>`;
    this.chunks = `${name}.c.>`;
    this.removals = `${name}.r.>`;
  }

  /** The subjects the JetStream stream must hold. */
  get streamSubjects(): string[] {
    return [this.all, this.chunks, this.removals];
  }

  /** The subject of one part of a large append. */
  chunk(id: string): string {
    return `${this.name}.c.${id}`;
  }

  /** The subject of the scavenge record of the message at `seq`. */
  removal(seq: number): string {
    return `${this.name}.r.${seq}`;
  }

  /** The subject of one stream's messages. */
  ofStream(streamId: string): string {
    return `${this.#prefix}${encodeToken(categoryOf(streamId))}.${encodeToken(streamId)}`;
  }

  /** The subjects of one category's streams (a wildcard). */
  ofCategory(category: string): string {
    return `${this.#prefix}${encodeToken(category)}.*`;
  }

  /** The stream id of a stream's subject, or `undefined` for another subject. */
  streamIdOf(subject: string): string | undefined {
    if (!subject.startsWith(this.#prefix)) return undefined;
    const rest = subject.slice(this.#prefix.length);
    const dot = rest.indexOf('.');
    return dot === -1 ? undefined : decodeToken(rest.slice(dot + 1));
  }
}
