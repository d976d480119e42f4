import type { NewEvent } from '../core/events.js';
import type { AggregateRoot } from '../aggregates/aggregate-root.js';
import {
  resolveKind,
  type AggregateEventOf,
  type AggregateKind,
  type AggregateStateOf,
} from '../aggregates/aggregate-type.js';
import type { ResolvedCommandContext } from '../aggregates/command-context.js';
import type { Decide } from '../aggregates/command-handler.js';
import type { Decider } from '../aggregates/decider.js';
import {
  checkEvents,
  checkNothing,
  checkState,
  checkThrows,
  formatEvent,
  message,
  type ErrorMatcher,
  type Outcome,
} from './spec-checks.js';

export type { ErrorMatcher } from './spec-checks.js';

/**
 * The expectations of a decider scenario. Each runs `given` then `when` and
 * throws an `AssertionError` that names the command, the expected and the
 * actual outcome when it does not hold.
 *
 * @example
 * ```ts
 * deciderSpec(taskDecider).given([created]).when(complete).then([TaskCompleted()]);
 * ```
 */
export interface DeciderThen<E extends NewEvent, S> {
  /** The command produced exactly these events (compared by `type` and `data`). */
  then(expected: E | readonly E[]): void;
  /** The command was rejected with an error of this class (or matching this predicate); returns it. */
  thenThrows(matcher: (error: unknown) => boolean): unknown;
  thenThrows<T extends Error>(matcher: abstract new (...args: never[]) => T): T;
  /** The command was accepted and produced no event. */
  thenNothing(): void;
  /** The command was accepted and the state after its events deep-equals `expected`. */
  thenState(expected: S): void;
}

/**
 * The `when` step of a decider scenario.
 *
 * @example
 * ```ts
 * const when: DeciderWhen<TaskCommand, TaskEvent, TaskState> = deciderSpec(taskDecider).given([created]);
 * ```
 */
export interface DeciderWhen<C, E extends NewEvent, S> {
  /** The command under test. */
  when(command: C): DeciderThen<E, S>;
}

/**
 * A given/when/then scenario builder for a decider.
 *
 * @example
 * ```ts
 * const spec = deciderSpec(taskDecider);
 * spec.given([TaskCreated({ title: 'Docs' })]).when({ type: 'CompleteTask' }).then([TaskCompleted()]);
 * spec.given([]).when({ type: 'CompleteTask' }).thenThrows(TaskNotFound);
 * ```
 */
export interface DeciderSpec<C, E extends NewEvent, S> extends DeciderWhen<C, E, S> {
  /** The events already in the stream. */
  given(events?: readonly E[]): DeciderWhen<C, E, S>;
}

/**
 * Given/when/then for a decider: `given(events)` folds events into the initial
 * state, `when(command)` decides, and `then(events)` / `thenThrows(Error)` /
 * `thenNothing()` / `thenState(state)` check the outcome. Synchronous, and
 * independent of the test runner (it throws `node:assert` errors).
 *
 * @example
 * ```ts
 * it('completes a task', () =>
 *   deciderSpec(taskDecider)
 *     .given([TaskCreated({ title: 'Docs' })])
 *     .when({ type: 'CompleteTask' })
 *     .then([TaskCompleted()]));
 * ```
 */
export function deciderSpec<C, E extends NewEvent, S>(
  decider: Decider<C, E, S>,
): DeciderSpec<C, E, S> {
  const given = (history: readonly E[] = []): DeciderWhen<C, E, S> => ({
    when(command: C): DeciderThen<E, S> {
      const run = (): Outcome<E, S> => {
        const before = fold(decider, decider.initialState, history, 'given');
        let events: readonly E[];
        try {
          const decided = decider.decide(command, before);
          events = Array.isArray(decided) ? decided : [decided as E];
        } catch (error) {
          return { error };
        }
        return { events, state: fold(decider, before, events, 'produced') };
      };
      return thenFor(command, run);
    },
  });
  return { given, when: (command) => given([]).when(command) };
}

/**
 * The expectations of an aggregate scenario; like {@link DeciderThen}, but
 * asynchronous (commands may be `async`): await them.
 *
 * @example
 * ```ts
 * await aggregateSpec(Task).given([created]).when((task) => task.complete()).then([TaskCompleted()]);
 * ```
 */
export interface AggregateThen<E extends NewEvent, S> {
  /** The command raised exactly these events (compared by `type` and `data`). */
  then(expected: E | readonly E[]): Promise<void>;
  /** The command threw an error of this class (or matching this predicate); resolves to it. */
  thenThrows(matcher: (error: unknown) => boolean): Promise<unknown>;
  thenThrows<T extends Error>(matcher: abstract new (...args: never[]) => T): Promise<T>;
  /** The command succeeded and raised no event. */
  thenNothing(): Promise<void>;
  /** The command succeeded and the aggregate's state deep-equals `expected`. */
  thenState(expected: S): Promise<void>;
}

/**
 * The `when` step of an aggregate scenario.
 *
 * @example
 * ```ts
 * const when = aggregateSpec(Task).given([created]);
 * await when.when((task) => task.complete()).then([TaskCompleted()]);
 * ```
 */
export interface AggregateWhen<C, E extends NewEvent, S> {
  /** The command under test. */
  when(command: C): AggregateThen<E, S>;
}

/**
 * A given/when/then scenario builder for an aggregate class (or any aggregate kind).
 *
 * @example
 * ```ts
 * await aggregateSpec(Task).given([]).when((task) => task.create('Docs')).then([TaskCreated({ title: 'Docs' })]);
 * ```
 */
export interface AggregateSpec<C, E extends NewEvent, S> extends AggregateWhen<C, E, S> {
  /** The events already in the stream. */
  given(events?: readonly E[]): AggregateWhen<C, E, S>;
}

/**
 * A command of an aggregate scenario without a `decide` function: a function of the aggregate.
 *
 * @example
 * ```ts
 * const complete: AggregateAction<Task> = (task) => task.complete();
 * ```
 */
export type AggregateAction<A> = (aggregate: A) => void | Promise<void>;

/**
 * Given/when/then for aggregate classes: `given(events)` loads the events as
 * history into a fresh aggregate, `when(command)` runs the command (a function
 * of the aggregate, or a command object handed to `decide`, the same function
 * a `CommandHandler` uses), and the `then…` steps check the events it raised,
 * the error it threw, or its state.
 *
 * @example
 * ```ts
 * await aggregateSpec(Task)
 *   .given([TaskCreated({ title: 'Docs' })])
 *   .when((task) => task.complete())
 *   .then([TaskCompleted()]);
 * await aggregateSpec(Task, decideTask).given([]).when({ type: 'CompleteTask' }).thenThrows(TaskNotFound);
 * ```
 */
export function aggregateSpec<A extends AggregateRoot>(
  kind: AggregateKind<A>,
): AggregateSpec<AggregateAction<A>, AggregateEventOf<A>, AggregateStateOf<A>>;
export function aggregateSpec<A extends AggregateRoot, C>(
  kind: AggregateKind<A>,
  decide: Decide<A, C>,
): AggregateSpec<C, AggregateEventOf<A>, AggregateStateOf<A>>;
export function aggregateSpec<A extends AggregateRoot, C>(
  kind: AggregateKind<A>,
  decide?: Decide<A, C>,
): AggregateSpec<C | AggregateAction<A>, AggregateEventOf<A>, AggregateStateOf<A>> {
  type E = AggregateEventOf<A>;
  type S = AggregateStateOf<A>;
  const resolved = resolveKind(kind);
  const context: ResolvedCommandContext = {
    commandId: 'spec-command',
    correlationId: 'spec-command',
    causationId: 'spec-command',
  };
  const given = (history: readonly E[] = []): AggregateWhen<C | AggregateAction<A>, E, S> => ({
    when(command): AggregateThen<E, S> {
      const run = async (): Promise<Outcome<E, S>> => {
        const aggregate = resolved.create('spec');
        try {
          aggregate.loadFromHistory(history);
        } catch (error) {
          throw new Error(
            `given/when/then: the given events cannot be applied: ${message(error)}`,
            {
              cause: error,
            },
          );
        }
        try {
          if (decide === undefined) await (command as AggregateAction<A>)(aggregate);
          else await decide(aggregate, command as C, context);
        } catch (error) {
          return { error };
        }
        return {
          events: aggregate.uncommittedEvents as readonly E[],
          state: aggregate.state as S,
        };
      };
      const label = typeof command === 'function' ? command.toString() : command;
      return asyncThenFor(label, run);
    },
  });
  return { given, when: (command) => given([]).when(command) };
}

function fold<C, E extends NewEvent, S>(
  decider: Decider<C, E, S>,
  state: S,
  events: readonly E[],
  which: 'given' | 'produced',
): S {
  let current = state;
  for (const event of events) {
    try {
      current = decider.evolve(current, event);
    } catch (error) {
      throw new Error(
        `given/when/then: evolve failed on a ${which} event ${formatEvent(event)}: ${message(error)}`,
        { cause: error },
      );
    }
  }
  return current;
}
function thenFor<E extends NewEvent, S>(
  command: unknown,
  run: () => Outcome<E, S>,
): DeciderThen<E, S> {
  return {
    then: (expected) => checkEvents(command, run(), expected),
    thenThrows: (matcher: ErrorMatcher) => checkThrows(command, run(), matcher),
    thenNothing: () => checkNothing(command, run()),
    thenState: (expected) => checkState(command, run(), expected),
  };
}

function asyncThenFor<E extends NewEvent, S>(
  command: unknown,
  run: () => Promise<Outcome<E, S>>,
): AggregateThen<E, S> {
  return {
    then: async (expected) => checkEvents(command, await run(), expected),
    thenThrows: async (matcher: ErrorMatcher) => checkThrows(command, await run(), matcher),
    thenNothing: async () => checkNothing(command, await run()),
    thenState: async (expected) => checkState(command, await run(), expected),
  };
}
