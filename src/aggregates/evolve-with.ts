import type { NewEvent } from '../core/events.js';
import { checkOption } from '../core/options.js';
import type { EventHandlers } from './event-handlers.js';
import { UnhandledEventError } from './unhandled-event-error.js';

/**
 * Options of {@link evolveWith}.
 *
 * @example
 * ```ts
 * const evolve = evolveWith(handlers, { aggregateType: 'Task', ignoreUnhandledEvents: true });
 * ```
 */
export interface EvolveWithOptions {
  /** The name used in an {@link UnhandledEventError} (default `'aggregate'`). */
  aggregateType?: string;
  /** Leave the state unchanged for an event type without a handler, instead of throwing (default `false`). */
  ignoreUnhandledEvents?: boolean;
}

/** A function that folds one event into a state: `evolve(state, event)`. */
export type Reducer<S, E> = (state: S, event: E) => S;

/**
 * Builds an `evolve(state, event)` function from a typed handler table, so a
 * decider needs no `switch`. An event type without a handler throws an
 * {@link UnhandledEventError}, unless `ignoreUnhandledEvents` is set.
 *
 * @example
 * ```ts
 * const evolve = evolveWith<TaskEvent, TaskState>({
 *   TaskCreated: (state, event) => ({ ...state, title: event.data.title }),
 *   TaskCompleted: (state) => ({ ...state, done: true }),
 * }, { aggregateType: 'Task' });
 * ```
 */
export function evolveWith<E extends NewEvent, S>(
  handlers: EventHandlers<E, S>,
  options: EvolveWithOptions = {},
): Reducer<S, E> {
  checkOption.object('options', options);
  checkOption.string('aggregateType', options.aggregateType);
  checkOption.boolean('ignoreUnhandledEvents', options.ignoreUnhandledEvents);
  const table = handlers as unknown as Readonly<Record<string, Reducer<S, E> | undefined>>;
  const aggregateType = options.aggregateType ?? 'aggregate';
  const ignore = options.ignoreUnhandledEvents ?? false;
  return (state, event) => {
    const handler = Object.hasOwn(table, event.type) ? table[event.type] : undefined;
    if (handler !== undefined) return handler(state, event);
    if (ignore) return state;
    throw new UnhandledEventError(aggregateType, event.type);
  };
}
