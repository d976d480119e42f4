import { checkSubject, type ForgetResult, type KeyStore } from '../../core/contracts/key-store.js';
import { StoreClosedError, ValidationError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';

/**
 * A {@link KeyStore} in process memory, for tests and the in-memory store:
 * keys are lost when the process ends (so are the in-memory events). A
 * forgotten key's bytes are overwritten with zeros before it is dropped.
 *
 * @example
 * ```ts
 * await using keys = new InMemoryKeyStore();
 * await using store = new InMemoryEventStore({ personalData: { keys } });
 * await keys.forget('user-1');
 * ```
 */
export class InMemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, Uint8Array>();
  readonly #streams = new Map<string, Set<string>>();
  #closed = false;

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    this.#open();
    const out = new Map<string, Uint8Array>();
    for (const subject of subjects) {
      checkSubject(subject);
      const key = this.#keys.get(subject);
      if (key !== undefined) out.set(subject, Uint8Array.from(key));
    }
    return out;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async create(subject: string, key: Uint8Array): Promise<Uint8Array> {
    this.#open();
    checkSubject(subject);
    if (!(key instanceof Uint8Array) || key.length === 0)
      throw new ValidationError('Invalid key: expected a non-empty Uint8Array');
    let stored = this.#keys.get(subject);
    if (stored === undefined) {
      stored = Uint8Array.from(key);
      this.#keys.set(subject, stored);
    }
    return Uint8Array.from(stored);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async track(subject: string, streamIds: readonly string[]): Promise<void> {
    this.#open();
    checkSubject(subject);
    for (const streamId of streamIds) assertStreamId(streamId);
    let streams = this.#streams.get(subject);
    if (streams === undefined) this.#streams.set(subject, (streams = new Set()));
    for (const streamId of streamIds) streams.add(streamId);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async forget(subject: string): Promise<ForgetResult> {
    this.#open();
    checkSubject(subject);
    const key = this.#keys.get(subject);
    key?.fill(0);
    this.#keys.delete(subject);
    const streams = [...(this.#streams.get(subject) ?? [])];
    this.#streams.delete(subject);
    return { forgotten: key !== undefined, streams };
  }

  /** Stops the key store (idempotent); its keys are dropped. */
  close(): Promise<void> {
    this.#closed = true;
    for (const key of this.#keys.values()) key.fill(0);
    this.#keys.clear();
    this.#streams.clear();
    return Promise.resolve();
  }

  /** `await using`: the same as {@link InMemoryKeyStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
