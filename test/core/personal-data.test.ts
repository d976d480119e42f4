import { describe, expect, it } from 'vitest';
import {
  defineEvent,
  forgetSubject,
  hasErasedFields,
  InMemoryEventStore,
  InMemoryKeyStore,
  InvalidOptionError,
  isErased,
  masterKeyWrapper,
  payload,
  PersonalDataError,
  StoreClosedError,
  ValidationError,
} from '../../src/index.js';
import { InMemorySnapshotStore } from '../../src/aggregates/index.js';

type User = { userId: string; email: string; plan: string };

describe('personal fields in defineEvent', () => {
  it('are checked against the data type at compile time and kept on the definition', () => {
    const UserRegistered = defineEvent('UserRegistered', payload<User>(), {
      personal: { subject: (data) => data.userId, fields: ['email'] },
    });
    expect(UserRegistered.personal?.fields).toEqual(['email']);
    expect(Object.isFrozen(UserRegistered.personal)).toBe(true);
    expect(defineEvent('Plain', payload<User>()).personal).toBeUndefined();
    expect(() =>
      defineEvent('Misspelt', payload<User>(), {
        // @ts-expect-error -- 'emial' is not a field of User
        personal: { subject: (data) => data.userId, fields: ['emial'] },
      }),
    ).not.toThrow();
    expect(() =>
      defineEvent('Twice', payload<User>(), {
        personal: { subject: (data) => data.userId, fields: ['email', 'email'] },
      }),
    ).toThrow(InvalidOptionError);
  });
});

describe('masterKeyWrapper', () => {
  it('refuses a master key that is not 32 bytes', () => {
    for (const key of [new Uint8Array(16), 'secret', undefined])
      expect(() => masterKeyWrapper(key as never)).toThrow(InvalidOptionError);
  });

  it('wraps to 60 bytes, unwraps for the same subject only, never with another master key', async () => {
    const wrapper = masterKeyWrapper(new Uint8Array(32).fill(3));
    const key = new Uint8Array(32).fill(5);
    const wrapped = await wrapper.wrap(key, 'u1');
    expect(wrapped).toHaveLength(60);
    expect(Buffer.from(wrapped).includes(Buffer.from(key))).toBe(false);
    expect(Buffer.from(await wrapper.unwrap(wrapped, 'u1'))).toEqual(Buffer.from(key));
    await expect(Promise.resolve().then(() => wrapper.unwrap(wrapped, 'u2'))).rejects.toThrow(
      PersonalDataError,
    );
    const other = masterKeyWrapper(new Uint8Array(32).fill(4));
    await expect(Promise.resolve().then(() => other.unwrap(wrapped, 'u1'))).rejects.toThrow(
      PersonalDataError,
    );
    await expect(
      Promise.resolve().then(() => wrapper.unwrap(new Uint8Array(10), 'u1')),
    ).rejects.toThrow(PersonalDataError);
  });
});

describe('the personalData store option', () => {
  it('refuses a key store or wrapper of the wrong shape, naming it', () => {
    const bad = (personalData: unknown) => () =>
      new InMemoryEventStore({ personalData: personalData as never });
    expect(bad({ keys: {} })).toThrow(/personalData\.keys/);
    expect(bad({ keys: new InMemoryKeyStore(), wrapper: { wrap: 1 } })).toThrow(
      /personalData\.wrapper/,
    );
    expect(bad('keys')).toThrow(InvalidOptionError);
  });
});

describe('the erased marker', () => {
  it('is recognised after JSON, and hasErasedFields finds it among fields', () => {
    const marker = JSON.parse(
      JSON.stringify({ '~eventfold.erased': true, subject: 'u1' }),
    ) as unknown;
    expect(isErased(marker)).toBe(true);
    expect(isErased({ erased: true })).toBe(false);
    expect(isErased('~eventfold.erased')).toBe(false);
    expect(hasErasedFields({ a: 1, b: marker })).toBe(true);
    expect(hasErasedFields({ a: 1 })).toBe(false);
    expect(hasErasedFields(null)).toBe(false);
  });
});

describe('InMemoryKeyStore', () => {
  it('keeps the first key of a subject, refuses bad subjects and works no more once closed', async () => {
    const keys = new InMemoryKeyStore();
    const first = await keys.create('u1', new Uint8Array(32).fill(1));
    expect(await keys.create('u1', new Uint8Array(32).fill(2))).toEqual(first);
    await expect(keys.load([''])).rejects.toThrow(ValidationError);
    await expect(keys.create('u1', new Uint8Array(0))).rejects.toThrow(ValidationError);
    await keys.track('u1', ['User-1', 'User-1', 'User-2']);
    expect(await keys.forget('u1')).toEqual({ forgotten: true, streams: ['User-1', 'User-2'] });
    expect((await keys.load(['u1'])).size).toBe(0);
    await keys.close();
    await expect(keys.load(['u1'])).rejects.toThrow(StoreClosedError);
  });
});

describe('forgetSubject', () => {
  it('deletes the key, then the snapshots of the streams that held the subject’s data', async () => {
    const UserRegistered = defineEvent('UserRegistered', payload<User>(), {
      personal: { subject: (data) => data.userId, fields: ['email'] },
    });
    const keys = new InMemoryKeyStore();
    await using store = new InMemoryEventStore({ personalData: { keys } });
    const snapshots = new InMemorySnapshotStore();
    await store.append('User-1', [UserRegistered({ userId: 'u1', email: 'a@b.c', plan: 'p' })]);
    await store.append('User-2', [UserRegistered({ userId: 'u2', email: 'd@e.f', plan: 'p' })]);
    for (const streamId of ['User-1', 'User-2'])
      await snapshots.save({ streamId, version: 1, schemaVersion: 1, state: { email: 'x' } });
    const result = await forgetSubject('u1', { keys, snapshots: [snapshots] });
    expect(result).toEqual({ forgotten: true, streams: ['User-1'], snapshotsDeleted: 1 });
    expect(await snapshots.load('User-1')).toBeUndefined();
    expect(await snapshots.load('User-2')).toBeDefined();
    const [event] = (await store.read('User-1')).events;
    expect(isErased((event?.data as Record<string, unknown>)['email'])).toBe(true);
    expect(await forgetSubject('u1', { keys })).toEqual({
      forgotten: false,
      streams: [],
      snapshotsDeleted: 0,
    });
  });
});
