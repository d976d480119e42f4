import { DEFAULT_MAX_EVENT_BYTES } from './append-input.js';
import { InvalidOptionError } from './errors.js';
import { checkOption } from './options.js';
import type { EventRegistry } from './registry.js';

/**
 * The options every event store takes, whatever its backend; each backend's
 * options extend them.
 */
export interface EventStoreOptions {
  /** Validates events on append and revives them on read. */
  registry?: EventRegistry | undefined;
  /** The largest serialised data plus metadata of one event, in bytes (default 1 MiB). */
  maxEventBytes?: number | undefined;
}

/** {@link EventStoreOptions} checked, with defaults filled in. */
export interface ResolvedEventStoreOptions {
  readonly registry: EventRegistry | undefined;
  readonly maxEventBytes: number;
}

/**
 * Checks the shared options once, for every backend: an {@link InvalidOptionError}
 * names a bad one (`maxEventBytes: NaN` does not switch the limit off).
 */
export function resolveEventStoreOptions(
  options: EventStoreOptions | undefined,
): ResolvedEventStoreOptions {
  checkOption.object('options', options);
  const { registry, maxEventBytes } = options ?? {};
  if (registry !== undefined && !isRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'an EventRegistry');
  }
  checkOption.integer('maxEventBytes', maxEventBytes, 1);
  return { registry, maxEventBytes: maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES };
}

/** By shape rather than `instanceof`, so a registry from another copy of eventfold is accepted. */
function isRegistry(value: unknown): value is EventRegistry {
  const v = value as Partial<Record<'validate' | 'revive', unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.validate === 'function' &&
    typeof v.revive === 'function'
  );
}
