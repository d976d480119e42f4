import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, ValidationError } from '../../src/index.js';
import { parseSqliteUrl, SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { asSqlite } from './support/as-sqlite.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();
afterAll(() => dir.remove());

describe('createEventStore with sqlite: URLs', () => {
  it('opens sqlite://relative/path.db relative to the working directory', async () => {
    const file = dir.file('relative.db');
    const store = await createEventStore(`sqlite://${relative(process.cwd(), file)}`);
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.append('a-1', [{ type: 'A', data: { n: 1 } }]);
    await store.close();
    expect(existsSync(file)).toBe(true);
    const again = await createEventStore(`sqlite://${relative(process.cwd(), file)}`);
    expect(await again.getVersion('a-1')).toBe(1);
    await again.close();
  });

  it('opens sqlite:///absolute/path.db', async () => {
    const file = dir.file('absolute.db');
    expect(file.startsWith('/')).toBe(true);
    const store = await createEventStore(`sqlite://${file}`);
    await store.append('a-1', [{ type: 'A', data: {} }]);
    expect(asSqlite(store).database.name).toBe(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('opens sqlite://:memory: as a private in-memory database', async () => {
    const one = await createEventStore('sqlite://:memory:');
    const two = await createEventStore('sqlite://:memory:');
    await one.append('a-1', [{ type: 'A', data: {} }]);
    expect(asSqlite(one).database.memory).toBe(true);
    expect(await two.exists('a-1')).toBe(false);
    await one.close();
    await two.close();
  });

  it('takes synchronous and busyTimeout from the query string', async () => {
    const store = asSqlite(
      await createEventStore(`sqlite://${dir.file()}?synchronous=full&busyTimeout=1234`),
    );
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(1234);
    await store.close();
  });

  it('parses the URL forms', () => {
    expect(parseSqliteUrl('sqlite://events.db')).toEqual({ filename: 'events.db', options: {} });
    expect(parseSqliteUrl('sqlite://data/events.db')).toEqual({
      filename: 'data/events.db',
      options: {},
    });
    expect(parseSqliteUrl('sqlite:///var/lib/events.db')).toEqual({
      filename: '/var/lib/events.db',
      options: {},
    });
    expect(parseSqliteUrl('sqlite://:memory:')).toEqual({ filename: ':memory:', options: {} });
    expect(parseSqliteUrl('SQLite://my%20events.db?synchronous=NORMAL')).toEqual({
      filename: 'my events.db',
      options: { synchronous: 'NORMAL' },
    });
    expect(parseSqliteUrl('sqlite:events.db').filename).toBe('events.db');
  });

  it('rejects malformed sqlite: URLs with a ValidationError', async () => {
    for (const url of [
      'sqlite://',
      'sqlite:',
      'sqlite://x.db?synchronous=off',
      'sqlite://x.db?busyTimeout=-1',
      'sqlite://x.db?busyTimeout=',
      'sqlite://x.db?journal=wal',
      'sqlite://%E0%A4%A.db',
    ]) {
      await expect(createEventStore(url), url).rejects.toThrow(ValidationError);
    }
  });

  it('fails with a DatabaseError when the file cannot be opened', async () => {
    await expect(createEventStore(`sqlite://${dir.path}/missing-dir/x.db`)).rejects.toMatchObject({
      code: 'DATABASE',
    });
  });
});
