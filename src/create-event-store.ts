import { ValidationError } from './core/errors.js';
import type { EventStore } from './core/event-store.js';
import { resolveEventStoreOptions, type EventStoreOptions } from './core/store-options.js';
import { InMemoryEventStore } from './stores/memory/in-memory-event-store.js';

/** Options of {@link createEventStore}: the options every store takes, whatever the URL. */
export type CreateEventStoreOptions = EventStoreOptions;

/**
 * Creates an event store from a URL. The driver of a database backend is
 * loaded only when its scheme is used.
 *
 * - `memory:`: an {@link InMemoryEventStore}
 * - `sqlite://relative/path.db`, `sqlite:///absolute/path.db`, `sqlite://:memory:`:
 *   a `SqliteEventStore` (needs `better-sqlite3`; the query may set
 *   `synchronous=normal|full` and `busyTimeout=<ms>`)
 * - `postgresql://user:password@host:5432/db` or `postgres://…`: a
 *   `PostgresEventStore` (needs `pg`), its schema migrated before this
 *   resolves; `?schema=name` chooses the schema (default `eventfold`)
 * - `nats://host:4222` (servers separated by commas): a `NatsEventStore`
 *   (needs `@nats-io/transport-node`, `@nats-io/jetstream` and `@nats-io/kv`)
 *   on a connection it owns, its stream created or checked before this
 *   resolves; the query may set `stream` (default `eventfold`), `replicas`
 *   and `timeoutMs`
 *
 * @example
 * ```ts
 * const store = await createEventStore('memory:');
 * ```
 */
export async function createEventStore(
  url: string,
  options: CreateEventStoreOptions = {},
): Promise<EventStore> {
  if (typeof url !== 'string')
    throw new ValidationError('createEventStore: the URL must be a string');
  resolveEventStoreOptions(options); // bad options fail here, whatever the backend
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      if (url.toLowerCase() !== 'memory:' && url.toLowerCase() !== 'memory://') {
        throw new ValidationError(
          `createEventStore: "memory:" takes nothing after the scheme, got "${url}"`,
        );
      }
      return Promise.resolve(new InMemoryEventStore(options));
    case 'sqlite': {
      const sqlite = await import('./stores/sqlite/index.js');
      const parsed = sqlite.parseSqliteUrl(url);
      return sqlite.openSqliteEventStore(parsed.filename, { ...parsed.options, ...options });
    }
    case 'postgres':
    case 'postgresql': {
      const { PostgresEventStore } = await import('./stores/postgres/index.js');
      return PostgresEventStore.connect({ ...options, connectionString: url });
    }
    case 'nats': {
      const { parseNatsUrl } = await import('./stores/nats/nats-url.js');
      const parsed = parseNatsUrl(url);
      const { NatsEventStore } = await import('./stores/nats/index.js');
      return NatsEventStore.connect({ ...parsed.options, ...options, servers: parsed.servers });
    }
    default:
      throw new ValidationError(
        `createEventStore: unsupported URL scheme ${scheme === undefined ? '(none)' : `"${scheme}:"`}; use memory:, sqlite://file.db, postgresql://user@host/db or nats://host:4222`,
      );
  }
}
