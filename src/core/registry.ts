import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SerializationError, ValidationError } from './errors.js';
import { isPayloadOnly, type EventType, type UpcastStep } from './events.js';
import { STREAM_DELETED_EVENT_TYPE } from './stream-deletion.js';

/** Options of an {@link EventRegistry}. */
export interface EventRegistryOptions {
  /** Reject events of unregistered types on append and on read (default `false`: keep them as raw data). */
  strict?: boolean;
}

/**
 * The event types a store knows: used to validate data before an append and to
 * revive data read back through each type's schema. For versioned
 * definitions it also upcasts older events on read (see `defineEvent`'s
 * `upcasters` and `renamedFrom`): an event stored at an older version, or
 * under a former name of its type, comes back at the current version and
 * under the current name. A store reads its registry on every call, so
 * definitions registered later apply to later reads.
 *
 * @example
 * ```ts
 * const registry = new EventRegistry([TaskCreated, TaskCompleted], { strict: true });
 * const store = new InMemoryEventStore({ registry });
 * ```
 */
export class EventRegistry {
  /** Whether unknown event types are rejected. */
  readonly strict: boolean;
  readonly #definitions = new Map<string, EventType>();
  /** Former names → the definition that now holds them. */
  readonly #formerNames = new Map<string, EventType>();
  #needsRevive: boolean;

  constructor(definitions: readonly EventType[] = [], options: EventRegistryOptions = {}) {
    this.strict = options.strict ?? false;
    this.#needsRevive = this.strict;
    this.register(...definitions);
  }

  /**
   * Adds event definitions. Registering a different definition under a type
   * already taken throws a {@link ValidationError}, as does a former name
   * (`renamedFrom`) that is another definition's type or former name, or a
   * definition whose version does not match its upcasters.
   */
  register(...definitions: readonly EventType[]): this {
    for (const definition of definitions) {
      const existing = this.#definitions.get(definition.type);
      if (existing === definition) continue;
      if (existing !== undefined || this.#formerNames.has(definition.type)) {
        throw new ValidationError(
          `Event type "${definition.type}" is already registered with another definition`,
        );
      }
      const version = versionOf(definition);
      if (version !== (definition.upcasters?.length ?? 0) + 1)
        throw new ValidationError(
          `Event type "${definition.type}" has version ${String(definition.version)} but ${definition.upcasters?.length ?? 0} upcaster(s): expected the number of upcasters plus one`,
        );
      for (const name of definition.renamedFrom ?? []) {
        const holder = this.#definitions.get(name) ?? this.#formerNames.get(name);
        if (holder !== undefined || name === definition.type)
          throw new ValidationError(
            `Event type "${definition.type}" cannot take the former name "${name}": it is already registered`,
          );
      }
      this.#definitions.set(definition.type, definition);
      for (const name of definition.renamedFrom ?? []) this.#formerNames.set(name, definition);
    }
    this.#refresh();
    return this;
  }

  /** Removes the definition of `type` (and its former names); returns whether there was one. */
  unregister(type: string): boolean {
    const definition = this.#definitions.get(type);
    if (definition === undefined) return false;
    this.#definitions.delete(type);
    for (const name of definition.renamedFrom ?? []) this.#formerNames.delete(name);
    this.#refresh();
    return true;
  }

  /** The registered definitions, in registration order. */
  list(): EventType[] {
    return [...this.#definitions.values()];
  }

  /** The definition of `type`, if registered (current names only; see {@link EventRegistry.resolve}). */
  get(type: string): EventType | undefined {
    return this.#definitions.get(type);
  }

  /**
   * The definition a stored event of `type` is read as: the definition of
   * that type, or the one that lists it among its former names.
   */
  resolve(type: string): EventType | undefined {
    return this.#definitions.get(type) ?? this.#formerNames.get(type);
  }

  /** Whether `type` is registered. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /**
   * The type names stored events of `type` may have: `type`, then the former
   * names of its definition. Stores widen type filters (`readAll`,
   * `readByQuery`, conditions, subscriptions) with them, so a filter on the
   * current name also finds events stored under a former one.
   */
  storedNamesOf(type: string): readonly string[] {
    const former = this.#definitions.get(type)?.renamedFrom;
    return former === undefined || former.length === 0 ? [type] : [type, ...former];
  }

  /** Whether any registered definition has former names (`renamedFrom`). */
  get hasFormerNames(): boolean {
    return this.#formerNames.size > 0;
  }

  /**
   * Validates the data of an event about to be appended against its type's
   * schema and returns the schema's output (an append stores the data as
   * given, the schema's input). Throws a {@link ValidationError}: the data
   * does not match, or the type is unknown to a strict registry.
   */
  validate(type: string, data: unknown): unknown {
    const renamed = this.#formerNames.get(type);
    if (renamed !== undefined)
      throw new ValidationError(
        `Event type "${type}" was renamed to "${renamed.type}": append "${renamed.type}" events instead`,
      );
    const schema = this.#schemaFor(
      type,
      () => new ValidationError(`Unknown event type "${type}" (the registry is strict)`),
    );
    if (schema === undefined) return data;
    return validateEventData(type, schema, data);
  }

  /** Whether {@link EventRegistry.validate} checks `type` against a real schema (not `payload<T>()`). */
  validates(type: string): boolean {
    return !isPayloadOnly(this.#definitions.get(type)?.schema);
  }

  /**
   * Revives data read back from storage through its type's schema. Throws a
   * {@link SerializationError} when stored data no longer matches.
   */
  revive(type: string, data: unknown): unknown {
    const schema = this.#schemaFor(
      type,
      () =>
        new SerializationError(
          `Stored event has unknown type "${type}" (the registry is strict)`,
          'type',
        ),
    );
    if (schema === undefined) return data;
    return settle(schema['~standard'].validate(data), (result) => {
      if (result.issues === undefined) return result.value;
      throw new SerializationError(
        `Stored event "${type}" does not match its schema: ${summarise(result.issues)}`,
        'data',
      );
    });
  }

  /**
   * Brings data stored as version `storedVersion` of type `type` to the
   * current version of the definition that reads it (see
   * {@link EventRegistry.resolve}), then revives it through the schema
   * (unless `revive` is false: data with erased personal fields, which a
   * schema would refuse): the current type name, data and version. Without a definition the
   * event is returned as stored (a strict registry throws). Throws a
   * {@link SerializationError} naming the event (`where()`, such as
   * `Task-1@3`, called only then) when it was stored at a newer version
   * than the definition's (written by a newer program) or at no valid
   * version, when an upcaster throws or returns a promise, or when the
   * result does not match the schema.
   */
  upcast(
    type: string,
    storedVersion: number,
    data: unknown,
    where: () => string,
    revive = true,
  ): UpcastResult | Promise<UpcastResult> {
    const definition = this.resolve(type);
    if (definition === undefined) {
      if (this.strict && type !== STREAM_DELETED_EVENT_TYPE)
        throw new SerializationError(
          `Stored event has unknown type "${type}" (the registry is strict)`,
          'type',
        );
      return { type, data, version: storedVersion };
    }
    const current = versionOf(definition);
    if (!Number.isInteger(storedVersion) || storedVersion < 1)
      throw new SerializationError(
        `Stored event "${type}" at ${where()} has an invalid version: ${String(storedVersion)}`,
        `${where()}.schemaVersion`,
      );
    if (storedVersion > current)
      throw new SerializationError(
        `Stored event "${type}" at ${where()} has version ${storedVersion}, but this program's definition of "${definition.type}" is at version ${current}: it was written by a newer program`,
        `${where()}.schemaVersion`,
      );
    let value = data;
    const steps = definition.upcasters ?? [];
    for (let v = storedVersion; v < current; v++) {
      value = runStep(steps[v - 1] as UpcastStep, value, type, v, where);
    }
    const name = definition.type;
    if (!revive) return { type: name, data: value, version: current };
    const revived = this.revive(name, value);
    return revived instanceof Promise
      ? (revived as Promise<unknown>).then((d) => ({ type: name, data: d, version: current }))
      : { type: name, data: revived, version: current };
  }

  /**
   * Whether reading needs {@link EventRegistry.upcast} at all: false when no
   * type has a real schema, versions or former names and the registry is lenient.
   */
  get needsRevive(): boolean {
    return this.#needsRevive;
  }

  #refresh(): void {
    this.#needsRevive =
      this.strict ||
      this.#formerNames.size > 0 ||
      [...this.#definitions.values()].some((d) => !isPayloadOnly(d.schema) || versionOf(d) > 1);
  }

  #schemaFor(type: string, unknownError: () => Error): StandardSchemaV1 | undefined {
    const definition = this.#definitions.get(type);
    if (definition === undefined) {
      if (this.strict && type !== STREAM_DELETED_EVENT_TYPE) throw unknownError();
      return undefined;
    }
    return isPayloadOnly(definition.schema) ? undefined : definition.schema;
  }
}

/** An event read through a registry: its current type name, data and version. */
export interface UpcastResult {
  /** The current type name (the definition's, when the event was stored under a former one). */
  readonly type: string;
  /** The data at the current version, revived through the schema. */
  readonly data: unknown;
  /** The version the data now has: the definition's current one (the stored one for an unknown type). */
  readonly version: number;
}

/** The current version of a definition (1 when it declares none). */
export function versionOf(definition: EventType): number {
  return definition.version ?? 1;
}

function runStep(
  step: UpcastStep,
  data: unknown,
  type: string,
  from: number,
  where: () => string,
): unknown {
  let out: unknown;
  try {
    out = step(data);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SerializationError(
      `Upcasting stored event "${type}" at ${where()} from version ${from} to ${from + 1} failed: ${reason}`,
      `${where()}.data`,
      { cause },
    );
  }
  if (out instanceof Promise)
    throw new SerializationError(
      `Upcasting stored event "${type}" at ${where()} from version ${from} to ${from + 1} returned a promise: upcasters must be synchronous`,
      `${where()}.data`,
    );
  return out;
}

/**
 * Validates the data of an event of `type` against `schema`: the schema's
 * output, or a promise of it for an asynchronous schema. Throws (or rejects
 * with) a {@link ValidationError} naming the type and each issue's path.
 *
 * @internal
 */
export function validateEventData(type: string, schema: StandardSchemaV1, data: unknown): unknown {
  return settle(schema['~standard'].validate(data), (result) => {
    if (result.issues === undefined) return result.value;
    throw new ValidationError(
      `Invalid data for event "${type}": ${summarise(result.issues)}`,
      issuesOf(result.issues),
    );
  });
}

/** Applies `then` to a value or to a promise of one, staying synchronous when possible. */
function settle<T, R>(value: T | Promise<T>, then: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

function issuesOf(issues: readonly StandardSchemaV1.Issue[]) {
  return issues.map((issue) => ({
    message: issue.message,
    path: (issue.path ?? [])
      .map((p) => (typeof p === 'object' ? p.key : p))
      .filter((k): k is string | number => typeof k === 'string' || typeof k === 'number'),
  }));
}

function summarise(issues: readonly StandardSchemaV1.Issue[]): string {
  return issuesOf(issues)
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
