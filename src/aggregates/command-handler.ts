import { abortable, abortScope, sleep } from '../core/abort.js';
import {
  ConcurrencyError,
  EventIdConflictError,
  InvalidOptionError,
  ValidationError,
} from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import {
  assertExpectedVersion,
  checkExpectedVersion,
  type ExpectedVersion,
} from '../core/expected-version.js';
import { isPromiseLike } from '../core/is-promise-like.js';
import { checkOption } from '../core/options.js';
import type { Position } from '../core/position.js';
import type { AggregateRoot } from './aggregate-root.js';
import type { AggregateRepository } from './aggregate-repository.js';
import type { AggregateEventOf, AggregateStateOf } from './aggregate-type.js';
import {
  resolveCommandContext,
  type HandleOptions,
  type ResolvedCommandContext,
} from './command-context.js';
import type { DeciderAggregate } from './decider-aggregate.js';
import {
  backoffDelay,
  resolveRetry,
  type ResolvedRetry,
  type RetryOptions,
} from '../core/retry-options.js';
import { checkLogger, type EventfoldLogger } from '../core/logger.js';
import { observabilityOf } from '../core/observability.js';
import { checkTelemetry, type Telemetry } from '../core/telemetry.js';
import { logConflict, observeCommand } from './observed-command.js';

/**
 * Runs a command against an aggregate: call its command methods (or
 * `execute` for a decider) so it raises events; throw to reject the command.
 *
 * @example
 * ```ts
 * const decide: Decide<Task, TaskCommand> = (task, command) => {
 *   if (command.type === 'CompleteTask') task.complete();
 * };
 * ```
 */
export type Decide<A, C> = (
  aggregate: A,
  command: C,
  context: ResolvedCommandContext,
) => void | Promise<void>;

/**
 * What happens on a retry (for logs and metrics).
 *
 * @example
 * ```ts
 * new CommandHandler(tasks, decide, { onRetry: ({ id, retry, delayMs }) => log.warn({ id, retry, delayMs }) });
 * ```
 */
export interface RetryInfo {
  /** The aggregate id. */
  readonly id: string;
  /** The retry number, from 1. */
  readonly retry: number;
  /** How long the handler waits before it. */
  readonly delayMs: number;
  /** The conflict that caused it. */
  readonly error: ConcurrencyError;
}

/**
 * Options of a {@link CommandHandler}.
 *
 * @example
 * ```ts
 * const options: CommandHandlerOptions = { retry: { maxRetries: 10 }, onRetry: (info) => metrics.conflicts.inc() };
 * ```
 */
export interface CommandHandlerOptions {
  /** Retries after a concurrency conflict (default 5, with exponential backoff and jitter). */
  retry?: RetryOptions;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** An `eventfold.command` span per command (default: the store's `telemetry`). */
  telemetry?: Telemetry | undefined;
  /** Retries (`info`) and the conflict that ends them (`warn`) (default: the store's `logger`). */
  logger?: EventfoldLogger | undefined;
}

/**
 * The outcome of a handled command.
 *
 * @example
 * ```ts
 * const { state, newEvents, version } = await handler.handle('42', { type: 'CompleteTask' });
 * ```
 */
export interface CommandResult<A extends AggregateRoot> {
  /** The aggregate after the command, saved. */
  readonly aggregate: A;
  /** Its state after the command. */
  readonly state: AggregateStateOf<A>;
  /** The events the command produced, as appended (with their metadata); empty when it changed nothing. */
  readonly newEvents: readonly AggregateEventOf<A>[];
  /** The stream version after the command. */
  readonly version: number;
  /** The global position of the last new event, or `undefined` when there was none. */
  readonly position: Position | undefined;
  /** How many times the command was decided (1 without conflicts). */
  readonly attempts: number;
}

/**
 * Handles commands: load the aggregate (or a new one), decide, append with
 * the loaded version as the expected version. On a concurrency conflict it
 * reloads and decides again, with exponential backoff and jitter, up to
 * `retry.maxRetries` times, then rethrows the `ConcurrencyError`. Every event
 * carries the command's correlation and causation ids.
 *
 * @example
 * ```ts
 * const tasks = new AggregateRepository(store, Task);
 * const handler = new CommandHandler(tasks, (task, command: TaskCommand) => {
 *   if (command.type === 'CreateTask') task.create(command.title);
 *   else task.complete();
 * });
 * const { state, newEvents, version } = await handler.handle('42', { type: 'CreateTask', title: 'Docs' });
 * ```
 */
export class CommandHandler<A extends AggregateRoot, C> {
  /** The repository the handler loads and saves through. */
  readonly repository: AggregateRepository<A>;
  readonly #decide: Decide<A, C>;
  readonly #retry: ResolvedRetry;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #telemetry: Telemetry | undefined;
  readonly #logger: EventfoldLogger | undefined;

  constructor(
    repository: AggregateRepository<A>,
    decide: Decide<A, C>,
    options: CommandHandlerOptions = {},
  ) {
    checkOption.object('options', options);
    checkOption.function('onRetry', options.onRetry);
    this.repository = repository;
    this.#decide = decide;
    this.#retry = resolveRetry(options.retry, 'retry');
    this.#onRetry = options.onRetry;
    const store = observabilityOf(repository.eventStore);
    this.#telemetry = checkTelemetry('telemetry', options.telemetry) ?? store.telemetry;
    this.#logger = checkLogger('logger', options.logger) ?? store.logger;
  }

  /**
   * A handler for a decider's aggregates: each command goes to `decide`.
   *
   * @example
   * ```ts
   * const handler = CommandHandler.forDecider(new AggregateRepository(store, fromDecider('Task', taskDecider)));
   * await handler.handle('42', { type: 'CreateTask', title: 'Docs' });
   * ```
   */
  static forDecider<C, E extends NewEvent, S>(
    repository: AggregateRepository<DeciderAggregate<C, E, S>>,
    options: CommandHandlerOptions = {},
  ): CommandHandler<DeciderAggregate<C, E, S>, C> {
    return new CommandHandler(
      repository,
      (aggregate, command: C) => void aggregate.execute(command),
      options,
    );
  }

  /**
   * Handles `command` for the aggregate `id`; see the class description.
   * `signal` and `timeoutMs` cancel it between steps: a load, a pending
   * `decide` and the backoff before a retry stop waiting, no further attempt
   * starts, and the promise rejects with the signal's reason (a `TimeoutError`
   * `DOMException` for `timeoutMs`). An append already sent is never cut short:
   * when it succeeds, the command succeeded.
   *
   * With `expectedVersion` the command runs only if the aggregate is at that
   * version (`'no_stream'` or 0: it does not exist yet; `'stream_exists'`: it
   * does); otherwise it rejects with a `ConcurrencyError` before `decide` runs.
   * A conflict on append is not retried then, except for `'stream_exists'`.
   *
   * @example
   * ```ts
   * const { version } = await handler.handle('42', { type: 'CompleteTask' }, { timeoutMs: 1_000 });
   * await handler.handle('42', { type: 'CompleteTask' }, { expectedVersion: version });
   * ```
   */
  handle(id: string, command: C, options: HandleOptions = {}): Promise<CommandResult<A>> {
    const telemetry = this.#telemetry;
    if (telemetry === undefined) return this.#handle(id, command, options);
    const { type: aggregateType } = this.repository;
    const facts = { aggregateType, id, command, maxRetries: this.#retry.maxRetries };
    return observeCommand(telemetry, facts, () => this.#handle(id, command, options));
  }

  async #handle(id: string, command: C, options: HandleOptions): Promise<CommandResult<A>> {
    checkOption.object('options', options);
    const expected = checkExpected(options.expectedVersion);
    const scope = abortScope(options);
    try {
      return await this.#attempt(
        id,
        command,
        resolveCommandContext(command, options, scope.signal),
        expected,
      );
    } finally {
      scope[Symbol.dispose]();
    }
  }

  async #attempt(
    id: string,
    command: C,
    context: ResolvedCommandContext,
    expected: ExpectedVersion,
  ): Promise<CommandResult<A>> {
    const signal = context.signal;
    // An exact expected version is the caller's precondition: a conflict is theirs to resolve.
    const retries = expected === 'any' || expected === 'stream_exists' ? this.#retry.maxRetries : 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const aggregate = await abortable(this.repository.loadOrCreate(id), signal);
      checkExpectedVersion(aggregate.streamId, expected, aggregate.persistedVersion);
      const decided = this.#decide(aggregate, command, context);
      if (isPromiseLike(decided)) await abortable(Promise.resolve(decided), signal);
      signal?.throwIfAborted();
      try {
        const saved = await this.repository.save(aggregate, context);
        return {
          aggregate,
          state: aggregate.state as AggregateStateOf<A>,
          newEvents: saved.events,
          version: saved.version,
          position: saved.position,
          attempts: attempt,
        };
      } catch (error) {
        if (!ConcurrencyError.is(error) || EventIdConflictError.is(error)) throw error;
        const facts = { aggregateType: this.repository.type, id, retry: attempt, err: error };
        if (attempt > retries) {
          // A caller's failed precondition is theirs to report; only exhausted retries are logged.
          if (retries > 0) logConflict(this.#logger, facts, true);
          throw error;
        }
        signal?.throwIfAborted();
        const delayMs = backoffDelay(attempt, this.#retry);
        logConflict(this.#logger, { ...facts, delayMs }, false);
        this.#onRetry?.({ id, retry: attempt, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  }
}

/** The `expectedVersion` option, checked: `'any'` when absent. */
function checkExpected(value: unknown): ExpectedVersion {
  if (value === undefined) return 'any';
  try {
    assertExpectedVersion(value);
  } catch (error) {
    if (!ValidationError.is(error)) throw error;
    throw new InvalidOptionError(
      'expectedVersion',
      value,
      "a non-negative integer, 'no_stream', 'stream_exists' or 'any'",
    );
  }
  return value;
}
