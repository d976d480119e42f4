import { ValidationError } from '../../core/errors.js';
import type { SqliteEventStoreOptions } from './sqlite-event-store-options.js';

/** What a `sqlite:` URL names: a file (or `:memory:`) and the options in its query string. */
export interface ParsedSqliteUrl {
  readonly filename: string;
  readonly options: Pick<SqliteEventStoreOptions, 'synchronous' | 'busyTimeout'>;
}

/**
 * Reads a `sqlite:` URL: `sqlite://relative/path.db` (relative to the working
 * directory), `sqlite:///absolute/path.db`, or `sqlite://:memory:`; the path is
 * percent-decoded, and the query may set `synchronous` (`normal` or `full`) and
 * `busyTimeout` (milliseconds). Throws a {@link ValidationError}.
 *
 * @example
 * ```ts
 * parseSqliteUrl('sqlite:///var/lib/app/events.db?synchronous=full');
 * // { filename: '/var/lib/app/events.db', options: { synchronous: 'FULL' } }
 * ```
 */
export function parseSqliteUrl(url: string): ParsedSqliteUrl {
  const match = /^sqlite:(?:\/\/)?([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (match === null)
    throw new ValidationError(`Invalid SQLite URL "${url}": expected sqlite://path/to/file.db`);
  let filename: string;
  try {
    filename = decodeURIComponent(match[1] ?? '');
  } catch {
    throw new ValidationError(
      `Invalid SQLite URL "${url}": the path is not valid percent-encoding`,
    );
  }
  if (filename.length === 0) {
    throw new ValidationError(
      `Invalid SQLite URL "${url}": no file name (use sqlite://file.db or sqlite://:memory:)`,
    );
  }
  const options: { synchronous?: 'NORMAL' | 'FULL'; busyTimeout?: number } = {};
  for (const [key, value] of new URLSearchParams(match[2] ?? '')) {
    if (key === 'synchronous') {
      const mode = value.toUpperCase();
      if (mode !== 'NORMAL' && mode !== 'FULL') {
        throw new ValidationError(
          `Invalid SQLite URL "${url}": synchronous must be normal or full`,
        );
      }
      options.synchronous = mode;
    } else if (key === 'busyTimeout' || key === 'busy_timeout') {
      const ms = Number(value);
      if (value === '' || !Number.isSafeInteger(ms) || ms < 0) {
        throw new ValidationError(
          `Invalid SQLite URL "${url}": busyTimeout must be a non-negative integer (milliseconds)`,
        );
      }
      options.busyTimeout = ms;
    } else {
      throw new ValidationError(
        `Invalid SQLite URL "${url}": unknown parameter "${key}" (known: synchronous, busyTimeout)`,
      );
    }
  }
  return { filename, options };
}
