import type { EventfoldLogger } from './logger.js';
import type { Telemetry } from './telemetry.js';

/**
 * The key under which a store gives its `telemetry` and `logger` options to
 * the layers above it: command handlers and subscriptions default to them
 * (for backend authors; `EventStoreKernel` has it). A registered symbol
 * (`Symbol.for`), so two copies of the package agree on it.
 *
 * @example
 * ```ts
 * const { telemetry, logger } = (store as ObservabilityProvider)[storeObservability];
 * ```
 */
export const storeObservability: unique symbol = Symbol.for('eventfold.observability');

/**
 * A store's telemetry hook and logger (its options).
 *
 * @example
 * ```ts
 * const none: Observability = { telemetry: undefined, logger: undefined };
 * ```
 */
export interface Observability {
  readonly telemetry: Telemetry | undefined;
  readonly logger: EventfoldLogger | undefined;
}

/**
 * A store that gives its telemetry and logger by {@link storeObservability}.
 *
 * @example
 * ```ts
 * const provider: ObservabilityProvider = new InMemoryEventStore();
 * ```
 */
export interface ObservabilityProvider {
  readonly [storeObservability]: Observability;
}

const NONE: Observability = { telemetry: undefined, logger: undefined };

/**
 * The telemetry and logger of `store`: its options, or none for a store of another kind.
 *
 * @internal
 */
export function observabilityOf(store: object): Observability {
  return (store as Partial<ObservabilityProvider>)[storeObservability] ?? NONE;
}
