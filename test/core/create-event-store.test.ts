import { describe, expect, it } from 'vitest';
import { createEventStore, InMemoryEventStore, ValidationError } from '../../src/index.js';

describe('createEventStore', () => {
  it('creates an in-memory store from memory:', async () => {
    const store = await createEventStore('memory:');
    expect(store).toBeInstanceOf(InMemoryEventStore);
    await store.append('a-1', [{ type: 'A', data: {} }]);
    expect(await store.getVersion('a-1')).toBe(1);
    await store.close();
  });

  it('rejects unknown schemes and malformed URLs with a ValidationError', async () => {
    await expect(createEventStore('mysql://localhost/db')).rejects.toThrow(ValidationError);
    await expect(createEventStore('no scheme')).rejects.toThrow(/unsupported URL scheme/);
    await expect(createEventStore('memory:extra')).rejects.toThrow(ValidationError);
    await expect(createEventStore(42 as never)).rejects.toThrow(ValidationError);
  });
});
