/**
 * The error hierarchy of eventfold. Every error thrown by the library is an
 * {@link EventfoldError} with a stable string `code`; subclasses add the fields
 * that describe the failure. Use the static `is` guards (for example
 * `ConcurrencyError.is(err)`) rather than `instanceof` when two copies of the
 * package may be loaded: the guards recognise errors from either copy.
 *
 * @module
 */

const CODES = Symbol.for('eventfold.error.codes');

/**
 * The codes of the core's errors. Each layer owns its codes: the aggregates
 * (`AGGREGATE_NOT_FOUND`, `UNHANDLED_EVENT`) and subscriptions (`HANDLER_FAILED`)
 * declare theirs beside their errors.
 */
export type CoreErrorCode =
  | 'EVENTFOLD_ERROR'
  | 'CONCURRENCY'
  | 'EVENT_ID_CONFLICT'
  | 'STREAM_NOT_FOUND'
  | 'SERIALIZATION'
  | 'VALIDATION'
  | 'INVALID_OPTION'
  | 'DATABASE'
  | 'STORE_CLOSED'
  | 'MIGRATION'
  | 'CHECKPOINT_CONFLICT'
  | 'SYNCHRONOUS_TRANSACTION'
  | 'MISSING_DEPENDENCY'
  | 'APPEND_CONDITION'
  | 'UNSUPPORTED_WRITE'
  | 'PERSONAL_DATA'
  | 'STREAM_DELETED'
  | 'DOCUMENT_EXISTS'
  | 'DOCUMENT_NOT_FOUND';

interface Tagged {
  [CODES]?: readonly string[];
}

/**
 * Base class of every error thrown by eventfold.
 *
 * @example
 * ```ts
 * try { await store.append(id, events) } catch (e) {
 *   if (EventfoldError.is(e)) console.error(e.code, e.message);
 * }
 * ```
 */
export class EventfoldError extends Error {
  /** The code of this class; instances carry it as `code`. */
  static readonly code: string = 'EVENTFOLD_ERROR';
  /** A stable, machine-readable code (`'CONCURRENCY'`, `'VALIDATION'`, …). */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { code: string; name: string };
    this.code = ctor.code;
    this.name = ctor.name;
    // Record the code of every class in the chain so guards work across package copies.
    const codes: string[] = [];
    let proto: unknown = new.target;
    while (typeof proto === 'function' && 'code' in proto) {
      codes.push((proto as { code: string }).code);
      proto = Object.getPrototypeOf(proto);
    }
    Object.defineProperty(this, CODES, { value: Object.freeze(codes), enumerable: false });
  }

  /** True when `value` is an error of this class (or a subclass), from any copy of eventfold. */
  static is<T extends abstract new (...args: never[]) => EventfoldError>(
    this: T & { code: string },
    value: unknown,
  ): value is InstanceType<T> {
    if (value instanceof this) return true;
    if (typeof value !== 'object' || value === null) return false;
    const codes = (value as Tagged)[CODES];
    return Array.isArray(codes) && codes.includes(this.code);
  }
}

/**
 * The stream was deleted for good (`deleteStream(id, { hard: true })`): its
 * tombstone refuses every later append, read, truncation and deletion of it.
 *
 * @example
 * ```ts
 * try { await store.read('Task-1') } catch (e) {
 *   if (StreamDeletedError.is(e)) console.log(`${e.streamId} was deleted for good`);
 * }
 * ```
 */
export class StreamDeletedError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'STREAM_DELETED';
  /** The deleted stream. */
  readonly streamId: string;

  constructor(streamId: string, message?: string) {
    super(message ?? `Stream "${streamId}" was deleted for good (hard delete)`);
    this.streamId = streamId;
  }
}

/**
 * An append's expected version did not match the stream's actual version, read
 * from storage inside the append's transaction. Exported also as
 * `OptimisticLockError`, the name eventsource's tutorial uses.
 */
export class ConcurrencyError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'CONCURRENCY';
  /** The stream the append targeted. */
  readonly streamId: string;
  /** The expected version the caller passed (`'any'`, `'no_stream'`, `'stream_exists'` or a number). */
  readonly expectedVersion: number | string;
  /** The stream's version in storage when the append was rejected (0 for a stream with no events). */
  readonly actualVersion: number;

  constructor(
    streamId: string,
    expectedVersion: number | string,
    actualVersion: number,
    message?: string,
  ) {
    super(
      message ??
        `Concurrency conflict on stream "${streamId}": expected version ${String(expectedVersion)}, actual version ${actualVersion}`,
    );
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** eventsource's name for {@link ConcurrencyError}; the same class. */
export const OptimisticLockError = ConcurrencyError;
/** eventsource's name for {@link ConcurrencyError}; the same class. */
export type OptimisticLockError = ConcurrencyError;

/**
 * A conditional append found an event matching its condition's query after
 * the condition's position (someone else decided first): nothing was written.
 * Read again with the same query, decide again, and retry with the new position.
 *
 * @example
 * ```ts
 * try {
 *   await store.append('Student-s1', [subscribed], { condition: { failIfEventsMatch: query, after: position } });
 * } catch (e) {
 *   if (AppendConditionError.is(e)) console.log('decided on stale data: read and decide again');
 * }
 * ```
 */
export class AppendConditionError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'APPEND_CONDITION';
  /** The condition's `after` (`undefined`: the whole store was checked). */
  readonly after: string | undefined;
  /** The streams the append would have written. */
  readonly streamIds: readonly string[];

  constructor(streamIds: readonly string[], after: string | undefined, message?: string) {
    super(
      message ??
        `Append condition failed: an event matching the condition's query was appended ${after === undefined ? 'already' : `after position ${after}`} (streams ${streamIds.map((s) => `"${s}"`).join(', ')} not written)`,
    );
    this.after = after;
    this.streamIds = streamIds;
  }
}

/**
 * A write the store's backend cannot make all-or-nothing, refused before
 * anything was written: an `appendMany` over several streams where
 * `capabilities.atomicMultiStreamAppends` is false (NATS JetStream).
 *
 * @example
 * ```ts
 * try { await store.appendMany(entries) } catch (e) {
 *   if (UnsupportedWriteError.is(e)) for (const entry of entries) await store.append(entry.streamId, entry.events);
 * }
 * ```
 */
export class UnsupportedWriteError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'UNSUPPORTED_WRITE';
}

/**
 * Some of the appended event ids are already stored, but not as the same
 * events at the same positions of the same stream (a partial or different
 * overlap), so the append is neither new nor an idempotent retry.
 */
export class EventIdConflictError extends ConcurrencyError {
  static override readonly code: CoreErrorCode = 'EVENT_ID_CONFLICT';
  /** The ids that are already stored. */
  readonly conflictingIds: readonly string[];

  constructor(
    streamId: string,
    expectedVersion: number | string,
    actualVersion: number,
    conflictingIds: readonly string[],
  ) {
    super(
      streamId,
      expectedVersion,
      actualVersion,
      `Event id conflict on stream "${streamId}": ${conflictingIds.length} event id(s) already stored elsewhere or at other positions (${conflictingIds.slice(0, 3).join(', ')}${conflictingIds.length > 3 ? ', …' : ''})`,
    );
    this.conflictingIds = conflictingIds;
  }
}

/** A stream that had to exist does not. */
export class StreamNotFoundError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'STREAM_NOT_FOUND';
  /** The missing stream. */
  readonly streamId: string;
  constructor(streamId: string) {
    super(`Stream "${streamId}" not found`);
    this.streamId = streamId;
  }
}

/** Event data or metadata cannot be stored as JSON without loss, or stored JSON cannot be read. */
export class SerializationError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'SERIALIZATION';
  /** Where in the value the problem is, as a path like `data.items[2].price`. */
  readonly path: string;
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(`${message} at ${path}`, options);
    this.path = path;
  }
}

/** One problem found by validation. */
export interface ValidationIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where, as a list of keys from the validated value's root. */
  readonly path?: readonly (string | number)[];
}

/** Input was rejected before anything was written: a bad argument, or event data failing its schema. */
export class ValidationError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'VALIDATION';
  /** The individual problems (one for argument errors; the schema's issues for data). */
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues?: readonly ValidationIssue[]) {
    super(message);
    this.issues = issues ?? [{ message }];
  }
}

/**
 * An option has a bad value (NaN, negative, not an integer, the wrong type…).
 * Thrown when a store, subscription or handler is created, before anything runs.
 *
 * @example
 * ```ts
 * try { new InMemoryEventStore({ maxEventBytes: Number.NaN }) } catch (e) {
 *   if (InvalidOptionError.is(e)) console.error(e.option); // 'maxEventBytes'
 * }
 * ```
 */
export class InvalidOptionError extends ValidationError {
  static override readonly code: CoreErrorCode = 'INVALID_OPTION';
  /** The option's name, as a path when nested (`retry.maxAttempts`). */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;
  constructor(option: string, value: unknown, expected: string) {
    super(`Invalid option ${option}=${describe(value)}: expected ${expected}`);
    this.option = option;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 64));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return value === null ? 'null' : typeof value;
}

/** What a backend knows of a {@link DatabaseError} beyond its message. */
export interface DatabaseErrorOptions {
  readonly cause?: unknown;
  /** The server's SQLSTATE (five characters), when it sent one. */
  readonly sqlState?: string | undefined;
  /** True when the connection failed rather than the statement (see {@link DatabaseError.connectionLost}). */
  readonly connectionLost?: boolean | undefined;
}

/**
 * The database failed: connection lost, disk full, a driver error. The message never contains a password.
 *
 * @example
 * ```ts
 * try { await store.append(id, events) } catch (e) {
 *   if (DatabaseError.is(e) && e.connectionLost) console.warn('retry later:', e.sqlState ?? e.message);
 * }
 * ```
 */
export class DatabaseError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'DATABASE';
  /** The server's SQLSTATE (`'57P01'`, `'40001'`…), when it sent one. */
  readonly sqlState: string | undefined;
  /**
   * True when the connection to the database failed, not the statement: it was
   * refused, reset, terminated by the server, timed out, or the server is
   * shutting down or full. The same call may succeed on a new connection; the
   * outcome of a write that failed this way is unknown (retry it idempotently).
   */
  readonly connectionLost: boolean;

  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.sqlState = options.sqlState;
    this.connectionLost = options.connectionLost ?? false;
  }
}

/** A store's schema cannot be brought to the version this eventfold needs. */
export class MigrationError extends DatabaseError {
  static override readonly code: CoreErrorCode = 'MIGRATION';
}

/**
 * Personal data could not be decrypted: its ciphertext or envelope was
 * tampered with, the key store returned a wrong key, or a key wrapper could
 * not unwrap a key. Never raised for a forgotten subject, whose fields read
 * back as the erased marker.
 *
 * @example
 * ```ts
 * try { await store.read('User-1') } catch (e) {
 *   if (PersonalDataError.is(e)) console.error(e.eventId, e.message);
 * }
 * ```
 */
export class PersonalDataError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'PERSONAL_DATA';
  /** The event whose data failed, when one did. */
  readonly eventId: string | undefined;
  constructor(message: string, eventId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.eventId = eventId;
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'STORE_CLOSED';
  constructor() {
    super('The event store is closed');
  }
}

/**
 * An entry point needs an optional peer dependency that is not installed:
 * `pg` for `eventfold/postgres`, `better-sqlite3` for `eventfold/sqlite`,
 * `fast-check` for `eventfold/testing/property`. The message names the package,
 * the entry point and the command that installs it.
 *
 * @example
 * ```ts
 * try { await createEventStore('postgresql://localhost/app') } catch (e) {
 *   if (MissingDependencyError.is(e)) console.error(e.installCommand); // npm install pg
 * }
 * ```
 */
export class MissingDependencyError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'MISSING_DEPENDENCY';
  /** The package that is missing (`'pg'`, `'better-sqlite3'`, `'fast-check'`). */
  readonly dependency: string;
  /** The entry point that needs it (`'eventfold/postgres'`…). */
  readonly entryPoint: string;
  /** The command that installs it (`'npm install pg'`). */
  readonly installCommand: string;

  constructor(
    dependency: string,
    entryPoint: string,
    options: { readonly cause?: unknown; readonly types?: string } = {},
  ) {
    const installCommand = `npm install ${dependency}`;
    const types =
      options.types === undefined ? '' : ` (TypeScript: also \`npm install -D ${options.types}\`)`;
    super(
      `${entryPoint} needs the optional peer dependency ${dependency}, which is not installed: run \`${installCommand}\`${types}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.dependency = dependency;
    this.entryPoint = entryPoint;
    this.installCommand = installCommand;
  }
}
