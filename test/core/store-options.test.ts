import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/append-input.js';
import { InvalidOptionError, ValidationError } from '../../src/core/errors.js';
import { defineEvent, payload } from '../../src/core/events.js';
import { EventRegistry } from '../../src/core/registry.js';
import { resolveEventStoreOptions } from '../../src/core/store-options.js';

/** The InvalidOptionError `resolve` throws; fails when it throws nothing or something else. */
function invalid(resolve: () => unknown): InvalidOptionError {
  try {
    resolve();
  } catch (error) {
    if (InvalidOptionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('resolveEventStoreOptions', () => {
  it('fills in the defaults: no registry, 1 MiB events', () => {
    expect(DEFAULT_MAX_EVENT_BYTES).toBe(1_048_576);
    const defaults = { registry: undefined, maxEventBytes: DEFAULT_MAX_EVENT_BYTES };
    expect(resolveEventStoreOptions(undefined)).toEqual(defaults);
    expect(resolveEventStoreOptions({})).toEqual(defaults);
    expect(resolveEventStoreOptions({ registry: undefined, maxEventBytes: undefined })).toEqual(
      defaults,
    );
  });

  it('keeps good values, the registry by identity', () => {
    const registry = new EventRegistry([defineEvent('Noted', payload<{ text: string }>())]);
    const resolved = resolveEventStoreOptions({ registry, maxEventBytes: 10 });
    expect(resolved.registry).toBe(registry);
    expect(resolved.maxEventBytes).toBe(10);
    expect(resolveEventStoreOptions({ maxEventBytes: 1 }).maxEventBytes).toBe(1);
  });

  it('accepts a registry from another copy of eventfold by its shape', () => {
    const foreign = { validate: (_type: string, data: unknown) => data, revive: () => undefined };
    expect(resolveEventStoreOptions({ registry: foreign as never }).registry).toBe(foreign);
  });

  it.each([Number.NaN, -1, 0, 1.5, '10', Number.POSITIVE_INFINITY, null])(
    'rejects maxEventBytes %s',
    (maxEventBytes) => {
      const error = invalid(() =>
        resolveEventStoreOptions({ maxEventBytes: maxEventBytes as never }),
      );
      expect(error.option).toBe('maxEventBytes');
      expect(error.code).toBe('INVALID_OPTION');
      expect(ValidationError.is(error)).toBe(true);
      expect(Object.is(error.value, maxEventBytes)).toBe(true);
      expect(error.message).toMatch(/^Invalid option maxEventBytes=.*: expected an integer ≥ 1$/);
    },
  );

  it.each([
    ['an empty object', {}],
    ['an object without revive', { validate: () => undefined }],
    ['an object without validate', { revive: () => undefined }],
    ['an array', []],
    ['a string', 'registry'],
    ['null', null],
  ])('rejects %s as registry', (_label, registry) => {
    const error = invalid(() => resolveEventStoreOptions({ registry: registry as never }));
    expect(error.option).toBe('registry');
    expect(error.value).toBe(registry);
    expect(error.message).toMatch(/: expected an EventRegistry$/);
  });

  it.each([
    ['a string', 'memory:'],
    ['null', null],
    ['an array', []],
    ['a number', 5],
  ])('rejects %s as the options object', (_label, options) => {
    const error = invalid(() => resolveEventStoreOptions(options as never));
    expect(error.option).toBe('options');
    expect(error.message).toMatch(/: expected an object$/);
  });
});
