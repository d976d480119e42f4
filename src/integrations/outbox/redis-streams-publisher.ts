import { createHash } from 'node:crypto';
import { InvalidOptionError } from '../../core/errors.js';
import type { RecordedEvent } from '../../core/events.js';
import { checkOption } from '../../core/options.js';
import { fillTemplate, toOutboxMessage } from './outbox-message.js';
import { BrokerUnavailableError, PublishRejectedError } from './outbox-errors.js';
import type { Publisher } from './publisher.js';

/** The part of an `ioredis` client (`Redis`) the Redis Streams publisher uses. */
export interface RedisCallClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisStreamsPublisher}. */
export interface RedisStreamsPublisherOptions {
  /** The Redis stream key: a fixed key, or a template with `{category}` (default `'events:{category}'`). */
  stream?: string;
  /** The prefix of the dedup keys, one per event id (default `'eventfold:dedup:'`). */
  dedupPrefix?: string;
  /** How long an event id is remembered, in milliseconds (default 24 hours): the dedup window. */
  dedupTtlMs?: number;
  /** Trims each stream to about this many entries (`XADD MAXLEN ~`); default: no trimming. */
  maxLen?: number;
}

/**
 * Adds each event once: SET its dedup key NX with a TTL, then XADD; an XADD that fails deletes the
 * key again. Exported for the benchmark's raw client (bench/outbox.ts), which runs the same script.
 *
 * @internal
 */
export const SCRIPT = `
local ttl = ARGV[1]
local maxlen = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local b = 2 + (i - 1) * 9
  if redis.call('SET', KEYS[2 * i - 1], '1', 'NX', 'PX', ttl) then
    local args = { KEYS[2 * i] }
    if maxlen > 0 then
      args[#args + 1] = 'MAXLEN'; args[#args + 1] = '~'; args[#args + 1] = maxlen
    end
    args[#args + 1] = '*'
    local names = { 'id', 'type', 'streamId', 'category', 'version', 'position', 'data', 'metadata', 'recordedAt' }
    for f = 1, 9 do
      args[#args + 1] = names[f]; args[#args + 1] = ARGV[b + f]
    end
    local added = redis.pcall('XADD', unpack(args))
    if type(added) == 'table' and added.err then
      redis.call('DEL', KEYS[2 * i - 1])
      out[i] = { -1, added.err }
    else
      out[i] = { 1, added }
    end
  else
    out[i] = { 0, '' }
  end
end
return out`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');
/** Server replies that mean "not now" rather than "not this event". */
const TRANSIENT = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)/;

/**
 * A {@link Publisher} to Redis Streams through an `ioredis` client: each
 * event is an entry (`XADD`) of the stream named by `stream` (one per
 * category by default), with the fields `id`, `type`, `streamId`, `category`,
 * `version`, `position`, `data` and `metadata` (JSON) and `recordedAt`.
 * Redis has no dedup of its own, so one Lua script per batch sets a key per
 * event id (`SET NX` with a TTL of `dedupTtlMs`) and adds the entry only when
 * the key was new: a retry within the window adds no copy. The client is the
 * caller's: `close()` leaves it open.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStreamsPublisher } from 'eventfold/outbox';
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const publisher = redisStreamsPublisher(redis, { stream: 'shop:{category}' });
 * await publisher.close();
 * redis.disconnect();
 * ```
 */
export function redisStreamsPublisher(
  client: RedisCallClient,
  options: RedisStreamsPublisherOptions = {},
): Publisher {
  if (typeof client !== 'object' || client === null || typeof client.call !== 'function') {
    throw new InvalidOptionError('client', client, 'an ioredis client');
  }
  checkOption.object('options', options);
  const {
    stream = 'events:{category}',
    dedupPrefix = 'eventfold:dedup:',
    dedupTtlMs = 86_400_000,
    maxLen = 0,
  } = options;
  checkOption.string('stream', stream);
  checkOption.string('dedupPrefix', dedupPrefix, true);
  checkOption.integer('dedupTtlMs', dedupTtlMs, 1);
  checkOption.integer('maxLen', maxLen, 0);
  const name = 'redis-streams';

  const run = async (events: readonly RecordedEvent[]): Promise<unknown> => {
    const keys: string[] = [];
    const args: string[] = [String(dedupTtlMs), String(maxLen)];
    for (const event of events) {
      const m = toOutboxMessage(event);
      keys.push(`${dedupPrefix}${event.id}`, fillTemplate(stream, event));
      args.push(m.id, m.type, m.streamId, m.category, String(m.version), m.position);
      args.push(JSON.stringify(m.data), JSON.stringify(m.metadata), m.recordedAt);
    }
    try {
      return await client.call('EVALSHA', SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!replyText(error).startsWith('NOSCRIPT')) throw error;
      return client.call('EVAL', SCRIPT, keys.length, ...keys, ...args);
    }
  };

  return {
    name,
    publish(events) {
      const outcome = run(events).then(
        (reply) => ({ reply }),
        (error: unknown) => ({ error: classify(error, events) }),
      );
      return events.map((event, i) =>
        outcome.then((result) => {
          if ('error' in result) throw result.error;
          const entry = (result.reply as unknown[] | undefined)?.[i] as
            [number, unknown] | undefined;
          if (entry?.[0] === -1) throw new PublishRejectedError(name, event.id, String(entry[1]));
          if (entry === undefined) throw new PublishRejectedError(name, event.id, 'no reply');
        }),
      );
    },
    close: () => Promise.resolve(),
  };

  function classify(error: unknown, events: readonly RecordedEvent[]): Error {
    const reply = replyText(error);
    if (reply !== '' && !TRANSIENT.test(reply)) {
      return new PublishRejectedError(name, events.map((e) => e.id).join(','), reply, {
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new BrokerUnavailableError(name, reason, { cause: error });
  }
}

/** The text of a Redis error reply (`ReplyError`), or `''` for any other error. */
function replyText(error: unknown): string {
  if (!(error instanceof Error) || error.name !== 'ReplyError') return '';
  return error.message;
}
