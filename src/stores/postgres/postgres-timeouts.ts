import { InvalidOptionError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';

/**
 * The time limits of a PostgreSQL store, in milliseconds (0: none).
 *
 * @example
 * ```ts
 * store.timeouts; // { connectTimeoutMs: 10000, statementTimeoutMs: 30000 }
 * ```
 */
export interface PostgresTimeouts {
  /** How long opening a connection (or waiting for one of a full pool) may take. */
  readonly connectTimeoutMs: number;
  /** How long each of the store's own statements may wait for its answer (never your handlers' queries). */
  readonly statementTimeoutMs: number;
}

/** Default {@link PostgresTimeouts}. */
export const DEFAULT_TIMEOUTS: PostgresTimeouts = Object.freeze({
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
});

const NAMES = ['connectTimeoutMs', 'statementTimeoutMs'] as const;
type TimeoutName = (typeof NAMES)[number];

/** Checks a timeout option: integer milliseconds, 0 for none. */
export function checkTimeoutOption(name: TimeoutName, value: unknown): void {
  checkOption.milliseconds(name, value);
}

/**
 * Takes the `connectTimeoutMs` and `statementTimeoutMs` query parameters off a
 * connection URL (`pg` does not know them) and checks their values: integer
 * milliseconds, each given at most once, else an {@link InvalidOptionError}
 * naming the parameter.
 *
 * @example
 * ```ts
 * splitTimeoutParams('postgresql://db/app?statementTimeoutMs=5000&sslmode=require');
 * // { url: 'postgresql://db/app?sslmode=require', timeouts: { statementTimeoutMs: 5000 } }
 * ```
 */
export function splitTimeoutParams(url: string): {
  url: string;
  timeouts: Partial<Record<TimeoutName, number>>;
} {
  const query = url.indexOf('?');
  if (query < 0) return { url, timeouts: {} };
  const hash = url.indexOf('#', query);
  const end = hash < 0 ? url.length : hash;
  const kept: string[] = [];
  const timeouts: Partial<Record<TimeoutName, number>> = {};
  for (const part of url.slice(query + 1, end).split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const name = NAMES.find((n) => n === key);
    if (name === undefined) {
      if (part !== '') kept.push(part);
      continue;
    }
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (timeouts[name] !== undefined) {
      throw new InvalidOptionError(name, raw, 'one value (the URL gives it more than once)');
    }
    const value = /^\d{1,10}$/.test(raw) ? Number(raw) : raw;
    checkTimeoutOption(name, value);
    timeouts[name] = value as number;
  }
  const rest = kept.length === 0 ? '' : `?${kept.join('&')}`;
  return { url: url.slice(0, query) + rest + url.slice(end), timeouts };
}
