/**
 * The PostgreSQL server of the benchmark: DATABASE_URL, else the local service. In a module of
 * its own, so workloads can use it without loading the peers' targets (and their native modules).
 */
export const BENCH_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
