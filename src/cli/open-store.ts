import { existsSync } from 'node:fs';
import { EventfoldError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import { createEventStore } from '../create-event-store.js';
import { backendOf } from './url.js';

/** A read-only command named a SQLite file that does not exist: nothing was created. */
export class StoreNotFoundError extends EventfoldError {
  static override readonly code: string = 'STORE_NOT_FOUND';
}

/**
 * Opens the store of `url` (its schema brought up to date, as the library
 * does). Unless `create`, a SQLite file that does not exist is a
 * {@link StoreNotFoundError} rather than a new empty store.
 */
export async function openStore(url: string, create: boolean): Promise<EventStore> {
  const backend = backendOf(url);
  if (backend === 'sqlite' && !create) {
    const { parseSqliteUrl } = await import('../stores/sqlite/sqlite-url.js');
    const { filename } = parseSqliteUrl(url);
    if (filename !== ':memory:' && !existsSync(filename)) {
      throw new StoreNotFoundError(
        `No SQLite store at "${filename}": run \`eventfold migrate\` (or append or import) to create it`,
      );
    }
  }
  return createEventStore(url);
}

/** Runs `body` with the store of `url`, closing it afterwards. */
export async function withStore<T>(
  url: string,
  create: boolean,
  body: (store: EventStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(url, create);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
