import { ValidationError } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { AggregateRoot } from './aggregate-root.js';
import { assertAggregateType } from './aggregate-stream-id.js';
import type { EventHandlers } from './event-handlers.js';
import { evolveWith } from './evolve-with.js';

/**
 * What a class extending {@link Aggregate} declares as `static readonly` fields.
 *
 * @example
 * ```ts
 * class Task extends Aggregate<TaskEvent, TaskState> {
 *   static readonly type = 'Task';
 *   static readonly schemaVersion = 2;
 *   static readonly ignoreUnhandledEvents = true;
 *   // …
 * }
 * ```
 */
export interface AggregateStatics {
  /** The aggregate type, the category of its streams (`'Task'` → streams `Task-<id>`). Required. */
  readonly type: string;
  /** The version of the state's shape for snapshots (default 1); bump it when the state changes shape. */
  readonly schemaVersion?: number;
  /** Leave the state unchanged for stored events of a type without a handler, instead of throwing (default `false`). */
  readonly ignoreUnhandledEvents?: boolean;
}

/**
 * The base class of a class-style aggregate: command methods check invariants
 * against `this.state` and `raise` events; a typed table of handlers, one per
 * event type, computes the next state. Declare the type (the stream category)
 * as `static readonly type`.
 *
 * @example
 * ```ts
 * class Task extends Aggregate<TaskEvent, TaskState> {
 *   static readonly type = 'Task';
 *   protected initialState(): TaskState { return { title: '', done: false }; }
 *   protected readonly handlers: EventHandlers<TaskEvent, TaskState> = {
 *     TaskCreated: (state, event) => ({ ...state, title: event.data.title }),
 *     TaskCompleted: (state) => ({ ...state, done: true }),
 *   };
 *   complete(): void {
 *     if (this.state.done) throw new Error('already done');
 *     this.raise(TaskCompleted());
 *   }
 * }
 * ```
 */
export abstract class Aggregate<E extends NewEvent, S> extends AggregateRoot<E, S> {
  /** One reducer per event type; annotate it as `EventHandlers<YourEvent, YourState>`. */
  protected abstract readonly handlers: EventHandlers<E, S>;
  #evolve: ((state: S, event: E) => S) | undefined;

  override get aggregateType(): string {
    const type = this.#statics().type;
    if (type === undefined) {
      throw new ValidationError(
        `${this.constructor.name} must declare its aggregate type: static readonly type = '${this.constructor.name}'`,
      );
    }
    assertAggregateType(type);
    return type;
  }

  override get schemaVersion(): number {
    return this.#statics().schemaVersion ?? 1;
  }

  protected override evolve(state: S, event: E): S {
    this.#evolve ??= evolveWith(this.handlers, {
      aggregateType: this.aggregateType,
      ignoreUnhandledEvents: this.#statics().ignoreUnhandledEvents ?? false,
    });
    return this.#evolve(state, event);
  }

  #statics(): Partial<AggregateStatics> {
    return this.constructor as Partial<AggregateStatics>;
  }
}
