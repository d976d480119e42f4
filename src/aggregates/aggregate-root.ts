import { ValidationError } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { aggregateStreamId } from './aggregate-stream-id.js';

/**
 * The state machine every aggregate shares, whatever its style: an id, a
 * state changed only by applying events, a version (the number of events
 * applied), the events raised since the last save, loading from history and
 * from a snapshot. Extend {@link Aggregate} (a typed handler table) or use a
 * {@link DeciderAggregate}; extend this class directly to write `evolve` yourself.
 *
 * @example
 * ```ts
 * class Counter extends AggregateRoot<CounterEvent, number> {
 *   get aggregateType() { return 'Counter'; }
 *   protected initialState() { return 0; }
 *   protected evolve(state: number, event: CounterEvent) { return state + event.data.by; }
 * }
 * ```
 */
export abstract class AggregateRoot<E extends NewEvent = NewEvent, S = unknown> {
  /** The aggregate's id (without its type: the stream id is `${aggregateType}-${id}`). */
  readonly id: string;
  #state: S | undefined;
  #initialised = false;
  #version = 0;
  #persistedVersion = 0;
  #uncommitted: E[] = [];

  constructor(id: string) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new ValidationError('Invalid aggregate id: expected a non-empty string');
    }
    this.id = id;
  }

  /** The aggregate type: the category of its stream. */
  abstract get aggregateType(): string;

  /** The version of the state's shape, stored with snapshots; a snapshot of another schema version is ignored. */
  get schemaVersion(): number {
    return 1;
  }

  /** The stream the aggregate's events live in: `${aggregateType}-${id}`. */
  get streamId(): string {
    return aggregateStreamId(this.aggregateType, this.id);
  }

  /** The current state: the initial state with every applied event folded in, including uncommitted ones. */
  get state(): S {
    if (!this.#initialised) {
      this.#state = this.initialState();
      this.#initialised = true;
    }
    return this.#state as S;
  }

  /** How many events the state reflects, committed or not: the stream version once saved. */
  get version(): number {
    return this.#version;
  }

  /** The version the aggregate was loaded (or last saved) at: the expected version of its next save. */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  /** The events raised since the aggregate was loaded or last saved, oldest first. */
  get uncommittedEvents(): readonly E[] {
    return this.#uncommitted;
  }

  /**
   * Applies an event to the state, then records it as uncommitted. If applying
   * throws, nothing is recorded. Returns the event.
   */
  raise(event: E): E {
    this.#state = this.evolve(this.state, event);
    this.#initialised = true;
    this.#version += 1;
    this.#uncommitted.push(event);
    return event;
  }

  /**
   * Folds stored events into the state (after any snapshot). Events that carry
   * a `version` (recorded events do) must follow the current version without a
   * gap. If an event cannot be applied, the aggregate is left unchanged.
   */
  loadFromHistory(events: Iterable<E>): void {
    if (this.#uncommitted.length > 0) {
      throw new ValidationError(
        `${this.aggregateType} "${this.id}" has uncommitted events: history can only be loaded before raising`,
      );
    }
    // Fold into locals: if an event fails, the aggregate is left as it was.
    let state = this.state;
    let version = this.#version;
    for (const event of events) {
      const recorded = (event as { readonly version?: unknown }).version;
      if (typeof recorded === 'number' && recorded !== version + 1) {
        throw new ValidationError(
          `${this.aggregateType} "${this.id}": history event version ${recorded} does not follow version ${version}`,
        );
      }
      state = this.evolve(state, event);
      version += 1;
    }
    this.#state = state;
    this.#version = version;
    this.#persistedVersion = version;
  }

  /** Starts from a snapshot's state and version (before loading the events after it). */
  restoreSnapshot(state: S, version: number): void {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new ValidationError(`Invalid snapshot version ${String(version)}`);
    }
    if (this.#version !== 0 || this.#uncommitted.length > 0) {
      throw new ValidationError(
        `${this.aggregateType} "${this.id}": a snapshot can only be restored into a fresh aggregate`,
      );
    }
    this.#state = state;
    this.#initialised = true;
    this.#version = version;
    this.#persistedVersion = version;
  }

  /**
   * Forgets the uncommitted events after they were appended: the current
   * version becomes the persisted one. With `count`, only the oldest `count`
   * events are committed (events raised while a save was in flight stay uncommitted).
   */
  markCommitted(count: number = this.#uncommitted.length): void {
    if (!Number.isSafeInteger(count) || count < 0 || count > this.#uncommitted.length) {
      throw new ValidationError(
        `Invalid count ${String(count)}: ${this.#uncommitted.length} events are uncommitted`,
      );
    }
    this.#uncommitted = this.#uncommitted.slice(count);
    this.#persistedVersion = this.#version - this.#uncommitted.length;
  }

  /** The state before any event (called once, lazily). */
  protected abstract initialState(): S;

  /** The state after `event`: a pure function of the state and the event. */
  protected abstract evolve(state: S, event: E): S;
}
