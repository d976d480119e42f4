import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SerializationError, ValidationError } from './errors.js';
import { isPayloadOnly, type EventType } from './events.js';

/** Options of an {@link EventRegistry}. */
export interface EventRegistryOptions {
  /** Reject events of unregistered types on append and on read (default `false`: keep them as raw data). */
  strict?: boolean;
}

/**
 * The event types a store knows: used to validate data before an append and to
 * revive data read back through each type's schema.
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

  constructor(definitions: readonly EventType[] = [], options: EventRegistryOptions = {}) {
    this.strict = options.strict ?? false;
    this.register(...definitions);
  }

  /** Adds event definitions. Registering a different definition under a type already taken throws. */
  register(...definitions: readonly EventType[]): this {
    for (const definition of definitions) {
      const existing = this.#definitions.get(definition.type);
      if (existing !== undefined && existing !== definition) {
        throw new ValidationError(
          `Event type "${definition.type}" is already registered with another definition`,
        );
      }
      this.#definitions.set(definition.type, definition);
    }
    return this;
  }

  /** Removes the definition of `type`; returns whether there was one. */
  unregister(type: string): boolean {
    return this.#definitions.delete(type);
  }

  /** The registered definitions, in registration order. */
  list(): EventType[] {
    return [...this.#definitions.values()];
  }

  /** The definition of `type`, if registered. */
  get(type: string): EventType | undefined {
    return this.#definitions.get(type);
  }

  /** Whether `type` is registered. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /**
   * Validates the data of an event about to be appended against its type's
   * schema and returns the schema's output (an append stores the data as
   * given, the schema's input). Throws a {@link ValidationError}: the data
   * does not match, or the type is unknown to a strict registry.
   */
  validate(type: string, data: unknown): unknown {
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

  /** Whether reading needs {@link EventRegistry.revive} at all (false when no type has a real schema and the registry is lenient). */
  get needsRevive(): boolean {
    return this.strict || [...this.#definitions.values()].some((d) => !isPayloadOnly(d.schema));
  }

  #schemaFor(type: string, unknownError: () => Error): StandardSchemaV1 | undefined {
    const definition = this.#definitions.get(type);
    if (definition === undefined) {
      if (this.strict) throw unknownError();
      return undefined;
    }
    return isPayloadOnly(definition.schema) ? undefined : definition.schema;
  }
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
