import { checkOption } from '../core/options.js';
import type { NewEvent } from '../core/events.js';
import { AggregateRoot } from './aggregate-root.js';
import { assertAggregateType } from './aggregate-stream-id.js';
import type { Decider } from './decider.js';

/**
 * Options of a {@link DeciderAggregate} and of {@link fromDecider}.
 *
 * @example
 * ```ts
 * const Tasks = fromDecider('Task', taskDecider, { schemaVersion: 2 });
 * ```
 */
export interface DeciderAggregateOptions {
  /** The version of the state's shape for snapshots: an integer ≥ 0 (default 1). */
  schemaVersion?: number;
}

/**
 * A {@link Decider} as an aggregate, so deciders use the same repositories,
 * snapshots and command handler as aggregate classes: `execute(command)` runs
 * `decide` on the current state and raises the events it returns.
 *
 * @example
 * ```ts
 * const task = new DeciderAggregate('42', 'Task', taskDecider);
 * task.execute({ type: 'CreateTask', title: 'Write docs' });
 * task.uncommittedEvents; // [TaskCreated({ title: 'Write docs' })]
 * ```
 */
export class DeciderAggregate<C, E extends NewEvent, S> extends AggregateRoot<E, S> {
  readonly #type: string;
  readonly #decider: Decider<C, E, S>;
  readonly #schemaVersion: number;

  constructor(
    id: string,
    type: string,
    decider: Decider<C, E, S>,
    options: DeciderAggregateOptions = {},
  ) {
    super(id);
    assertAggregateType(type);
    checkOption.object('options', options);
    checkOption.integer('schemaVersion', options.schemaVersion);
    const schemaVersion = options.schemaVersion ?? 1;
    this.#type = type;
    this.#decider = decider;
    this.#schemaVersion = schemaVersion;
  }

  override get aggregateType(): string {
    return this.#type;
  }

  override get schemaVersion(): number {
    return this.#schemaVersion;
  }

  /** The decider this aggregate runs. */
  get decider(): Decider<C, E, S> {
    return this.#decider;
  }

  /** Decides `command` against the current state and raises the resulting events; returns them. */
  execute(command: C): readonly E[] {
    const decided = this.#decider.decide(command, this.state);
    const events: readonly E[] = Array.isArray(decided) ? decided : [decided as E];
    for (const event of events) this.raise(event);
    return events;
  }

  protected override initialState(): S {
    return this.#decider.initialState;
  }

  protected override evolve(state: S, event: E): S {
    return this.#decider.evolve(state, event);
  }
}
