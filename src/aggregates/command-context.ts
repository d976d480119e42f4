import { v7 as uuidv7 } from 'uuid';
import type { AbortOptions } from '../core/abort.js';
import type { ExpectedVersion } from '../core/expected-version.js';
import type { RecordedEvent } from '../core/events.js';
import type { EventContext } from './event-context.js';

/**
 * Where a command comes from, for the metadata of every event it produces: the
 * command's id (default: the command's own `id` field, else a new UUID), the
 * causation id (default: the command id) and the correlation id (default: the
 * root of the causation chain as far as it is known: the given causation id,
 * else the command id), plus keys of your own.
 *
 * @example
 * ```ts
 * await handler.handle('42', command, { correlationId: request.id, metadata: { userId } });
 * ```
 */
export interface CommandContext extends EventContext {
  /** The command's id; default the command's `id` field when it is a string, else a new UUID. */
  commandId?: string;
}

/**
 * The context of a command issued in reaction to a recorded event: caused by
 * that event, and in the same correlation as it (or correlated by its id when
 * it has no correlation id).
 *
 * @example
 * ```ts
 * for await (const event of store.readAll({ types: ['OrderPlaced'] })) {
 *   await shipping.handle(event.data.orderId, { type: 'Ship' }, causedBy(event));
 * }
 * ```
 */
export function causedBy(event: RecordedEvent): CommandContext {
  const correlationId = event.metadata.correlationId;
  return {
    correlationId: typeof correlationId === 'string' ? correlationId : event.id,
    causationId: event.id,
  };
}

/**
 * The context a command runs in, with every default filled in; `decide` receives it.
 *
 * @example
 * ```ts
 * const decide: Decide<Task, TaskCommand> = (task, command, { correlationId }) => task.complete();
 * ```
 */
export interface ResolvedCommandContext extends EventContext {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /**
   * Aborts when the caller's `signal` does or its `timeoutMs` passes (absent
   * without either): an `async` decide may pass it to its own I/O.
   */
  readonly signal?: AbortSignal;
}

/**
 * What `CommandHandler.handle` accepts after the command: the command's
 * context (ids and metadata for its events), a `signal` / `timeoutMs` that
 * cancel it, and the `expectedVersion` the aggregate must be at (a client's
 * precondition, such as an HTTP `If-Match`).
 *
 * @example
 * ```ts
 * await handler.handle('42', command, { correlationId: request.id, signal: request.signal, timeoutMs: 2_000 });
 * await handler.handle('42', command, { expectedVersion: 3 }); // ConcurrencyError unless at version 3
 * ```
 */
export interface HandleOptions extends CommandContext, AbortOptions {
  /**
   * The version the aggregate must be at for the command to run: a number (0
   * or `'no_stream'`: it must not exist yet), `'stream_exists'` (it must
   * exist) or `'any'` (no condition, the default). A mismatch, found when the
   * aggregate is loaded or by the append, is a `ConcurrencyError` and is not
   * retried (the caller's precondition failed); only `'stream_exists'` and
   * `'any'` are retried after a conflict, since a reload still meets them.
   */
  expectedVersion?: ExpectedVersion | undefined;
}

/**
 * The context of one command, with its ids resolved and the signal it runs under.
 *
 * @internal
 */
export function resolveCommandContext(
  command: unknown,
  options: HandleOptions,
  signal: AbortSignal | undefined,
): ResolvedCommandContext {
  const {
    signal: _signal,
    timeoutMs: _timeoutMs,
    expectedVersion: _expectedVersion,
    ...context
  } = options;
  const ownId =
    typeof command === 'object' &&
    command !== null &&
    'id' in command &&
    typeof command.id === 'string'
      ? command.id
      : undefined;
  const commandId = context.commandId ?? ownId ?? uuidv7();
  const causationId = context.causationId ?? commandId;
  const correlationId = context.correlationId ?? context.causationId ?? commandId;
  return {
    ...context,
    commandId,
    causationId,
    correlationId,
    ...(signal === undefined ? {} : { signal }),
  };
}
