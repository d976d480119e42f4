import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { resolveRetry, type ResolvedRetry, type RetryOptions } from '../core/retry-options.js';
import { InvalidOptionError } from '../core/errors.js';
import type { RecordedEvent } from '../core/events.js';
import { checkOption } from '../core/options.js';
import type { Position } from '../core/position.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import {
  isSubscriptionName,
  MAX_SUBSCRIPTION_NAME_LENGTH,
} from '../core/contracts/subscription-name.js';
import type { BatchSizePolicy } from './adaptive-batch-size.js';
import { checkGroup, groupMemberName, type ConsumerGroupOptions } from './consumer-group.js';
import type { RebalancingGroupOptions } from './rebalancing-group.js';
import { checkLogger, type EventfoldLogger } from '../core/logger.js';
import { observabilityOf } from '../core/observability.js';
import { checkTelemetry, type Telemetry } from '../core/telemetry.js';

/** Where a subscription without a checkpoint starts: the start of the feed, its end (only new events), or after a position. */
export type SubscriptionStart = 'start' | 'end' | Position;

/** What {@link SubscriptionOptions.onError} is told about an error. */
export interface SubscriptionErrorInfo {
  /** The subscription (or group member). */
  readonly subscription: string;
  /** The event whose handler failed, when a handler failed. */
  readonly event?: RecordedEvent;
  /** Which try of the handler failed (1 for the first). */
  readonly attempt?: number;
}

/** Options of the lease that keeps one instance per subscription name running. */
export interface LeaseOptions {
  /** How long a lease lasts unless renewed, in milliseconds (default 10,000); renewed every third of it. */
  ttlMs?: number;
  /** How often an instance waiting for the lease tries to take it, in milliseconds (default 1,000). */
  retryMs?: number;
  /** This instance's name in status views (default `host/pid/random`). */
  holder?: string;
}

/**
 * Options common to subscriptions and projections.
 *
 * @example
 * ```ts
 * const options: SubscriptionOptions = {
 *   name: 'mailer', storage, from: 'end', categories: ['Order'],
 *   retry: { maxRetries: 5 }, onFailure: 'park', pollIntervalMs: 1000,
 * };
 * ```
 */
export interface SubscriptionOptions<Tx = undefined> {
  /** The subscription's name: its checkpoint, lease and dead letters are kept under it. */
  name: string;
  /**
   * Where checkpoints, dead letters and leases live. Default: the store's own
   * (SQLite, PostgreSQL: on its database; closed when the subscription stops);
   * on the in-memory store, one in-memory storage per store. A durable store
   * without a storage of its own needs this option (`InvalidOptionError`).
   */
  storage?: SubscriptionStorage<Tx>;
  /** Where to start when there is no checkpoint yet (default `'start'`). */
  from?: SubscriptionStart;
  /** Only events of these types. */
  types?: readonly string[];
  /** Only events of streams in these categories. */
  categories?: readonly string[];
  /**
   * Events read (and, for a projection, committed) per batch (default 100);
   * for a projection whose batch size adapts (see `targetBatchMs`), the first
   * batch's size.
   */
  batchSize?: number;
  /**
   * For a projection committing its batches in transactions (SQLite,
   * PostgreSQL): how long a batch's transaction should take, in milliseconds;
   * the batch size adapts after every batch, within `minBatchSize` and
   * `maxBatchSize`. Default 100 when `batchSize` is not given, else off (a
   * fixed `batchSize`); `false` turns it off. A short transaction matters on
   * PostgreSQL: the feed's horizon waits for it (see docs/postgres.md).
   */
  targetBatchMs?: number | false;
  /** The smallest adaptive batch (default 10, or `batchSize` when smaller). */
  minBatchSize?: number;
  /** The largest adaptive batch (default 5,000, or `batchSize` when larger). */
  maxBatchSize?: number;
  /**
   * How often the feed is polled when no wake-up comes, in milliseconds
   * (default 1,000). Appends through the same store (any process, for
   * PostgreSQL) wake the subscription at once; polling finds the rest.
   */
  pollIntervalMs?: number;
  /** Retries of a throwing handler, with backoff (default 4 retries from 100 ms up to 5 s: 5 tries). */
  retry?: RetryOptions;
  /** After the last try: park the event and go on (default), or stop with a `HandlerFailedError`. */
  onFailure?: 'park' | 'stop';
  /** The lease (default on, 10 s); `false` lets any number of instances run (no exclusivity). */
  lease?: LeaseOptions | false;
  /**
   * Membership of a consumer group: handle only this member's share of the
   * streams. Fixed (`{ members, member }`: this instance is member `member`
   * of `members`), or rebalancing (`{ partitions }`: members join and leave
   * on their own and partitions move between them; `subscribe` and
   * `startProjection` then return a `GroupSubscription`).
   */
  group?: ConsumerGroupOptions | RebalancingGroupOptions;
  /** Told about every error (failed handler tries, storage or feed errors); for logs and metrics. */
  onError?: (error: unknown, info: SubscriptionErrorInfo) => void;
  /** Stops the subscription gracefully when it aborts, as `stop()` does. */
  signal?: AbortSignal | undefined;
  /**
   * An `eventfold.subscription.batch` span per batch (continuing the trace
   * its events were appended in) and the lag and parked gauges (default: the
   * store's `telemetry`).
   */
  telemetry?: Telemetry | undefined;
  /**
   * Told about every error, as `onError` is: a handler's failed try as a
   * `warn`, any other error as an `error` (default: the store's `logger`).
   */
  logger?: EventfoldLogger | undefined;
}

/** Default retries of a throwing handler. */
export const DEFAULT_HANDLER_RETRY = {
  maxRetries: 4,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
} as const;

/**
 * {@link SubscriptionOptions} checked, with defaults. Kept in the published declarations: exported
 * declarations refer to it; no entry point exports it.
 */
export interface ResolvedSubscriptionOptions<Tx> {
  readonly name: string;
  readonly baseName: string;
  readonly storage: SubscriptionStorage<Tx> | undefined;
  readonly from: SubscriptionStart;
  readonly types: readonly string[] | undefined;
  readonly categories: readonly string[] | undefined;
  readonly batchSize: number;
  /** The adaptive batch size of a projection in transactions; `undefined` when fixed. */
  readonly adaptiveBatch: BatchSizePolicy | undefined;
  readonly pollIntervalMs: number;
  readonly retry: ResolvedRetry;
  readonly onFailure: 'park' | 'stop';
  readonly lease: Required<LeaseOptions> | undefined;
  readonly group: ConsumerGroupOptions | undefined;
  readonly onError: SubscriptionOptions<Tx>['onError'];
  readonly signal: AbortSignal | undefined;
  readonly telemetry: Telemetry | undefined;
  readonly logger: EventfoldLogger | undefined;
}

const NAME_TEXT = `1 to ${MAX_SUBSCRIPTION_NAME_LENGTH} characters without NUL`;
/** Positions of every backend are one or two parts of 20 digits. */
const POSITION = /^\d{20}(:\d{20})?$/;

/**
 * Checks subscription options and fills in defaults (`telemetry` and `logger`:
 * the store's); a bad value is an `InvalidOptionError` naming it.
 */
export function resolveSubscriptionOptions<Tx>(
  options: SubscriptionOptions<Tx>,
  store?: object,
): ResolvedSubscriptionOptions<Tx> {
  checkOption.object('options', options);
  if (!isSubscriptionName(options.name))
    throw new InvalidOptionError('name', options.name, NAME_TEXT);
  checkStorage(options.storage);
  const { from = 'start', batchSize = 100, pollIntervalMs = 1_000, onFailure = 'park' } = options;
  if (from !== 'start' && from !== 'end' && !(typeof from === 'string' && POSITION.test(from))) {
    throw new InvalidOptionError('from', from, "'start', 'end' or a position of the store");
  }
  checkStrings('types', options.types);
  checkStrings('categories', options.categories);
  checkOption.integer('batchSize', batchSize, 1);
  const adaptiveBatch = resolveAdaptiveBatch(options);
  checkOption.milliseconds('pollIntervalMs', pollIntervalMs, 1);
  checkOption.object('retry', options.retry);
  const retry = resolveRetry({ ...DEFAULT_HANDLER_RETRY, ...options.retry }, 'retry');
  checkOption.oneOf('onFailure', onFailure, ['park', 'stop'] as const);
  checkGroup(options.group);
  checkOption.function('onError', options.onError);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', options.signal, 'an AbortSignal');
  }
  const name =
    options.group === undefined ? options.name : groupMemberName(options.name, options.group);
  if (!isSubscriptionName(name)) throw new InvalidOptionError('name', options.name, NAME_TEXT);
  const observed = store === undefined ? undefined : observabilityOf(store);
  return {
    name,
    baseName: options.name,
    storage: options.storage,
    from,
    types: options.types,
    categories: options.categories,
    batchSize,
    adaptiveBatch,
    pollIntervalMs,
    retry,
    onFailure,
    lease: options.lease === false ? undefined : resolveLease(options.lease),
    group: options.group,
    onError: options.onError,
    signal: options.signal,
    telemetry: checkTelemetry('telemetry', options.telemetry) ?? observed?.telemetry,
    logger: checkLogger('logger', options.logger) ?? observed?.logger,
  };
}

/** Default bounds and target of an adaptive batch size. */
export const DEFAULT_ADAPTIVE_BATCH = { min: 10, max: 5_000, targetMs: 100 } as const;

function resolveAdaptiveBatch(
  options: Pick<
    SubscriptionOptions<unknown>,
    'batchSize' | 'targetBatchMs' | 'minBatchSize' | 'maxBatchSize'
  >,
): BatchSizePolicy | undefined {
  const { batchSize, targetBatchMs, minBatchSize, maxBatchSize } = options;
  if (targetBatchMs !== false) checkOption.milliseconds('targetBatchMs', targetBatchMs, 1);
  checkOption.integer('minBatchSize', minBatchSize, 1);
  checkOption.integer('maxBatchSize', maxBatchSize, 1);
  const min = minBatchSize ?? Math.min(DEFAULT_ADAPTIVE_BATCH.min, batchSize ?? 100);
  const max = maxBatchSize ?? Math.max(DEFAULT_ADAPTIVE_BATCH.max, batchSize ?? 100);
  if (min > max) {
    throw new InvalidOptionError('minBatchSize', min, `at most maxBatchSize (${max})`);
  }
  if (batchSize !== undefined && (batchSize < min || batchSize > max)) {
    throw new InvalidOptionError('batchSize', batchSize, `from ${min} to ${max}`);
  }
  const fixed = targetBatchMs === false || (targetBatchMs === undefined && batchSize !== undefined);
  return fixed
    ? undefined
    : { min, max, targetMs: targetBatchMs ?? DEFAULT_ADAPTIVE_BATCH.targetMs };
}

function resolveLease(lease: LeaseOptions | undefined): Required<LeaseOptions> {
  if (
    lease !== undefined &&
    (typeof lease !== 'object' || lease === null || Array.isArray(lease))
  ) {
    throw new InvalidOptionError('lease', lease, 'false or an object');
  }
  const { ttlMs = 10_000, retryMs = 1_000 } = lease ?? {};
  checkOption.milliseconds('lease.ttlMs', ttlMs, 1);
  checkOption.milliseconds('lease.retryMs', retryMs, 1);
  const holder = lease?.holder ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > 200) {
    throw new InvalidOptionError('lease.holder', holder, '1 to 200 characters');
  }
  return { ttlMs, retryMs, holder };
}

function checkStorage(storage: unknown): void {
  if (storage === undefined) return;
  if (
    typeof storage !== 'object' ||
    storage === null ||
    typeof (storage as { transaction?: unknown }).transaction !== 'function'
  ) {
    throw new InvalidOptionError('storage', storage, 'a SubscriptionStorage');
  }
}

function checkStrings(name: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidOptionError(name, value, 'an array of strings');
  }
}
