import { v7 as uuidv7 } from 'uuid';
import { InvalidOptionError, ValidationError } from './errors.js';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { definitionOf, isPayloadOnly, type EventType, type NewEvent } from './events.js';
import type { PersonalDataCipher, PersonalFieldsSpec, SealRequest } from './personal-data.js';
import { assertExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { validateEventData, versionOf, type EventRegistry } from './registry.js';
import { readInput } from './read-input.js';
import { checkOption } from './options.js';
import { serializeJson } from './serialization.js';
import { assertStreamId } from './stream-id.js';
import {
  normalizeEventQuery,
  normalizeTags,
  type AppendCondition,
  type NormalizedQuery,
} from './event-query.js';
import type { Position } from './position.js';

/** Default limit on one event's serialised data plus metadata: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** The longest event type accepted. */
export const MAX_EVENT_TYPE_LENGTH = 255;
/** The most events accepted in one append. */
export const MAX_EVENTS_PER_APPEND = 100_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Options of an append: an object (or nothing). A bare expected version in its
 * place (`append(id, events, 0)`) is refused with an `InvalidOptionError`
 * naming `options`: write `{ expectedVersion: 0 }`. A key that is not an
 * option (`expectedVerison`) is refused too, naming it, rather than ignored.
 */
export interface AppendOptions {
  /** The condition on the stream's current version (default `ExpectedVersion.Any`). */
  expectedVersion?: ExpectedVersion;
  /**
   * Fail with an `AppendConditionError`, writing nothing, when an event
   * matching `condition.failIfEventsMatch` exists after `condition.after`.
   */
  condition?: AppendCondition | undefined;
}

/** One stream's part of {@link EventStore.appendMany}. */
export interface AppendManyEntry {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  /** The condition on this stream's current version (default `ExpectedVersion.Any`). */
  readonly expectedVersion?: ExpectedVersion;
}

/** Options of {@link EventStore.appendMany}. */
export interface AppendManyOptions {
  /** As {@link AppendOptions.condition}, for the whole write. */
  condition?: AppendCondition | undefined;
}

/** A condition, checked (for backend authors); `after` is still the caller's position. */
export interface PreparedCondition {
  readonly query: NormalizedQuery;
  readonly after: Position | undefined;
}

/** An `appendMany` call, checked and serialised (for backend authors). */
export interface PreparedAppendMany {
  /** One prepared append per entry, in order; stream ids are distinct. */
  readonly entries: readonly PreparedAppend[];
  readonly condition: PreparedCondition | undefined;
}

/** The most entries accepted in one `appendMany`. */
export const MAX_APPEND_MANY_ENTRIES = 10_000;

/** What every backend needs to check an append: limits and the registry. */
export interface AppendInputSettings {
  readonly registry?: EventRegistry | undefined;
  readonly maxEventBytes?: number | undefined;
  /** Encrypts personal fields (the store's `personalData` option); absent: personal events are refused. */
  readonly personalData?: PersonalDataCipher | undefined;
}

/** One event, checked and serialised, ready for storage (for backend authors). */
export interface PreparedEvent {
  /** A lower-case UUID. */
  readonly id: string;
  /** Whether the caller gave the id (only then can it already be stored). */
  readonly idProvided: boolean;
  readonly type: string;
  /** JSON text of the data. */
  readonly data: string;
  /** JSON text of the metadata, or `null` when there is none. */
  readonly metadata: string | null;
  /** Its tags, distinct (empty when none). */
  readonly tags: readonly string[];
  /**
   * The version of its definition the data has (the current one): absent
   * for version 1, which stores store as NULL.
   */
  readonly schemaVersion?: number;
}

/** A whole append, checked and serialised (for backend authors). */
export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
  /** Whether any event came with its own id, so stored ids must be looked up first. */
  readonly hasProvidedIds: boolean;
  /** The append's condition (`append` only; `appendMany` keeps it on the whole write). */
  readonly condition?: PreparedCondition | undefined;
}

/**
 * Checks and serialises an append's arguments before anything touches storage:
 * stream id, options (an object, not a bare expected version), expected
 * version, each event's shape, type, id, data (through the registry's schema)
 * and size. Throws a {@link ValidationError} (an `InvalidOptionError` for the
 * options) or a `SerializationError`, also when reading the input throws
 * (a getter, a Proxy trap); every backend calls it first.
 *
 * @example
 * ```ts
 * const append = await prepareAppend('Task-1', [{ type: 'TaskCreated', data: {} }], undefined, {});
 * append.events[0]?.data; // '{}'
 * ```
 */
export async function prepareAppend(
  streamId: unknown,
  events: unknown,
  options: AppendOptions | undefined,
  settings: AppendInputSettings,
): Promise<PreparedAppend> {
  assertStreamId(streamId);
  const expectedVersion = expectedVersionOf(options);
  const condition = conditionOf(options, 'options.condition');
  const list = eventList(events);
  const prepared = await prepareEvents(streamId, expectedVersion, list, settings);
  return condition === undefined ? prepared : { ...prepared, condition };
}

/**
 * Checks and serialises an `appendMany` call (see {@link prepareAppend}):
 * a non-empty array of entries with distinct stream ids, each checked as an
 * append (errors name the entry: `entries[1].events[0].data`), and the
 * options' condition. Event ids must be distinct across the whole call.
 */
export async function prepareAppendMany(
  entries: unknown,
  options: AppendManyOptions | undefined,
  settings: AppendInputSettings,
): Promise<PreparedAppendMany> {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  )
    throw new InvalidOptionError('options', options, 'an options object such as { condition }');
  checkOption.knownKeys('options', options, ['condition']);
  const condition = conditionOf(options, 'options.condition');
  const list = readInput(() => {
    if (!Array.isArray(entries) || entries.length === 0)
      throw new ValidationError(
        'Invalid entries: expected a non-empty array of { streamId, events }',
      );
    if (entries.length > MAX_APPEND_MANY_ENTRIES)
      throw new ValidationError(
        `Too many entries in one appendMany: ${entries.length} (at most ${MAX_APPEND_MANY_ENTRIES})`,
      );
    return [...(entries as unknown[])];
  }, 'entries');
  const prepared: PreparedAppend[] = [];
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const at = `entries[${i}]`;
    const entry = list[i];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new ValidationError(`Invalid ${at}: expected { streamId, events, expectedVersion? }`);
    checkOption.knownKeys(at, entry, ['streamId', 'events', 'expectedVersion']);
    const { streamId, events, expectedVersion } = readInput(() => {
      const e = entry as Partial<AppendManyEntry>;
      return { streamId: e.streamId, events: e.events, expectedVersion: e.expectedVersion };
    }, at);
    try {
      assertStreamId(streamId);
      if (streams.has(streamId))
        throw new ValidationError(
          `Invalid ${at}.streamId: "${streamId}" appears twice in this appendMany`,
        );
      streams.add(streamId);
      const version = expectedVersionOf({ expectedVersion });
      const one = await prepareEvents(streamId, version, eventList(events), settings);
      for (const event of one.events) {
        if (ids.has(event.id))
          throw new ValidationError(
            `Invalid event id: ${event.id} appears twice in this appendMany`,
          );
        ids.add(event.id);
      }
      prepared.push(one);
    } catch (error) {
      throw error instanceof ValidationError && !(error instanceof InvalidOptionError)
        ? new ValidationError(`${at}: ${error.message}`, error.issues)
        : error;
    }
  }
  return { entries: prepared, condition };
}

/** The condition of an append's options, checked, or `undefined`. */
function conditionOf(options: unknown, name: string): PreparedCondition | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const condition = readInput(() => (options as AppendOptions).condition, name);
  if (condition === undefined) return undefined;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition))
    throw new InvalidOptionError(name, condition, 'a condition: { failIfEventsMatch, after? }');
  checkOption.knownKeys(name, condition, ['failIfEventsMatch', 'after']);
  const { failIfEventsMatch, after } = readInput(() => {
    const c = condition;
    return { failIfEventsMatch: c.failIfEventsMatch, after: c.after };
  }, name);
  const query = normalizeEventQuery(failIfEventsMatch, `${name}.failIfEventsMatch`);
  if (after !== undefined && typeof after !== 'string')
    throw new InvalidOptionError(`${name}.after`, after, 'a position of this store');
  return { query, after };
}

/** The keys of {@link AppendOptions}. */
const APPEND_OPTIONS: readonly (keyof AppendOptions)[] = ['expectedVersion', 'condition'];

/** The expected version of an append's options, refusing anything but an options object. */
function expectedVersionOf(options: unknown): ExpectedVersion {
  if (options === undefined) return 'any';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      options,
      isExpectedVersion(options)
        ? `an options object: pass { expectedVersion: ${JSON.stringify(options)} }`
        : 'an options object such as { expectedVersion: 0 }',
    );
  }
  checkOption.knownKeys('options', options, APPEND_OPTIONS);
  const given = readInput(
    () => (options as AppendOptions).expectedVersion,
    'options.expectedVersion',
  );
  const expectedVersion: unknown = given === undefined ? 'any' : given;
  assertExpectedVersion(expectedVersion);
  return expectedVersion;
}

function isExpectedVersion(value: unknown): boolean {
  try {
    assertExpectedVersion(value);
    return true;
  } catch {
    return false;
  }
}

/** The events of an append as a real array, read once. */
function eventList(events: unknown): readonly unknown[] {
  return readInput(() => {
    if (!Array.isArray(events))
      throw new ValidationError('Invalid events: expected an array of events');
    if (events.length === 0) throw new ValidationError('Invalid events: the array is empty');
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new ValidationError(
        `Too many events in one append: ${events.length} (at most ${MAX_EVENTS_PER_APPEND})`,
      );
    }
    const list = events as unknown[];
    const copy = new Array<unknown>(list.length);
    for (let i = 0; i < copy.length; i++) copy[i] = list[i];
    return copy;
  }, 'events');
}

async function prepareEvents(
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly unknown[],
  settings: AppendInputSettings,
): Promise<PreparedAppend> {
  const maxBytes = settings.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const registry = settings.registry;
  const prepared: PreparedEvent[] = new Array<PreparedEvent>(events.length);
  const seen = new Set<string>();
  const sealing: { index: number; request: SealRequest; metadataJson: string | null }[] = [];
  let hasProvidedIds = false;
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    const at = `events[${i}]`;
    if (typeof event !== 'object' || event === null)
      throw new ValidationError(`Invalid ${at}: expected an object`);
    const { type, id, metadata, data, tags, definition } = readInput(() => fieldsOf(event), at);
    const personal = definition?.personal;
    if (
      typeof type !== 'string' ||
      type.length === 0 ||
      type.length > MAX_EVENT_TYPE_LENGTH ||
      type.includes('\u0000') ||
      !type.isWellFormed()
    ) {
      throw new ValidationError(
        `Invalid ${at}.type: expected a non-empty string of at most ${MAX_EVENT_TYPE_LENGTH} characters, valid Unicode, without NUL`,
      );
    }
    let eventId: string;
    if (id === undefined) {
      eventId = uuidv7();
    } else {
      if (typeof id !== 'string' || !UUID.test(id))
        throw new ValidationError(`Invalid ${at}.id: expected a UUID`);
      eventId = id.toLowerCase();
      hasProvidedIds = true;
    }
    if (seen.has(eventId))
      throw new ValidationError(`Invalid ${at}.id: ${eventId} appears twice in this append`);
    seen.add(eventId);
    if (data === undefined) throw new ValidationError(`Invalid ${at}.data: it is undefined`);
    if (
      metadata !== undefined &&
      (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    ) {
      throw new ValidationError(`Invalid ${at}.metadata: expected a plain object`);
    }
    const schemaVersion = schemaVersionOf(type, registry, definition, at);
    const validated = validateData(type, data, registry, usableSchema(definition));
    if (validated instanceof Promise) await validated;
    const dataJson = serializeJson(data, `${at}.data`);
    const metadataJson = metadata === undefined ? null : serializeJson(metadata, `${at}.metadata`);
    const spec = personal ?? registry?.get(type)?.personal;
    if (spec !== undefined) {
      sealing.push({
        index: i,
        request: sealRequest(eventId, spec, dataJson, at, settings),
        metadataJson,
      });
    }
    const size =
      Buffer.byteLength(dataJson) + (metadataJson === null ? 0 : Buffer.byteLength(metadataJson));
    if (size > maxBytes) {
      throw new ValidationError(
        `Invalid ${at}: ${size} bytes of data and metadata, at most ${maxBytes} allowed`,
      );
    }
    const one: { -readonly [K in keyof PreparedEvent]: PreparedEvent[K] } = {
      id: eventId,
      idProvided: id !== undefined,
      type,
      data: dataJson,
      metadata: metadataJson,
      tags: normalizeTags(tags, at),
    };
    if (schemaVersion !== 1) one.schemaVersion = schemaVersion;
    prepared[i] = one;
  }
  if (sealing.length > 0) {
    await (settings.personalData as PersonalDataCipher).seal(
      streamId,
      sealing.map((s) => s.request),
    );
    for (const { index, request, metadataJson } of sealing) {
      const data = JSON.stringify(request.data);
      const size =
        Buffer.byteLength(data) + (metadataJson === null ? 0 : Buffer.byteLength(metadataJson));
      if (size > maxBytes) {
        throw new ValidationError(
          `Invalid ${request.at}: ${size} bytes of data (personal fields encrypted) and metadata, at most ${maxBytes} allowed`,
        );
      }
      prepared[index] = { ...(prepared[index] as PreparedEvent), data };
    }
  }
  return { streamId, expectedVersion, events: prepared, hasProvidedIds };
}

/**
 * What to encrypt of one event with personal fields: a fresh copy of its
 * data, which must be a plain object. Refused (`ValidationError`) when the
 * store has no `personalData` option: personal data is never stored in clear.
 */
function sealRequest(
  eventId: string,
  spec: PersonalFieldsSpec,
  dataJson: string,
  at: string,
  settings: AppendInputSettings,
): SealRequest {
  if (settings.personalData === undefined)
    throw new ValidationError(
      `Invalid ${at}: its type has personal fields, and this store has no personalData option (a key store) to encrypt them`,
    );
  const data: unknown = JSON.parse(dataJson);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ValidationError(
      `Invalid ${at}.data: an event with personal fields needs an object as data`,
    );
  return { eventId, spec, data: data as Record<string, unknown>, at };
}

/** The fields of one event, each read once, and the definition of the creator that made it. */
function fieldsOf(event: object): Partial<Record<keyof NewEvent, unknown>> & {
  definition: EventType | undefined;
} {
  const { type, id, metadata, data, tags } = event as Partial<NewEvent>;
  return { type, id, metadata, data, tags, definition: definitionOf(event) };
}

/** The real schema of a creator's definition (not `payload<T>()`), if any. */
function usableSchema(definition: EventType | undefined): StandardSchemaV1 | undefined {
  return definition === undefined || isPayloadOnly(definition.schema)
    ? undefined
    : definition.schema;
}

/**
 * The version an event is stored with: its definition's current version,
 * from the registry when it holds the type, else from the creator that made
 * the event; 1 when neither is known. A creator and a registry that
 * disagree on the version of the same type are refused.
 */
function schemaVersionOf(
  type: string,
  registry: EventRegistry | undefined,
  definition: EventType | undefined,
  at: string,
): number {
  const registered = registry?.get(type);
  const fromRegistry = registered === undefined ? undefined : versionOf(registered);
  const fromCreator = definition === undefined ? undefined : versionOf(definition);
  if (fromRegistry !== undefined && fromCreator !== undefined && fromRegistry !== fromCreator)
    throw new ValidationError(
      `Invalid ${at}: its creator makes version ${fromCreator} of "${type}", but the registry's definition is at version ${fromRegistry}`,
    );
  return fromRegistry ?? fromCreator ?? 1;
}

/**
 * Validates one event's data: through the registry (which also refuses
 * unknown types when strict), and through the schema of the creator that made
 * the event unless the registry already checks that type. The data stored is
 * the data given (the schema's input), never the schema's output.
 */
function validateData(
  type: string,
  data: unknown,
  registry: EventRegistry | undefined,
  schema: StandardSchemaV1 | undefined,
): unknown {
  if (registry !== undefined) {
    const validated = registry.validate(type, data);
    if (schema === undefined || registry.validates(type)) return validated;
  }
  return schema === undefined ? undefined : validateEventData(type, schema, data);
}
