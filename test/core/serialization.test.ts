import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/index.js';
import { serializeJson } from '../../src/backend.js';

function problem(value: unknown): SerializationError {
  try {
    serializeJson(value, 'data');
  } catch (error) {
    if (SerializationError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a SerializationError');
}

describe('serializeJson', () => {
  it('serialises plain JSON values like JSON.stringify', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'é', d: { e: {} }, when: new Date(0) };
    expect(serializeJson(value, 'data')).toBe(JSON.stringify(value));
    expect(serializeJson(null, 'data')).toBe('null');
    expect(serializeJson('text', 'data')).toBe('"text"');
    expect(serializeJson(Object.create(null) as object, 'data')).toBe('{}');
  });

  it('names the path of each kind of problem', () => {
    expect(problem({ a: 1n }).path).toBe('data.a');
    expect(problem({ list: [1, { f: () => 0 }] }).path).toBe('data.list[1].f');
    expect(problem({ 'odd key': Symbol('s') }).path).toBe('data["odd key"]');
    expect(problem([1, undefined]).path).toBe('data[1]');
    expect(problem({ n: -Infinity }).message).toMatch(
      /-Infinity is not JSON-serialisable at data\.n/,
    );
    expect(problem({ m: new Map() }).message).toMatch(/A Map is not JSON-serialisable/);
    expect(problem(undefined).path).toBe('data');
    const cyclic: { self?: unknown } = {};
    cyclic.self = { again: cyclic };
    expect(problem(cyclic).message).toMatch(/Circular reference at data\.self\.again/);
  });

  it('handles values deeper than the fast check goes, and cycles found deep down', () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 200; i++) deep = { child: deep, list: [i] };
    expect(serializeJson(deep, 'data')).toBe(JSON.stringify(deep));
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100; i++) {
      const next: Record<string, unknown> = {};
      node.next = next;
      node = next;
    }
    node.back = root;
    expect(problem(root).message).toMatch(/Circular reference/);
    let withBigInt: unknown = { n: 1n };
    for (let i = 0; i < 100; i++) withBigInt = [withBigInt];
    expect(problem(withBigInt).message).toMatch(/BigInt/);
  });

  it('reports a throwing toJSON', () => {
    const bad = {
      toJSON: () => {
        throw new Error('boom');
      },
    };
    expect(problem({ x: bad }).message).toMatch(/toJSON\(\) threw at data\.x/);
  });
});
