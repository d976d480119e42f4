import { ValidationError } from '../../core/errors.js';
import type { NatsEventStoreOptions } from './nats-event-store-options.js';

/** What a `nats:` URL names: its servers and the options in its query string. */
export interface ParsedNatsUrl {
  readonly servers: readonly string[];
  readonly options: Pick<NatsEventStoreOptions, 'stream' | 'replicas' | 'timeoutMs'>;
}

/**
 * Reads a `nats:` URL: `nats://host:4222` (several servers separated by
 * commas: `nats://a:4222,b:4222`), with optional `user:password@`; the query
 * may set `stream`, `replicas` and `timeoutMs`. Throws a {@link ValidationError}.
 *
 * @example
 * ```ts
 * parseNatsUrl('nats://127.0.0.1:4222?stream=orders');
 * // { servers: ['nats://127.0.0.1:4222'], options: { stream: 'orders' } }
 * ```
 */
export function parseNatsUrl(url: string): ParsedNatsUrl {
  const match = /^nats:\/\/([^/?#]+)\/?(?:\?([^#]*))?$/i.exec(url);
  if (match === null)
    throw new ValidationError(`Invalid NATS URL "${url}": expected nats://host:port`);
  const hosts = (match[1] ?? '').split(',');
  if (hosts.some((h) => h === '' || /\s/.test(h)))
    throw new ValidationError(`Invalid NATS URL "${url}": an empty or malformed server`);
  const servers = hosts.map((h) => `nats://${h}`);
  const options: { stream?: string; replicas?: number; timeoutMs?: number } = {};
  for (const [key, value] of new URLSearchParams(match[2] ?? '')) {
    if (key === 'stream') options.stream = value;
    else if (key === 'replicas' || key === 'timeoutMs') {
      const n = Number(value);
      if (value === '' || !Number.isSafeInteger(n) || n < 1)
        throw new ValidationError(`Invalid NATS URL "${url}": ${key} must be a positive integer`);
      options[key] = n;
    } else
      throw new ValidationError(
        `Invalid NATS URL "${url}": unknown parameter "${key}" (known: stream, replicas, timeoutMs)`,
      );
  }
  return { servers, options };
}
