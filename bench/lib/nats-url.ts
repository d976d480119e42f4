/**
 * The NATS server of the benchmark: NATS_URL, else the local service. Every NATS target creates
 * streams of its own on it and deletes them afterwards.
 */
export const BENCH_NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
