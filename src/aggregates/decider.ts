import type { NewEvent } from '../core/events.js';

/**
 * A decider: the aggregate as three pure functions. `decide` turns a command
 * and the current state into new events (or throws to reject the command);
 * `evolve` folds one event into the state; `initialState` is where folding starts.
 *
 * @example
 * ```ts
 * const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
 *   initialState: { title: '', done: false },
 *   evolve: (state, event) => (event.type === 'TaskCompleted' ? { ...state, done: true } : state),
 *   decide: (command, state) => {
 *     if (state.done) throw new Error('already done');
 *     return [TaskCompleted()];
 *   },
 * };
 * ```
 */
export interface Decider<C, E extends NewEvent, S> {
  /** The state before any event. It is never mutated: `evolve` returns new states. */
  readonly initialState: S;
  /** The state after `event` (pure). */
  evolve(state: S, event: E): S;
  /** The events a command produces in `state` (pure); throw to reject it. */
  decide(command: C, state: S): E | readonly E[];
}
