import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatabaseError,
  InMemoryEventStore,
  SerializationError,
  ValidationError,
  type EventStore,
  type Position,
} from '../../src/index.js';
import { encodePosition, toRecordedEvents } from '../../src/backend.js';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { MAX_FEED_ARMS } from '../../src/stores/sqlite/sql/read-all-filtered.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();

interface StoredRowSource {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string | null;
  recorded_at: number;
}
afterAll(() => dir.remove());

describe('SqliteEventStore connection settings', () => {
  it('opens a file in WAL mode with synchronous NORMAL and a 5 s busy timeout by default', async () => {
    const store = new SqliteEventStore(dir.file());
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
    await store.close();
    expect(store.database.open).toBe(false);
    const full = new SqliteEventStore(dir.file(), { synchronous: 'FULL', busyTimeout: 250 });
    expect(full.database.pragma('synchronous', { simple: true })).toBe(2);
    expect(full.database.pragma('busy_timeout', { simple: true })).toBe(250);
    await full.close();
  });

  it('uses a handle you pass, changes only the settings given, and leaves it open on close', async () => {
    const db = new Database(dir.file());
    db.pragma('synchronous = OFF');
    db.defaultSafeIntegers(true);
    const store = new SqliteEventStore(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.pragma('synchronous', { simple: true })).toBe(0n);
    const result = await store.append('a-1', [{ type: 'A', data: { big: 2 ** 40 } }]);
    const read = await store.read('a-1');
    expect(read.version).toBe(1);
    expect(read.events[0]?.version).toBe(1);
    expect(read.events[0]?.position).toBe(result.position);
    expect(await store.getVersion('a-1')).toBe(1);
    await store.close();
    expect(db.open).toBe(true);
    const configured = new SqliteEventStore(db, { synchronous: 'FULL', busyTimeout: 10 });
    expect(db.pragma('synchronous', { simple: true })).toBe(2n);
    await configured.close();
    db.close();
  });

  it('rejects bad options and arguments with a ValidationError', () => {
    expect(() => new SqliteEventStore(':memory:', { synchronous: 'OFF' as never })).toThrow(
      ValidationError,
    );
    expect(() => new SqliteEventStore(':memory:', { busyTimeout: -1 })).toThrow(ValidationError);
    expect(() => new SqliteEventStore(':memory:', { busyTimeout: 1.5 })).toThrow(ValidationError);
    expect(() => new SqliteEventStore(42 as never)).toThrow(ValidationError);
    expect(() => new SqliteEventStore('')).toThrow(ValidationError);
  });
});

describe('SqliteEventStore driver errors', () => {
  it('fails an append with a DatabaseError when another connection holds the write lock past the busy timeout', async () => {
    const file = dir.file();
    const store = new SqliteEventStore(file, { busyTimeout: 30 });
    await store.append('a-1', [{ type: 'A', data: {} }]);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const error = await store.append('a-1', [{ type: 'A', data: {} }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(String(error)).toMatch(/busy/i);
    // Readers are not blocked by the writer (WAL), and nothing was written.
    expect(await store.getVersion('a-1')).toBe(1);
    other.exec('ROLLBACK');
    other.close();
    expect(
      (await store.append('a-1', [{ type: 'A', data: {} }], { expectedVersion: 1 })).version,
    ).toBe(2);
    await store.close();
  });

  it('reports a handle closed behind its back as a DatabaseError', async () => {
    const db = new Database(':memory:');
    const store = new SqliteEventStore(db);
    db.close();
    await expect(store.append('a-1', [{ type: 'A', data: {} }])).rejects.toThrow(DatabaseError);
    await expect(store.read('a-1')).rejects.toThrow(DatabaseError);
    await expect(store.readAllPage()).rejects.toThrow(DatabaseError);
    await expect(store.getVersion('a-1')).rejects.toThrow(DatabaseError);
    await store.close();
  });

  it('refuses a closed handle', () => {
    const db = new Database(':memory:');
    db.close();
    expect(() => new SqliteEventStore(db)).toThrow(DatabaseError);
  });
});

describe('SqliteEventStore data round trip', () => {
  it('stores unicode ids and data, big batches and caller ids exactly', async () => {
    const store = new SqliteEventStore(dir.file());
    const id = 'Ünïcode-流-🙂';
    const data = {
      text: 'nul \u0000 inside, emoji 🙂, quote " and \\',
      n: -0.5,
      deep: { list: [1, 'two', null] },
    };
    await store.append(id, [
      { type: 'Ü', data, metadata: { correlationId: 'c', user: { name: 'é' } } },
    ]);
    const [event] = (await store.read(id)).events;
    expect(event?.data).toEqual(data);
    expect(event?.metadata).toEqual({ correlationId: 'c', user: { name: 'é' } });
    expect(
      (await store.readAll({ categories: ['Ünïcode'] }).toArray()).map((e) => e.streamId),
    ).toEqual([id]);

    const batch = Array.from({ length: 2_000 }, (_, n) => ({
      id: crypto.randomUUID(),
      type: 'Big',
      data: { n },
    }));
    const first = await store.append('big-1', batch, { expectedVersion: 0 });
    expect(first.version).toBe(2_000);
    // An idempotent retry of 2,000 caller ids returns the original result and writes nothing.
    expect(await store.append('big-1', batch, { expectedVersion: 0 })).toEqual(first);
    expect((await store.readAllPage({ limit: 10_000 })).events).toHaveLength(2_001);
    await store.close();
  });
});

describe('SqliteEventStore read fast path', () => {
  it('builds exactly what the core builds from the same rows', async () => {
    const store = new SqliteEventStore(':memory:');
    await store.append('Task-1', [
      { type: 'A', data: { n: 1 } },
      { type: 'B', data: [1, 'x'], metadata: { correlationId: 'c-1' } },
    ]);
    await store.append('Other-1', [{ type: 'C', data: null }]);
    const rows = store.database
      .prepare<[], StoredRowSource>(
        'SELECT position, stream_id, version, event_id, type, data, metadata, recorded_at FROM eventfold_events ORDER BY position',
      )
      .all();
    const expected = await toRecordedEvents(
      rows.map((r) => ({
        streamId: r.stream_id,
        version: r.version,
        position: encodePosition(r.position),
        id: r.event_id,
        type: r.type,
        data: r.data,
        metadata: r.metadata,
        recordedAt: new Date(r.recorded_at),
      })),
      undefined,
    );
    expect((await store.readAllPage()).events).toStrictEqual(expected);
    expect((await store.read('Task-1')).events).toStrictEqual(expected.slice(0, 2));
    expect((await store.read('Task-1', { from: 2 })).events).toStrictEqual(expected.slice(1, 2));
    expect(expected.map((e) => e.position)).toStrictEqual([
      '00000000000000000001',
      '00000000000000000002',
      '00000000000000000003',
    ]);
    await store.close();
  });

  it('reports stored JSON that does not parse as a SerializationError naming the event', async () => {
    const store = new SqliteEventStore(':memory:');
    await store.append('Task-1', [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ]);
    store.database.prepare("UPDATE eventfold_events SET data = '{broken' WHERE version = 2").run();
    await expect(store.read('Task-1')).rejects.toThrow(SerializationError);
    await expect(store.readAllPage()).rejects.toThrow(/Task-1@2\.data/);
    expect((await store.read('Task-1', { limit: 1 })).events).toHaveLength(1);
    await store.close();
  });
});

describe('SqliteEventStore filtered feed', () => {
  it('agrees with the in-memory store for every mix of type and category lists, page by page', async () => {
    const sqlite = new SqliteEventStore(':memory:');
    const memory = new InMemoryEventStore();
    const categories = Array.from({ length: 12 }, (_, i) => `C${i}`);
    const types = Array.from({ length: 12 }, (_, i) => `T${i}`);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const streamId = `${categories[random(12)]}-${random(20)}`;
      const events = Array.from({ length: 1 + random(3) }, () => ({
        type: types[random(12)] ?? 'T0',
        data: { i },
      }));
      await sqlite.append(streamId, events);
      await memory.append(streamId, events);
    }
    const pick = (list: string[], count: number) =>
      list.filter((_, i) => i % Math.ceil(12 / count) === 0).slice(0, count);
    const shapes: { types?: string[]; categories?: string[] }[] = [];
    for (const count of [1, 2, MAX_FEED_ARMS, MAX_FEED_ARMS + 1, 12]) {
      shapes.push({ types: pick(types, count) }, { categories: pick(categories, count) });
      shapes.push({ types: pick(types, count), categories: pick(categories, 3) });
      shapes.push({ types: pick(types, 2), categories: pick(categories, count) });
    }
    shapes.push({ types: ['missing'] }, { types: [] }, { categories: [] }, {});
    const summary = async (store: EventStore, shape: (typeof shapes)[number], limit: number) => {
      const pages: string[][] = [];
      let after: Position | undefined;
      for (;;) {
        const page = await store.readAllPage({ ...shape, after, limit });
        pages.push(page.events.map((e) => `${e.position}/${e.streamId}/${e.version}/${e.type}`));
        expect(page.next).toBe(page.events.at(-1)?.position ?? after);
        if (page.isEnd) break;
        after = page.next;
      }
      return pages;
    };
    for (const shape of shapes) {
      for (const limit of [1, 7, 500]) {
        expect(await summary(sqlite, shape, limit), JSON.stringify({ shape, limit })).toEqual(
          await summary(memory, shape, limit),
        );
      }
    }
    await sqlite.close();
  });
});
