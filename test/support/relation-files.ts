/**
 * Reading PostgreSQL's relation files, for the physical tests (no plaintext left on disk): the
 * server reads them for us with `pg_read_binary_file`, so the test needs no access to its data
 * folder (superuser, as the test server's user is).
 */
import type pg from 'pg';

/** The bytes of a relation's main file (null: no file any more, e.g. after `VACUUM FULL`). */
export async function relationBytes(pool: pg.Pool, path: string): Promise<Buffer | null> {
  const { rows } = await pool.query<{ bytes: Buffer | null }>(
    'SELECT pg_read_binary_file($1, 0, 1000000000, true) AS bytes',
    [path],
  );
  return rows[0]?.bytes ?? null;
}

/** The path of a relation's main file, relative to the data folder. */
export async function relationPath(pool: pg.Pool, relation: string): Promise<string> {
  const { rows } = await pool.query<{ path: string }>(
    'SELECT pg_relation_filepath($1::regclass) AS path',
    [relation],
  );
  return (rows[0] as { path: string }).path;
}
