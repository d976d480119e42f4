/**
 * The NATS server of the NATS tests (NATS_URL, default nats://127.0.0.1:4222,
 * with JetStream): unique stream names per test, and clean-up of the streams
 * and buckets a test made. With CI=true a test fails when the server is
 * unreachable; without it, the file's tests skip with the reason printed.
 */
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll } from 'vitest';
import { beforeAllOrFail } from '../support/before-all-or-fail.js';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Why the NATS tests cannot run here (`undefined`: they can). */
export const natsUnavailable: string | undefined = await connect({
  servers: NATS_URL,
  timeout: 2000,
  reconnect: false,
})
  .then(async (nc) => {
    const jsm = await jetstreamManager(nc).catch(() => undefined);
    await nc.close();
    return jsm === undefined ? `the NATS server at ${NATS_URL} has no JetStream` : undefined;
  })
  .catch((error: unknown) => `no NATS server at ${NATS_URL}: ${String(error)}`);

/** Whether the file's tests should skip (never under CI, where they fail instead). */
export const skipNats = natsUnavailable !== undefined && process.env.CI !== 'true';
if (skipNats) console.warn(`Skipping the NATS tests: ${natsUnavailable}`);

/** A unique stream name for one test. */
export function uniqueStream(prefix = 'ef'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/**
 * A connection for the file's tests (opened before them, closed after), and a
 * record of the streams to delete after them (each with its `_ids` bucket).
 */
export function useNats(): { connection: () => NatsConnection; track: (stream: string) => string } {
  let nc: NatsConnection | undefined;
  const streams = new Set<string>();
  beforeAllOrFail(async () => {
    if (natsUnavailable !== undefined) throw new Error(natsUnavailable);
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    if (nc === undefined) return;
    await deleteStreams(nc, [...streams]);
    await nc.close();
  });
  return {
    connection: () => {
      if (nc === undefined) throw new Error(natsUnavailable ?? 'not connected yet');
      return nc;
    },
    track: (stream) => {
      streams.add(stream);
      return stream;
    },
  };
}

/** Deletes the streams and their id buckets (missing ones are fine). */
export async function deleteStreams(nc: NatsConnection, streams: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await Promise.all(
    streams.flatMap((name) => [
      jsm.streams.delete(name).catch(() => false),
      jsm.streams.delete(`KV_${name}_ids`).catch(() => false),
    ]),
  );
}
