import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { KeyStore, KeyWrapper } from './contracts/key-store.js';
import { InvalidOptionError, PersonalDataError, ValidationError } from './errors.js';

/** The key that marks a stored personal field's encrypted envelope in the data JSON. */
export const PERSONAL_ENVELOPE_KEY = '~eventfold.personal';
/** The key that marks an erased personal field (see {@link isErased}). */
export const ERASED_KEY = '~eventfold.erased';

const ENVELOPE_TEXT = `"${PERSONAL_ENVELOPE_KEY}"`;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_SUBJECT_LENGTH = 255;

/**
 * Which fields of an event's data are personal, and whose: given to
 * `defineEvent`'s options. `fields` are top-level keys of the data (checked
 * against its type); each is stored encrypted under the key of the subject
 * `subject(data)` returns, a non-empty string of at most 255 characters kept
 * in plain text (in the field's envelope, and wherever the data has it).
 *
 * @example
 * ```ts
 * const UserRegistered = defineEvent('UserRegistered', payload<{ userId: string; email: string; plan: string }>(), {
 *   personal: { subject: (data) => data.userId, fields: ['email'] },
 * });
 * ```
 */
export interface PersonalFields<TData> {
  /** The subject (the person) the personal fields belong to: a stable id, e.g. the user id. */
  readonly subject: (data: TData) => string;
  /** The personal fields: top-level keys of the data, stored encrypted. */
  readonly fields: readonly (keyof TData & string)[];
}

/**
 * What a personal field of a forgotten subject reads back as: a plain,
 * JSON-serialisable object (it survives snapshots and projection state), to
 * be recognised with {@link isErased}. The rest of the event is intact.
 */
export interface ErasedValue {
  /** Always `true`: the marker. */
  readonly '~eventfold.erased': true;
  /** The subject whose key was deleted. */
  readonly subject: string;
}

/**
 * True when `value` is the marker of an erased personal field (its subject was
 * forgotten). Also true for a marker that went through JSON (a snapshot).
 *
 * @example
 * ```ts
 * const email = isErased(event.data.email) ? '(erased)' : event.data.email;
 * ```
 */
export function isErased(value: unknown): value is ErasedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[ERASED_KEY] === true
  );
}

/**
 * True when any top-level field of `data` is erased (see {@link isErased}):
 * such an event's data is not revived through its schema.
 *
 * @example
 * ```ts
 * if (hasErasedFields(event.data)) console.log('personal data of this event was forgotten');
 * ```
 */
export function hasErasedFields(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  for (const key in data) if (isErased((data as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * The store option that turns crypto-shredding on: where the subjects' data
 * keys live and, optionally, how they are wrapped at rest. Every event whose
 * definition (the creator's, or the registry's for its type) declares
 * personal fields is then stored with those fields encrypted (AES-256-GCM);
 * a store without this option refuses such events.
 *
 * @example
 * ```ts
 * const keys = new InMemoryKeyStore();
 * const store = new InMemoryEventStore({ personalData: { keys, wrapper: masterKeyWrapper(masterKey) } });
 * ```
 */
export interface PersonalDataOptions {
  /** Where the data keys live (`InMemoryKeyStore`, `SqliteKeyStore`, `PostgresKeyStore` or your own). */
  readonly keys: KeyStore;
  /** Wraps each data key before the key store keeps it (a KMS hook, or {@link masterKeyWrapper}). */
  readonly wrapper?: KeyWrapper | undefined;
}

/**
 * A {@link KeyWrapper} that encrypts each data key under `masterKey` (32 bytes)
 * with AES-256-GCM, bound to its subject: the key store then holds only
 * wrapped keys, useless without the master key. Throws an
 * `InvalidOptionError` unless `masterKey` has 32 bytes.
 *
 * @example
 * ```ts
 * const wrapper = masterKeyWrapper(Buffer.from(process.env.EVENTFOLD_MASTER_KEY ?? '', 'base64'));
 * ```
 */
export function masterKeyWrapper(masterKey: Uint8Array): KeyWrapper {
  if (!(masterKey instanceof Uint8Array) || masterKey.length !== KEY_BYTES)
    throw new InvalidOptionError('masterKey', masterKey, 'a Uint8Array of 32 bytes');
  const master = Buffer.from(masterKey);
  const aad = (subject: string) => Buffer.from(`eventfold.key:v1\u0000${subject}`);
  return {
    wrap(key, subject) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', master, iv);
      cipher.setAAD(aad(subject));
      return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    },
    unwrap(wrapped, subject) {
      const bytes = Buffer.from(wrapped);
      if (bytes.length < IV_BYTES + TAG_BYTES)
        throw new PersonalDataError(`The wrapped key of subject "${subject}" is too short`);
      const decipher = createDecipheriv('aes-256-gcm', master, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(aad(subject));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch (cause) {
        throw new PersonalDataError(
          `The key of subject "${subject}" cannot be unwrapped with this master key`,
          undefined,
          { cause },
        );
      }
    },
  };
}

/** What a definition's personal fields look like once checked (any data type). */
export interface PersonalFieldsSpec {
  readonly subject: (data: never) => string;
  readonly fields: readonly string[];
}

/**
 * Checks the `personal` option of `defineEvent`: an `InvalidOptionError` for
 * a bad one.
 *
 * @internal
 */
export function checkPersonalFields(personal: unknown): PersonalFieldsSpec | undefined {
  if (personal === undefined) return undefined;
  if (typeof personal !== 'object' || personal === null)
    throw new InvalidOptionError('personal', personal, 'an object { subject, fields }');
  const { subject, fields } = personal as { subject?: unknown; fields?: unknown };
  if (typeof subject !== 'function')
    throw new InvalidOptionError('personal.subject', subject, 'a function of the data');
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    fields.some((f) => typeof f !== 'string' || f.length === 0) ||
    new Set(fields).size !== fields.length
  )
    throw new InvalidOptionError(
      'personal.fields',
      fields,
      'a non-empty array of distinct field names',
    );
  return Object.freeze({
    subject: subject as PersonalFieldsSpec['subject'],
    fields: Object.freeze([...(fields as string[])]),
  });
}

/** One event's data to encrypt on append. */
export interface SealRequest {
  readonly eventId: string;
  readonly spec: PersonalFieldsSpec;
  /** The data, a fresh plain copy (parsed from its JSON): fields are replaced in place. */
  readonly data: Record<string, unknown>;
  /** Where the event is in the append, for messages (`events[2]`). */
  readonly at: string;
}

/** One recorded event whose data holds envelopes, to decrypt on read. */
export interface OpenRequest {
  readonly eventId: string;
  /** The parsed data: envelopes are replaced in place by values or erased markers. */
  readonly data: unknown;
}

interface Envelope {
  readonly subject: string;
  /** The id of the key it was sealed under (a fingerprint of the stored key). */
  readonly keyId: string;
  readonly iv: Buffer;
  readonly sealed: Buffer;
}

/**
 * Encrypts and decrypts personal fields with the keys of a {@link KeyStore}
 * (for backend authors: `resolveEventStoreOptions` makes one from the
 * `personalData` option; `prepareAppend` seals with it and
 * `toRecordedEvents` opens with it).
 *
 * @example
 * ```ts
 * const { personalData } = resolveEventStoreOptions({ personalData: { keys } });
 * const events = await toRecordedEvents(rows, registry, personalData);
 * ```
 */
export class PersonalDataCipher {
  /** Where the data keys live. */
  readonly keys: KeyStore;
  readonly #wrapper: KeyWrapper | undefined;

  /** Uses the key store and optional wrapper of a `personalData` option. */
  constructor(options: PersonalDataOptions) {
    this.keys = options.keys;
    this.#wrapper = options.wrapper;
  }

  /** Whether a stored data JSON text may hold envelopes (a cheap test before parsing for them). */
  static mayHoldEnvelopes(json: string): boolean {
    return json.includes(ENVELOPE_TEXT);
  }

  /**
   * Replaces the personal fields of each request's data by envelopes encrypted
   * under its subject's key (created on first use), and records the stream as
   * holding each subject's data. Throws a `ValidationError` for a bad subject.
   */
  async seal(streamId: string, requests: readonly SealRequest[]): Promise<void> {
    const subjects = requests.map((r) => subjectOf(r));
    const keys = await this.#keysFor([...new Set(subjects)], true);
    for (let i = 0; i < requests.length; i++) {
      const { eventId, spec, data } = requests[i] as SealRequest;
      const subject = subjects[i] as string;
      const key = keys.get(subject) as DataKey;
      for (const field of spec.fields) {
        if (!Object.hasOwn(data, field)) continue;
        data[field] = sealValue(key, eventId, field, subject, data[field]);
      }
    }
    for (const subject of new Set(subjects)) await this.keys.track(subject, [streamId]);
  }

  /**
   * Decrypts the envelopes of each request's data in place; a forgotten
   * subject's field becomes an {@link ErasedValue}. Resolves to the requests
   * whose data has an erased field. Throws a `PersonalDataError` for a
   * tampered envelope or a wrong key.
   */
  async open(requests: readonly OpenRequest[]): Promise<Set<OpenRequest>> {
    const found: { request: OpenRequest; field: string; envelope: Envelope }[] = [];
    for (const request of requests) {
      const { data } = request;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
      for (const field in data) {
        const value = (data as Record<string, unknown>)[field];
        if (isEnvelopeLike(value))
          found.push({ request, field, envelope: envelopeOf(value, request.eventId, field) });
      }
    }
    const erased = new Set<OpenRequest>();
    if (found.length === 0) return erased;
    const keys = await this.#keysFor([...new Set(found.map((f) => f.envelope.subject))], false);
    for (const { request, field, envelope } of found) {
      const key = keys.get(envelope.subject);
      const data = request.data as Record<string, unknown>;
      // No key, or a newer key than the one it was sealed under: the key it needs was forgotten.
      if (key === undefined || key.id !== envelope.keyId) {
        data[field] = { [ERASED_KEY]: true, subject: envelope.subject };
        erased.add(request);
      } else {
        data[field] = openValue(key, request.eventId, field, envelope);
      }
    }
    return erased;
  }

  /** The unwrapped keys of `subjects`; with `create`, a subject without one gets a new key. */
  async #keysFor(subjects: readonly string[], create: boolean): Promise<Map<string, DataKey>> {
    const stored = await this.keys.load(subjects);
    const out = new Map<string, DataKey>();
    for (const subject of subjects) {
      let material = stored.get(subject);
      if (material === undefined) {
        if (!create) continue;
        const fresh = randomBytes(KEY_BYTES);
        const wrapped =
          this.#wrapper === undefined ? fresh : await this.#wrapper.wrap(fresh, subject);
        material = await this.keys.create(subject, wrapped);
      }
      out.set(subject, { id: keyIdOf(material), key: await this.#unwrap(material, subject) });
    }
    return out;
  }

  async #unwrap(material: Uint8Array, subject: string): Promise<Buffer> {
    let key: Uint8Array;
    try {
      key = this.#wrapper === undefined ? material : await this.#wrapper.unwrap(material, subject);
    } catch (cause) {
      if (cause instanceof PersonalDataError) throw cause;
      throw new PersonalDataError(
        `The key of subject "${subject}" cannot be unwrapped`,
        undefined,
        {
          cause,
        },
      );
    }
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES)
      throw new PersonalDataError(`The key of subject "${subject}" is not 32 bytes`);
    return Buffer.from(key);
  }
}

function subjectOf(request: SealRequest): string {
  let subject: unknown;
  try {
    subject = request.spec.subject(request.data as never);
  } catch (cause) {
    throw new ValidationError(
      `Invalid ${request.at}.data: the personal data's subject function threw: ${String(cause)}`,
    );
  }
  if (
    typeof subject !== 'string' ||
    subject.length === 0 ||
    subject.length > MAX_SUBJECT_LENGTH ||
    !subject.isWellFormed()
  )
    throw new ValidationError(
      `Invalid ${request.at}.data: the personal data's subject must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters`,
    );
  return subject;
}

/** A subject's data key, unwrapped, with the id its envelopes name. */
interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The id of a stored key: 12 bytes of a SHA-256 of its stored material
 * (base64). Envelopes name it, so a subject forgotten and given a new key
 * reads its old fields as erased rather than failing to decrypt them.
 */
function keyIdOf(material: Uint8Array): string {
  return createHash('sha256')
    .update('eventfold.key-id:v1')
    .update(material)
    .digest()
    .subarray(0, 12)
    .toString('base64');
}

function aad(eventId: string, field: string, subject: string, keyId: string): Buffer {
  return Buffer.from(
    `eventfold.personal:v1\u0000${eventId}\u0000${field}\u0000${subject}\u0000${keyId}`,
  );
}

function sealValue(
  { id, key }: DataKey,
  eventId: string,
  field: string,
  subject: string,
  value: unknown,
): Record<string, unknown> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(eventId, field, subject, id));
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(value), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return {
    [PERSONAL_ENVELOPE_KEY]: 1,
    s: subject,
    k: id,
    iv: iv.toString('base64'),
    ct: sealed.toString('base64'),
  };
}

function openValue({ key }: DataKey, eventId: string, field: string, envelope: Envelope): unknown {
  const { subject, iv, sealed, keyId } = envelope;
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad(eventId, field, subject, keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  let text: string;
  try {
    text = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (cause) {
    throw new PersonalDataError(
      `Personal field "${field}" of event ${eventId} does not decrypt: tampered, moved or under another key`,
      eventId,
      { cause },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new PersonalDataError(
      `Personal field "${field}" of event ${eventId} is not JSON`,
      eventId,
      { cause },
    );
  }
}

function isEnvelopeLike(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, PERSONAL_ENVELOPE_KEY)
  );
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function envelopeOf(value: Record<string, unknown>, eventId: string, field: string): Envelope {
  const { s, k, iv, ct } = value;
  const version = value[PERSONAL_ENVELOPE_KEY];
  if (
    version !== 1 ||
    typeof s !== 'string' ||
    s.length === 0 ||
    typeof k !== 'string' ||
    typeof iv !== 'string' ||
    typeof ct !== 'string' ||
    !BASE64.test(iv) ||
    !BASE64.test(ct)
  )
    throw new PersonalDataError(
      `Personal field "${field}" of event ${eventId} has a malformed envelope`,
      eventId,
    );
  const ivBytes = Buffer.from(iv, 'base64');
  const sealed = Buffer.from(ct, 'base64');
  if (ivBytes.length !== IV_BYTES || sealed.length < TAG_BYTES)
    throw new PersonalDataError(
      `Personal field "${field}" of event ${eventId} has a malformed envelope`,
      eventId,
    );
  return { subject: s, keyId: k, iv: ivBytes, sealed };
}
