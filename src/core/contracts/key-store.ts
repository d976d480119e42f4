import { ValidationError } from '../errors.js';

/**
 * Where the data keys of crypto-shredding live: one key per subject (the
 * person whose personal data an event carries), and which streams hold data
 * of each subject. The key bytes are opaque to the store: a random 32-byte
 * AES key, or that key wrapped by a {@link KeyWrapper} (a KMS, or a master
 * key). Forgetting a subject deletes its key, so every personal field
 * encrypted under it reads back as erased.
 *
 * Built in: `InMemoryKeyStore` (eventfold), `SqliteKeyStore`
 * (`eventfold/sqlite`, the file of the events) and `PostgresKeyStore`
 * (`eventfold/postgres`, the schema of the events). Implement it to keep keys
 * elsewhere.
 *
 * @example
 * ```ts
 * await using keys: KeyStore = new InMemoryKeyStore();
 * await using store = new InMemoryEventStore({ personalData: { keys } });
 * ```
 */
export interface KeyStore extends AsyncDisposable {
  /** The stored key of each of `subjects` that has one (subjects without a key are absent). */
  load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>>;
  /**
   * Stores `key` as the subject's key unless it already has one; resolves to
   * the key stored, the existing one when another writer came first (so two
   * concurrent appends of a new subject agree on one key).
   */
  create(subject: string, key: Uint8Array): Promise<Uint8Array>;
  /** Records that `streamIds` hold personal data of `subject` (idempotent). */
  track(subject: string, streamIds: readonly string[]): Promise<void>;
  /**
   * Deletes the subject's key and its stream records, as irrecoverably as the
   * backend allows. Resolves to whether it had a key and the streams that
   * held its data (so their snapshots can be deleted too).
   */
  forget(subject: string): Promise<ForgetResult>;
  /**
   * Optional: makes deletions done since on the same database (a forgotten
   * subject's snapshots) as irrecoverable as {@link KeyStore.forget} makes the
   * key: SQLite checkpoints and truncates its write-ahead log, PostgreSQL
   * vacuums the snapshot table. `forgetSubject` calls it after deleting
   * snapshots.
   */
  purge?(): Promise<void>;
  /** Stops the key store; what it owns is released. Idempotent. */
  close(): Promise<void>;
}

/** What {@link KeyStore.forget} did. */
export interface ForgetResult {
  /** Whether the subject had a key (false: nothing was stored for it). */
  readonly forgotten: boolean;
  /** The streams that held personal data of the subject, in no particular order. */
  readonly streams: readonly string[];
}

/**
 * Protects the data keys at rest: the key store then keeps only wrapped keys.
 * Give your KMS's encrypt/decrypt calls (envelope encryption), or use
 * `masterKeyWrapper(masterKey)`. `unwrap` must throw (or reject) for material
 * it did not wrap; the read then fails with a `PersonalDataError`.
 *
 * @example
 * ```ts
 * const wrapper: KeyWrapper = {
 *   wrap: (key, subject) => kms.encrypt(key, { subject }),
 *   unwrap: (wrapped, subject) => kms.decrypt(wrapped, { subject }),
 * };
 * ```
 */
export interface KeyWrapper {
  /** Wraps a fresh 32-byte data key of `subject`. */
  wrap(key: Uint8Array, subject: string): Uint8Array | Promise<Uint8Array>;
  /** Unwraps what {@link KeyWrapper.wrap} returned for `subject`: the 32-byte data key. */
  unwrap(wrapped: Uint8Array, subject: string): Uint8Array | Promise<Uint8Array>;
}

/**
 * Refuses a subject id that is not a non-empty, well-formed string of at most
 * 255 characters with a `ValidationError` (for key store authors).
 *
 * @example
 * ```ts
 * checkSubject('user-42'); // passes
 * checkSubject(''); // throws ValidationError
 * ```
 */
export function checkSubject(subject: unknown): asserts subject is string {
  if (
    typeof subject !== 'string' ||
    subject.length === 0 ||
    subject.length > 255 ||
    !subject.isWellFormed()
  )
    throw new ValidationError(
      'Invalid subject: expected a non-empty string of at most 255 characters',
    );
}
