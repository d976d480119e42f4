import type { NormalizedQuery } from '../../core/event-query.js';
import type { FeedFilter, ReadAllOptions } from '../../core/event-store.js';
import { checkOption } from '../../core/options.js';
import { normalizeReadAllOptions } from '../../core/read-options.js';
import type { EventRegistry } from '../../core/registry.js';
import type { FeedFilterQuery } from './event-store-driver.js';

/**
 * `types` with the former names the registry knows for each (see
 * `EventRegistry.storedNamesOf`), so a read by a renamed type also finds the
 * events stored under its old names.
 *
 * @example
 * ```ts
 * widenTypes(registry, ['CartOpened']); // ['CartOpened', 'CartCreated'] when renamed from CartCreated
 * ```
 */
export function widenTypes(
  registry: EventRegistry | undefined,
  types: readonly string[],
): readonly string[] {
  if (registry?.hasFormerNames !== true) return types;
  const out = new Set<string>();
  for (const type of types) for (const name of registry.storedNamesOf(type)) out.add(name);
  return out.size === types.length ? types : [...out];
}

/** A feed filter whose `types` are widened by {@link widenTypes}. */
export function widenFilter<F extends { readonly types: readonly string[] | undefined }>(
  registry: EventRegistry | undefined,
  filter: F,
): F {
  if (filter.types === undefined || registry?.hasFormerNames !== true) return filter;
  const types = widenTypes(registry, filter.types);
  return types === filter.types ? filter : { ...filter, types };
}

/** A query whose items' `types` are widened by {@link widenTypes}. */
export function widenQuery(
  registry: EventRegistry | undefined,
  query: NormalizedQuery,
): NormalizedQuery {
  if (registry?.hasFormerNames !== true) return query;
  return {
    items: query.items.map((item) =>
      item.types === undefined ? item : { ...item, types: widenTypes(registry, item.types) },
    ),
  };
}

/** Checks a feed filter (`types`, `categories`) as `readAll` checks its options. */
export function checkFilter(filter: FeedFilter | undefined): FeedFilterQuery {
  checkOption.object('filter', filter);
  const options: ReadAllOptions = {};
  if (filter?.types !== undefined) options.types = filter.types;
  if (filter?.categories !== undefined) options.categories = filter.categories;
  const { types, categories } = normalizeReadAllOptions(options);
  return { types, categories };
}
