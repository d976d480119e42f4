/**
 * NatsKeyStore against the real NATS server: the conformance suite's
 * crypto-shredding cases (on the in-memory event store, keys in NATS), the
 * key store's own contract, racing creates, and forgetting for good: no
 * message, marker or subject of the forgotten subject left in either
 * stream, and the key's bytes gone from the server's files.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InMemoryEventStore, StoreClosedError, ValidationError } from '../../src/index.js';
import { NatsKeyStore } from '../../src/stores/nats/nats-key-store.js';
import { caseContext } from '../../src/testing/conformance/fixtures.js';
import { personalDataCases } from '../../src/testing/conformance/personal-data-cases.js';
import { MEMORY_STORE_CAPABILITIES } from '../memory/memory-capabilities.js';
import { useNats, uniquePrefix } from '../support/nats-test.js';
import { rejection } from '../support/rejection.js';
import { sleep } from '../support/wait.js';

const nats = useNats();

function keyStore(prefix = uniquePrefix('keys')): NatsKeyStore {
  return new NatsKeyStore(nats.connection(), { prefix });
}

describe('eventfold conformance: the in-memory store with NatsKeyStore', () => {
  personalDataCases(
    caseContext({
      describe,
      it,
      capabilities: MEMORY_STORE_CAPABILITIES,
      createStore: (options) => Promise.resolve(new InMemoryEventStore(options)),
      createKeyStore: () => keyStore(),
    }),
  );
});

describe('NatsKeyStore', () => {
  it('keeps the first key of a subject, refuses bad input and works no more once closed', async () => {
    const keys = keyStore();
    const first = await keys.create('u1', new Uint8Array(32).fill(1));
    expect(await keys.create('u1', new Uint8Array(32).fill(2))).toEqual(first);
    expect((await keys.load(['u1', 'u2', 'u1'])).get('u1')).toEqual(first);
    expect((await keys.load(['u2'])).size).toBe(0);
    expect((await keys.load([])).size).toBe(0);
    for (const bad of ['', 'x'.repeat(256), '\ud800', 42])
      expect(ValidationError.is(await rejection(keys.load([bad as never])))).toBe(true);
    expect(ValidationError.is(await rejection(keys.create('u1', new Uint8Array(0))))).toBe(true);
    expect(ValidationError.is(await rejection(keys.track('u1', [''])))).toBe(true);
    await keys.track('u1', ['User-1', 'User-1', 'User.2 ✓']);
    await keys.track('u1', ['User-1']);
    const forgot = await keys.forget('u1');
    expect(forgot.forgotten).toBe(true);
    expect([...forgot.streams].sort()).toEqual(['User-1', 'User.2 ✓']);
    expect((await keys.load(['u1'])).size).toBe(0);
    expect(await keys.forget('u1')).toEqual({ forgotten: false, streams: [] });
    // A forgotten subject may get a new key.
    const next = await keys.create('u1', new Uint8Array(32).fill(3));
    expect(next).toEqual(new Uint8Array(32).fill(3));
    await keys.close();
    await keys.close();
    expect(StoreClosedError.is(await rejection(keys.load(['u1'])))).toBe(true);
    expect(StoreClosedError.is(await rejection(keys.forget('u1')))).toBe(true);
  });

  it('makes racing creates of one subject on separate connections agree on one key', async () => {
    const prefix = uniquePrefix('keys');
    const stores = await Promise.all(
      Array.from(
        { length: 6 },
        async () => new NatsKeyStore(await nats.connectAnother(), { prefix }),
      ),
    );
    // The buckets exist before the race (creating them is the server's meta work, not the race's).
    await stores[0]?.ensure();
    for (let round = 0; round < 5; round++) {
      const created = await Promise.all(
        stores.map((s) => s.create(`subject-${round}`, randomBytes(32))),
      );
      for (const key of created) expect(key).toEqual(created[0]);
      expect((await stores[0]?.load([`subject-${round}`]))?.get(`subject-${round}`)).toEqual(
        created[0],
      );
    }
  });

  it('forgets for good: nothing of the subject stays in either stream, and its key leaves the files', async () => {
    const prefix = uniquePrefix('keys');
    const keys = keyStore(prefix);
    const secret = randomBytes(32);
    const other = randomBytes(32);
    await keys.create('user@example.com', secret);
    await keys.create('someone-else', other);
    await keys.track('user@example.com', ['User-1']);
    await keys.track('someone-else', ['User-2']);
    const manager = nats.manager();
    const keyStream = `KV_${prefix}-keys`;
    const recordStream = `KV_${prefix}-key-streams`;
    const files = storeFiles(keyStream);
    if (files !== undefined)
      await waitUntil(() => filesContain(keyStream, secret), 'the key to reach the files');
    await keys.forget('user@example.com');
    const info = await manager.streams.info(keyStream, { subjects_filter: '>' });
    expect(info.state.messages).toBe(1);
    expect(Object.keys(info.state.subjects ?? {})).toEqual([
      `$KV.${prefix}-keys.${Buffer.from('someone-else').toString('base64url')}`,
    ]);
    const records = await manager.streams.info(recordStream, { subjects_filter: '>' });
    expect(records.state.messages).toBe(1);
    expect((await keys.load(['someone-else'])).get('someone-else')).toEqual(new Uint8Array(other));
    if (files !== undefined) {
      await waitUntil(() => !filesContain(keyStream, secret), 'the key to leave the files');
      expect(filesContain(keyStream, other)).toBe(true);
    }
  });
});

/** Where the test server keeps a stream's files (the machine's nats-server; NATS_STORE_DIR overrides). */
function storeFiles(stream: string): string | undefined {
  const root = process.env['NATS_STORE_DIR'] ?? '/var/lib/nats-server/jetstream';
  const dir = path.join(root, '$G', 'streams', stream);
  if (existsSync(dir)) return dir;
  if (process.env['CI'] === 'true')
    throw new Error(`No files of stream ${stream} under ${root} (set NATS_STORE_DIR)`);
  return undefined;
}

function filesContain(stream: string, bytes: Uint8Array): boolean {
  const dir = storeFiles(stream);
  if (dir === undefined) return false;
  const walk = (at: string): string[] =>
    statSync(at).isDirectory()
      ? readdirSync(at).flatMap((entry) => walk(path.join(at, entry)))
      : [at];
  return walk(dir).some((file) => readFileSync(file).includes(Buffer.from(bytes)));
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
