import type { NewEvent } from '../core/events.js';

/**
 * A typed handler table: one reducer per event type of the union `E`, each
 * receiving the current state and the event narrowed to its type, and
 * returning the next state. TypeScript requires a handler for every type.
 *
 * @example
 * ```ts
 * const handlers: EventHandlers<TaskEvent, TaskState> = {
 *   TaskCreated: (state, event) => ({ ...state, title: event.data.title }),
 *   TaskCompleted: (state) => ({ ...state, done: true }),
 * };
 * ```
 */
export type EventHandlers<E extends NewEvent, S> = {
  readonly [K in E['type']]: (state: S, event: Extract<E, { readonly type: K }>) => S;
};
