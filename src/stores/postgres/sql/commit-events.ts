import { eventMatchesQuery, type NormalizedQuery } from '../../../core/event-query.js';
import { categoryOf } from '../../../core/stream-id.js';
import type { WriteUnit } from '../../kernel/event-store-driver.js';
import { LOCK_SEED } from '../migrations/0003-tags-and-commit.js';
import type { PostgresCursor } from '../postgres-driver.js';
import { encodeExpectedVersion } from './append-events.js';

/**
 * Above this many distinct tags of new events, a commit takes the
 * "conditions" key exclusively instead of their keys: it then waits for every
 * conditional writer and they for it, and the lock table (sized by
 * `max_locks_per_transaction`) is spared thousands of keys.
 */
export const MAX_EVENT_LOCK_KEYS = 64;

/** A row returned by `commit_events` (positions and versions as text or numbers, as `pg` parses them). */
export interface CommitEventsRow {
  /** `'unit'`: a unit's decision; `'entry'`: an entry's result (or its version, with stored ids); `'existing'`: a stored id. */
  readonly o_kind: 'unit' | 'entry' | 'existing';
  /** The unit or entry, from 1 (`null` for `'existing'`). */
  readonly o_index: number | null;
  /** `'ok'`, `'conflict'` (an expected version not met), `'condition'` (the condition failed) or `'existing'`. */
  readonly o_status: string | null;
  /** The version read for a `'conflict'` or an `'existing'` entry. */
  readonly o_actual: string | number | null;
  readonly o_event_id: string | null;
  readonly o_stream_id: string | null;
  /** An entry's new version, a stored event's version, or for a `'conflict'` the failing entry (from 1). */
  readonly o_version: string | number | null;
  readonly o_transaction_id: string | null;
  readonly o_global_position: string | null;
}

/** The call of `<schema>.commit_events`: many units in one statement and one round trip. */
export function commitEventsSql(s: string): string {
  return `SELECT o_kind, o_index, o_status, o_actual, o_event_id, o_stream_id, o_version, o_transaction_id::text, o_global_position::text
FROM ${s}.commit_events($1::text[], $2::int[], $3::boolean[], $4::boolean, $5::text[], $6::int[], $7::int[], $8::text[], $9::bigint[], $10::bigint[], $11::uuid[], $12::jsonb, $13::int[], $14::int[], $15::uuid[], $16::int[], $17::bigint[], $18::text[], $19::text[], $20::text[], $21::int[], $22::text[], $23::int[])`;
}

/**
 * The locks of a commit: advisory keys as (text, seed, exclusive) before
 * hashing, and whether the events table is locked against other writers.
 */
class LockKeys {
  readonly #keys = new Map<string, { text: string; seed: number; exclusive: boolean }>();
  #tagKeys = 0;
  #table = false;

  add(text: string, seed: number, exclusive: boolean): void {
    const id = `${seed}:${text}`;
    const key = this.#keys.get(id);
    if (key === undefined) {
      this.#keys.set(id, { text, seed, exclusive });
      if (!exclusive && seed === LOCK_SEED.tag) this.#tagKeys++;
    } else if (exclusive) key.exclusive = true;
  }

  /** Adds the keys a writer of an event with `tags` takes shared. */
  addEvent(tags: readonly string[]): void {
    for (const tag of tags) this.add(tag, LOCK_SEED.tag, false);
  }

  /**
   * Adds the locks a condition on `query` takes (see docs/postgres.md): one
   * tag of each item exclusive; an item without tags, or no items, locks the
   * events table against every other writer instead.
   */
  addCondition(query: NormalizedQuery): void {
    this.add('', LOCK_SEED.conditions, false);
    if (query.items.length === 0) this.#table = true;
    for (const item of query.items) {
      const [tag] = item.tags;
      if (tag !== undefined) this.add(tag, LOCK_SEED.tag, true);
      else this.#table = true;
    }
  }

  values(): [string[], number[], boolean[], boolean] {
    const escalate = this.#tagKeys > MAX_EVENT_LOCK_KEYS;
    const texts: string[] = [];
    const seeds: number[] = [];
    const exclusive: boolean[] = [];
    for (const key of this.#keys.values()) {
      if (escalate && key.seed === LOCK_SEED.tag && !key.exclusive) continue;
      texts.push(key.text);
      seeds.push(key.seed);
      exclusive.push(key.exclusive);
    }
    if (escalate) {
      texts.push('');
      seeds.push(LOCK_SEED.conditions);
      exclusive.push(true);
    }
    return [texts, seeds, exclusive, this.#table];
  }
}

/**
 * The parameters of {@link commitEventsSql} for units whose event ids are
 * distinct: the lock keys, one row per entry, the conditions' items (as JSON)
 * with the earlier units whose new events match each condition, and one array
 * per event column.
 */
export function commitEventsValues(units: readonly WriteUnit<PostgresCursor>[]): unknown[] {
  const locks = new LockKeys();
  const streams: string[] = [];
  const slots = new Map<string, number>();
  const entryUnit: number[] = [];
  const entrySlot: number[] = [];
  const entryCategory: string[] = [];
  const entryExpected: number[] = [];
  const entryCount: number[] = [];
  const lookup: string[] = [];
  const items: unknown[] = [];
  const depUnit: number[] = [];
  const depOn: number[] = [];
  const ids: string[] = [];
  const eventEntry: number[] = [];
  const eventOffset: number[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: (string | null)[] = [];
  const schemaVersions: (number | null)[] = [];
  const tagEvent: number[] = [];
  const tags: string[] = [];
  units.forEach((unit, u) => {
    const condition = unit.condition;
    if (condition !== undefined) {
      locks.addCondition(condition.query);
      const [x, p] = condition.after ?? [0n, 0n];
      const conditionItems =
        condition.query.items.length === 0
          ? [{ types: undefined, tags: [] }]
          : condition.query.items;
      for (const item of conditionItems)
        items.push({ u: u + 1, x: String(x), p: String(p), ty: item.types ?? null, tg: item.tags });
      for (let v = 0; v < u; v++) {
        if (unitMatches(units[v], condition.query)) {
          depUnit.push(u + 1);
          depOn.push(v + 1);
        }
      }
    }
    for (const entry of unit.entries) {
      locks.add(entry.streamId, LOCK_SEED.stream, true);
      let slot = slots.get(entry.streamId);
      if (slot === undefined) {
        streams.push(entry.streamId);
        slot = streams.length;
        slots.set(entry.streamId, slot);
      }
      entryUnit.push(u + 1);
      entrySlot.push(slot);
      entryCategory.push(categoryOf(entry.streamId));
      entryExpected.push(encodeExpectedVersion(entry.expectedVersion));
      entryCount.push(entry.events.length);
      const entryIndex = entryUnit.length;
      entry.events.forEach((event, i) => {
        locks.addEvent(event.tags);
        if (event.idProvided) lookup.push(event.id);
        ids.push(event.id);
        eventEntry.push(entryIndex);
        eventOffset.push(i + 1);
        types.push(event.type);
        data.push(event.data);
        metadata.push(event.metadata);
        schemaVersions.push(event.schemaVersion ?? null);
        for (const tag of event.tags) {
          tagEvent.push(ids.length);
          tags.push(tag);
        }
      });
    }
  });
  return [
    ...locks.values(),
    streams,
    entryUnit,
    entrySlot,
    entryCategory,
    entryExpected,
    entryCount,
    lookup.length === 0 ? null : lookup,
    items.length === 0 ? null : JSON.stringify(items),
    depUnit,
    depOn,
    ids,
    eventEntry,
    eventOffset,
    types,
    data,
    metadata,
    tagEvent,
    tags,
    schemaVersions,
  ];
}

/** Whether any new event of `unit` matches `query`. */
function unitMatches(unit: WriteUnit<PostgresCursor> | undefined, query: NormalizedQuery): boolean {
  return (
    unit?.entries.some((entry) =>
      entry.events.some((event) => eventMatchesQuery(query, event.type, event.tags)),
    ) ?? false
  );
}
