import assert from 'node:assert/strict';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ForgetResult, KeyStore, KeyWrapper } from '../../core/contracts/key-store.js';
import { defineEvent, payload, upcastFrom } from '../../core/events.js';
import type { EventStore } from '../../core/event-store.js';
import { isErased, masterKeyWrapper, type PersonalDataOptions } from '../../core/personal-data.js';
import { EventRegistry } from '../../core/registry.js';
import type { StoreFactoryOptions } from '../suite-options.js';
import { InMemoryKeyStore } from '../../stores/memory/in-memory-key-store.js';
import { feed, type CaseContext, rejectsWith } from './fixtures.js';

/** A key store that forwards to the backend's, created once the event store exists. */
class ForwardingKeyStore implements KeyStore {
  inner: KeyStore | undefined;
  #get(): KeyStore {
    if (this.inner === undefined) throw new Error('the key store is not ready');
    return this.inner;
  }
  load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    return this.#get().load(subjects);
  }
  create(subject: string, key: Uint8Array): Promise<Uint8Array> {
    return this.#get().create(subject, key);
  }
  track(subject: string, streamIds: readonly string[]): Promise<void> {
    return this.#get().track(subject, streamIds);
  }
  forget(subject: string): Promise<ForgetResult> {
    return this.#get().forget(subject);
  }
  close(): Promise<void> {
    return this.inner?.close() ?? Promise.resolve();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** `{ userId, email, name, plan }`, with `since` revived from an ISO string to a Date. */
const userSchema: StandardSchemaV1<
  { userId: string; email: string; name: string; plan: string; since: string },
  { userId: string; email: string; name: string; plan: string; since: Date }
> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate(value) {
      const v = value as Record<string, unknown>;
      for (const key of ['userId', 'email', 'name', 'plan', 'since'])
        if (typeof v[key] !== 'string')
          return { issues: [{ message: 'expected a string', path: [key] }] };
      return {
        value: {
          ...(v as never as { userId: string; email: string; name: string; plan: string }),
          since: new Date(v['since'] as string),
        },
      };
    },
  },
};

const UserRegistered = defineEvent('UserRegistered', userSchema, {
  personal: { subject: (data) => data.userId, fields: ['email', 'name'] },
});
const AddressChanged = defineEvent(
  'AddressChanged',
  payload<{ userId: string; address: { street: string; city: string } }>(),
  { personal: { subject: (data) => data.userId, fields: ['address'] } },
);
const Noted = defineEvent('Noted', payload<{ text: string }>());

const SINCE = '2026-01-02T03:04:05.000Z';

function user(userId: string, email: string) {
  return UserRegistered(
    { userId, email, name: `Name of ${userId}`, plan: 'pro', since: SINCE },
    { tags: [`user:${userId}`] },
  );
}

/** Crypto-shredding: personal fields encrypted on append, decrypted on every read, erased once forgotten. */
export function personalDataCases({ describe, it, options }: CaseContext): void {
  /** Runs `body` with a store whose personal data keys live in the backend's key store. */
  async function withKeys(
    body: (store: EventStore, keys: ForwardingKeyStore) => Promise<void>,
    extra: StoreFactoryOptions & { wrapper?: KeyWrapper } = {},
  ): Promise<void> {
    const keys = new ForwardingKeyStore();
    const { wrapper, ...rest } = extra;
    const personalData: PersonalDataOptions = { keys, wrapper };
    const store = await options.createStore({ ...rest, personalData });
    try {
      keys.inner = options.createKeyStore
        ? await options.createKeyStore(store)
        : new InMemoryKeyStore();
      await body(store, keys);
    } finally {
      await store.close();
      await keys.close();
    }
  }

  describe('personal data (crypto-shredding)', () => {
    it('reads personal fields back on every read path: stream, feed, query', () =>
      withKeys(async (store) => {
        await store.append('User-u1', [user('u1', 'ann@example.com')]);
        await store.append('User-u1', [
          AddressChanged({ userId: 'u1', address: { street: '1 Main St', city: 'Oslo' } }),
        ]);
        const read = await store.read('User-u1');
        assert.deepEqual(read.events[0]?.data, {
          userId: 'u1',
          email: 'ann@example.com',
          name: 'Name of u1',
          plan: 'pro',
          since: SINCE,
        });
        assert.deepEqual(read.events[1]?.data, {
          userId: 'u1',
          address: { street: '1 Main St', city: 'Oslo' },
        });
        assert.deepEqual(
          (await feed(store)).map((e) => e.data),
          read.events.map((e) => e.data),
        );
        const byQuery = await store.readByQuery({ items: [{ tags: ['user:u1'] }] });
        assert.deepEqual(byQuery.events[0]?.data, read.events[0]?.data);
      }));

    it('stores the personal fields encrypted: another store without the keys sees envelopes', async () => {
      if (options.reopenStore === undefined) return;
      const keys = new ForwardingKeyStore();
      let store = await options.createStore({ personalData: { keys } });
      try {
        keys.inner = options.createKeyStore
          ? await options.createKeyStore(store)
          : new InMemoryKeyStore();
        await store.append('User-u1', [user('u1', 'ann@example.com')]);
        store = await options.reopenStore(store, {});
        const data = (await store.read('User-u1')).events[0]?.data as Record<string, unknown>;
        assert.equal(data['userId'], 'u1', 'the subject id stays readable');
        assert.equal(data['plan'], 'pro', 'other fields stay readable');
        const stored = JSON.stringify(data);
        assert.ok(!stored.includes('ann@example.com'), 'the email is not stored in clear');
        assert.ok(!stored.includes('Name of u1'), 'the name is not stored in clear');
        assert.ok(stored.includes('~eventfold.personal'), 'an envelope marks each personal field');
      } finally {
        await store.close();
        await keys.close();
      }
    });

    it('forgetting a subject erases its fields everywhere and leaves the rest intact', () =>
      withKeys(async (store, keys) => {
        await store.append('User-u1', [user('u1', 'ann@example.com')]);
        await store.append('User-u2', [user('u2', 'bob@example.com')]);
        await store.append('User-u1', [
          AddressChanged({ userId: 'u1', address: { street: '1 Main St', city: 'Oslo' } }),
          Noted({ text: 'kept' }),
        ]);
        const result = await keys.forget('u1');
        assert.equal(result.forgotten, true);
        assert.deepEqual([...result.streams], ['User-u1']);
        const read = await store.read('User-u1');
        const first = read.events[0]?.data as Record<string, unknown>;
        assert.ok(isErased(first['email']), 'email erased');
        assert.ok(isErased(first['name']), 'name erased');
        assert.deepEqual(first['email'], { '~eventfold.erased': true, subject: 'u1' });
        assert.equal(first['plan'], 'pro');
        assert.equal(first['userId'], 'u1');
        assert.ok(isErased((read.events[1]?.data as Record<string, unknown>)['address']));
        assert.deepEqual(read.events[2]?.data, { text: 'kept' });
        const all = await feed(store);
        assert.equal(all.length, 4);
        assert.ok(isErased((all[0]?.data as Record<string, unknown>)['email']), 'feed: erased');
        assert.equal(
          (all[1]?.data as Record<string, unknown>)['email'],
          'bob@example.com',
          'another subject is untouched',
        );
        const byQuery = await store.readByQuery({ items: [{ tags: ['user:u1'] }] });
        assert.ok(isErased((byQuery.events[0]?.data as Record<string, unknown>)['email']));
        const again = await keys.forget('u1');
        assert.equal(again.forgotten, false, 'a second forget finds no key');
        assert.deepEqual([...again.streams], []);
      }));

    it('revives events through the registry, except those with erased fields', () =>
      withKeys(
        async (store, keys) => {
          await store.append('User-u1', [user('u1', 'ann@example.com')]);
          await store.append('User-u2', [user('u2', 'bob@example.com')]);
          await keys.forget('u1');
          const all = await feed(store);
          const erased = all[0]?.data as Record<string, unknown>;
          assert.ok(isErased(erased['email']));
          assert.equal(erased['since'], SINCE, 'not revived: the stored form');
          const kept = all[1]?.data as Record<string, unknown>;
          assert.ok(kept['since'] instanceof Date, 'revived through the schema');
          assert.equal(kept['email'], 'bob@example.com');
        },
        { registry: new EventRegistry([UserRegistered, AddressChanged, Noted]) },
      ));

    it('upcasts older personal events once decrypted; erased ones are upcast too, not revived', () => {
      type ContactV1 = { userId: string; email: string };
      const personal = { subject: (data: ContactV1) => data.userId, fields: ['email' as const] };
      const V1 = defineEvent('ContactAdded', payload<ContactV1>(), { personal });
      const V2 = defineEvent('ContactAdded', payload<ContactV1 & { verified: boolean }>(), {
        personal,
        upcasters: upcastFrom<ContactV1>().to((v1) => ({ ...v1, verified: false })),
      });
      const registry = new EventRegistry([V1]);
      return withKeys(
        async (store, keys) => {
          await store.append('Contact-u1', [V1({ userId: 'u1', email: 'ann@example.com' })]);
          await store.append('Contact-u2', [V1({ userId: 'u2', email: 'bob@example.com' })]);
          // The program is redeployed with version 2 of the event; then u1 is forgotten.
          registry.unregister('ContactAdded');
          registry.register(V2);
          await keys.forget('u1');
          for (const events of [await feed(store), (await store.read('Contact-u1')).events]) {
            const first = events[0];
            assert.equal(first?.schemaVersion, 2);
            assert.equal((first?.data as Record<string, unknown>)['verified'], false);
            assert.ok(isErased((first?.data as Record<string, unknown>)['email']));
          }
          const kept = (await store.read('Contact-u2')).events[0];
          assert.deepEqual(kept?.data, { userId: 'u2', email: 'bob@example.com', verified: false });
          assert.equal(kept?.schemaVersion, 2);
        },
        { registry },
      );
    });

    it('gives a forgotten subject a new key: new events read back, old ones stay erased', () =>
      withKeys(async (store, keys) => {
        await store.append('User-u1', [user('u1', 'old@example.com')]);
        await keys.forget('u1');
        await store.append('User-u1', [user('u1', 'new@example.com')]);
        const read = await store.read('User-u1');
        assert.ok(isErased((read.events[0]?.data as Record<string, unknown>)['email']));
        assert.equal((read.events[1]?.data as Record<string, unknown>)['email'], 'new@example.com');
      }));

    it('replays a retried append of personal events idempotently, by event id', () =>
      withKeys(async (store) => {
        const id = crypto.randomUUID();
        const event = UserRegistered(
          { userId: 'u1', email: 'ann@example.com', name: 'Ann', plan: 'pro', since: SINCE },
          { id },
        );
        const first = await store.append('User-u1', [event], { expectedVersion: 'no_stream' });
        const again = await store.append('User-u1', [event], { expectedVersion: 'no_stream' });
        assert.deepEqual(again, first);
        const read = await store.read('User-u1');
        assert.equal(read.version, 1);
        assert.equal((read.events[0]?.data as Record<string, unknown>)['email'], 'ann@example.com');
      }));

    it('encrypts through appendMany, and by a registry definition for hand-written events', () =>
      withKeys(
        async (store, keys) => {
          const entries = [
            { streamId: 'User-u1', events: [user('u1', 'ann@example.com')] },
            {
              streamId: 'User-u2',
              events: [
                {
                  type: 'UserRegistered',
                  data: {
                    userId: 'u2',
                    email: 'bob@example.com',
                    name: 'B',
                    plan: 'x',
                    since: SINCE,
                  },
                },
              ],
            },
          ];
          // One call where several streams are atomic, else one call per stream.
          if (options.capabilities.atomicMultiStreamAppends) await store.appendMany(entries);
          else for (const entry of entries) await store.appendMany([entry]);
          await keys.forget('u2');
          const all = await feed(store);
          assert.equal((all[0]?.data as Record<string, unknown>)['email'], 'ann@example.com');
          assert.ok(isErased((all[1]?.data as Record<string, unknown>)['email']));
        },
        { registry: new EventRegistry([UserRegistered]) },
      ));

    it('keeps keys wrapped under a master key; a wrong master key fails reads with PERSONAL_DATA', () =>
      withKeys(
        async (store, keys) => {
          await store.append('User-u1', [user('u1', 'ann@example.com')]);
          const stored = (await keys.load(['u1'])).get('u1');
          assert.equal(stored?.length, 60, 'iv + wrapped 32-byte key + tag');
          assert.equal(
            ((await store.read('User-u1')).events[0]?.data as Record<string, unknown>)['email'],
            'ann@example.com',
          );
          const other = masterKeyWrapper(new Uint8Array(32).fill(8));
          const foreign = await other.wrap(new Uint8Array(32).fill(9), 'u1');
          const forwarding = keys;
          const inner = forwarding.inner as KeyStore;
          forwarding.inner = {
            ...wrapKeyStore(inner),
            load: () => Promise.resolve(new Map([['u1', foreign]])),
          };
          try {
            await rejectsWith(store.read('User-u1'), 'PERSONAL_DATA');
          } finally {
            forwarding.inner = inner;
          }
        },
        { wrapper: masterKeyWrapper(new Uint8Array(32).fill(7)) },
      ));

    it('fails a read with PERSONAL_DATA when a key unwraps to the wrong bytes, never returning garbage', () => {
      let wrong = false;
      const wrapper: KeyWrapper = {
        wrap: (key) => Uint8Array.from(key),
        unwrap: (wrapped) => (wrong ? new Uint8Array(32).fill(1) : Uint8Array.from(wrapped)),
      };
      return withKeys(
        async (store) => {
          await store.append('User-u1', [user('u1', 'ann@example.com')]);
          wrong = true;
          const error = await rejectsWith(store.read('User-u1'), 'PERSONAL_DATA');
          assert.match(error.message, /does not decrypt/);
          await rejectsWith(feed(store), 'PERSONAL_DATA');
          wrong = false;
          assert.equal(
            ((await store.read('User-u1')).events[0]?.data as Record<string, unknown>)['email'],
            'ann@example.com',
          );
        },
        { wrapper },
      );
    });

    it('refuses personal events, writing nothing, when the store has no key store or the subject is bad', async () => {
      const store = await options.createStore({});
      try {
        await rejectsWith(store.append('User-u1', [user('u1', 'a@b.c')]), 'VALIDATION');
        assert.equal(await store.getVersion('User-u1'), 0);
      } finally {
        await store.close();
      }
      await withKeys(async (store) => {
        await rejectsWith(store.append('User-u1', [user('', 'a@b.c')]), 'VALIDATION');
        const Broken = defineEvent('Broken', payload<{ email: string }>(), {
          personal: {
            subject: () => {
              throw new Error('no subject');
            },
            fields: ['email'],
          },
        });
        await rejectsWith(
          store.append('User-u1', [Noted({ text: 'first' }), Broken({ email: 'a@b.c' })]),
          'VALIDATION',
        );
        const ArrayData = defineEvent('ArrayData', payload<string[]>(), {
          personal: { subject: () => 's', fields: ['length'] },
        });
        await rejectsWith(store.append('User-u1', [ArrayData(['x'])]), 'VALIDATION');
        assert.equal(await store.getVersion('User-u1'), 0, 'nothing written');
      });
    });

    it('refuses a bad personal option of defineEvent with INVALID_OPTION', async () => {
      await rejectsWith(
        Promise.resolve().then(() =>
          defineEvent('X', payload<{ a: string }>(), {
            personal: { subject: () => 's', fields: [] },
          }),
        ),
        'INVALID_OPTION',
      );
      await rejectsWith(
        Promise.resolve().then(() =>
          defineEvent('X', payload<{ a: string }>(), {
            personal: { subject: 'a' as never, fields: ['a'] },
          }),
        ),
        'INVALID_OPTION',
      );
    });
  });
}

/** The methods of `keys` as an object that can be spread. */
function wrapKeyStore(keys: KeyStore): KeyStore {
  return {
    load: (subjects) => keys.load(subjects),
    create: (subject, key) => keys.create(subject, key),
    track: (subject, streamIds) => keys.track(subject, streamIds),
    forget: (subject) => keys.forget(subject),
    close: () => keys.close(),
    [Symbol.asyncDispose]: () => keys.close(),
  };
}
