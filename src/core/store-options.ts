import { DEFAULT_MAX_EVENT_BYTES } from './append-input.js';
import { InvalidOptionError } from './errors.js';
import { checkOption } from './options.js';
import type { EventRegistry } from './registry.js';
import { PersonalDataCipher, type PersonalDataOptions } from './personal-data.js';
import { checkLogger, type EventfoldLogger } from './logger.js';
import { checkTelemetry, type Telemetry } from './telemetry.js';

/**
 * The options every event store takes, whatever its backend; each backend's
 * options extend them.
 */
export interface EventStoreOptions {
  /** Validates events on append and revives them on read. */
  registry?: EventRegistry | undefined;
  /** The largest serialised data plus metadata of one event, in bytes (default 1 MiB). */
  maxEventBytes?: number | undefined;
  /**
   * Crypto-shredding: the key store (and optional key wrapper) that encrypts
   * the personal fields of events whose definitions declare some, and
   * decrypts them on every read. Without it such events are refused.
   */
  personalData?: PersonalDataOptions | undefined;
  /**
   * Spans and metrics of every append and read (`eventfold/opentelemetry`
   * gives one); command handlers and subscriptions on this store use it too
   * unless given their own.
   */
  telemetry?: Telemetry | undefined;
  /**
   * Where warnings go (pino-compatible); command handlers and subscriptions
   * on this store use it too unless given their own. Default: Node.js
   * process warnings.
   */
  logger?: EventfoldLogger | undefined;
}

/** {@link EventStoreOptions} checked, with defaults filled in. */
export interface ResolvedEventStoreOptions {
  readonly registry: EventRegistry | undefined;
  readonly maxEventBytes: number;
  /** Encrypts and decrypts personal fields, when the `personalData` option was given. */
  readonly personalData: PersonalDataCipher | undefined;
  readonly telemetry: Telemetry | undefined;
  readonly logger: EventfoldLogger | undefined;
}

/**
 * Checks the shared options once, for every backend: an {@link InvalidOptionError}
 * names a bad one (`maxEventBytes: NaN` does not switch the limit off).
 */
export function resolveEventStoreOptions(
  options: EventStoreOptions | undefined,
): ResolvedEventStoreOptions {
  checkOption.object('options', options);
  const { registry, maxEventBytes, personalData, telemetry, logger } = options ?? {};
  if (registry !== undefined && !isRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'an EventRegistry');
  }
  checkOption.integer('maxEventBytes', maxEventBytes, 1);
  return {
    registry,
    maxEventBytes: maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    personalData: personalDataOf(personalData),
    telemetry: checkTelemetry('telemetry', telemetry),
    logger: checkLogger('logger', logger),
  };
}

/** The cipher of the `personalData` option, checked by shape. */
function personalDataOf(option: PersonalDataOptions | undefined): PersonalDataCipher | undefined {
  if (option === undefined) return undefined;
  checkOption.object('personalData', option);
  const { keys, wrapper } = option;
  const k = keys as Partial<Record<'load' | 'create' | 'track' | 'forget', unknown>> | null;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.load !== 'function' ||
    typeof k.create !== 'function' ||
    typeof k.track !== 'function' ||
    typeof k.forget !== 'function'
  )
    throw new InvalidOptionError('personalData.keys', keys, 'a KeyStore');
  if (wrapper !== undefined) {
    const w = wrapper as Partial<Record<'wrap' | 'unwrap', unknown>> | null;
    if (
      typeof w !== 'object' ||
      w === null ||
      typeof w.wrap !== 'function' ||
      typeof w.unwrap !== 'function'
    )
      throw new InvalidOptionError(
        'personalData.wrapper',
        wrapper,
        'a KeyWrapper { wrap, unwrap }',
      );
  }
  return new PersonalDataCipher({ keys, wrapper });
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
