import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION, SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';
import { fixture, runScript } from './support/run-script.js';

const dir = createTempDir();
afterAll(() => dir.remove());

interface WorkerReport {
  worker: number;
  race: { won: boolean; actualVersion?: number };
  conflicts: number;
}

describe('several processes on one SQLite file', () => {
  it('appending to the same streams get conflicts, never corrupt or duplicate versions', async () => {
    const file = dir.file();
    const workers = 4;
    const appends = 60;
    // Every process opens the new file at once (so the schema is migrated by exactly one of them).
    const startAt = String(Date.now() + 2_500);
    const results = await Promise.all([
      ...Array.from({ length: workers }, (_, w) =>
        runScript(fixture('append-worker.ts'), [
          file,
          String(w),
          String(appends),
          startAt,
          'race-1',
        ]),
      ),
      runScript(fixture('feed-reader.ts'), [file, String(workers * appends + 2)]),
    ]);
    for (const result of results) expect(result.stderr).toBe('');
    for (const result of results) expect(result.code).toBe(0);
    const reports = results.slice(0, workers).map((r) => JSON.parse(r.stdout) as WorkerReport);
    const reader = JSON.parse(results[workers]?.stdout ?? '') as { seen: number };
    expect(reader.seen).toBe(workers * appends + 2);

    // Exactly one process won the NoStream race; the others saw its two events.
    expect(reports.filter((r) => r.race.won)).toHaveLength(1);
    for (const r of reports.filter((x) => !x.race.won)) expect(r.race.actualVersion).toBe(2);

    const store = new SqliteEventStore(file);
    const shared = await store.read('shared-1');
    expect(shared.version).toBe(workers * appends);
    expect(shared.events.map((e) => e.version)).toEqual(
      Array.from({ length: workers * appends }, (_, i) => i + 1),
    );
    const steps = new Set(shared.events.map((e) => JSON.stringify(e.data)));
    expect(steps.size).toBe(workers * appends);
    const race = await store.read('race-1');
    expect(race.events.map((e) => e.version)).toEqual([1, 2]);
    expect(new Set(race.events.map((e) => JSON.stringify(e.data))).size).toBe(1);
    const feed = await store.readAll().toArray();
    expect(feed).toHaveLength(workers * appends + 2);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM eventfold_migrations').pluck().get()).toBe(
      SQLITE_SCHEMA_VERSION,
    );
    db.close();
  });
});
