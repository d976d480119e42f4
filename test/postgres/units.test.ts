import { describe, expect, it } from 'vitest';
import { DatabaseError, InvalidOptionError, ValidationError } from '../../src/index.js';
import { decodePosition, encodePosition } from '../../src/core/position.js';
import {
  checkSchemaOption,
  splitSchemaParam,
} from '../../src/stores/postgres/postgres-connection.js';
import {
  redact,
  secretsOf,
  toDatabaseError,
} from '../../src/stores/postgres/postgres-database-error.js';
import { positionOf, toStoredRows } from '../../src/stores/postgres/postgres-rows.js';
import { assertSchemaName, PostgresEventStore } from '../../src/stores/postgres/index.js';
import { postgresPositions } from '../../src/stores/postgres/postgres-driver.js';

describe('PostgreSQL store helpers (no server)', () => {
  it('writes positions with the core’s one formatter, from the decimal strings pg returns', () => {
    const cases: [string, string][] = [
      ['0', '0'],
      ['1', '9'],
      ['745', '123456789'],
      ['18446744073709551615', '9223372036854775807'],
    ];
    for (const [xid, pos] of cases) {
      const expected = `${xid.padStart(20, '0')}:${pos.padStart(20, '0')}`;
      expect(positionOf(xid, pos)).toBe(expected);
      expect(encodePosition(xid, pos)).toBe(expected);
      expect(encodePosition(BigInt(xid), BigInt(pos))).toBe(expected);
      expect(decodePosition(expected, 2)).toEqual([BigInt(xid), BigInt(pos)]);
    }
    expect(encodePosition(7)).toBe('00000000000000000007');
    expect(encodePosition(1, 2n, '3')).toBe(
      '00000000000000000001:00000000000000000002:00000000000000000003',
    );
    const date = new Date();
    const rows = toStoredRows([
      ['12', '1', 'a-1', '1', 'id1', 'A', '{}', null, date],
      ['12', '2', 'a-1', '2', 'id2', 'B', '{}', '{"k":1}', date],
      ['13', '3', 'b-1', '1', 'id3', 'C', '[]', null, date],
    ]);
    expect(rows.map((r) => r.position)).toEqual([
      encodePosition(12n, 1n),
      encodePosition(12n, 2n),
      encodePosition(13n, 3n),
    ]);
    expect(rows[1]).toEqual({
      position: '00000000000000000012:00000000000000000002',
      streamId: 'a-1',
      version: 2,
      id: 'id2',
      type: 'B',
      data: '{}',
      metadata: '{"k":1}',
      recordedAt: date,
    });
    // Columns from an offset, and recorded_at as text (a custom type parser).
    const [shifted] = toStoredRows(
      [['x', '5', '6', 's-1', '3', 'id', 'T', '1', null, '2024-01-02T03:04:05.000Z']],
      1,
    );
    expect(shifted?.position).toBe(encodePosition(5, 6));
    expect(shifted?.recordedAt).toEqual(new Date('2024-01-02T03:04:05.000Z'));
  });

  it('validates schema names strictly', () => {
    for (const good of ['eventfold', '_x', 'a1_b2', 'x'.repeat(48)])
      expect(() => assertSchemaName(good)).not.toThrow();
    for (const bad of ['', 'A', 'a-b', 'a"b', 'pg_x', '9a', 'x'.repeat(49), null, 1]) {
      expect(() => assertSchemaName(bad)).toThrow(ValidationError);
    }
  });

  it('checks the schema option, naming it', () => {
    expect(() => checkSchemaOption('billing_events')).not.toThrow();
    for (const bad of ['Billing', 'pg_x', '', 7, undefined]) {
      let error: unknown;
      try {
        checkSchemaOption(bad);
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidOptionError.is(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe('schema');
      expect((error as InvalidOptionError).value).toBe(bad);
    }
  });

  it('splits the schema parameter off a connection URL', () => {
    expect(splitSchemaParam('postgresql://h/db?schema=s1')).toEqual({
      url: 'postgresql://h/db',
      schema: 's1',
    });
    expect(splitSchemaParam('postgresql://h/db?sslmode=require&schema=s1')).toEqual({
      url: 'postgresql://h/db?sslmode=require',
      schema: 's1',
    });
    expect(splitSchemaParam('postgresql://h/db?schema=s1&sslmode=require')).toEqual({
      url: 'postgresql://h/db?sslmode=require',
      schema: 's1',
    });
    expect(splitSchemaParam('postgresql://h/db')).toEqual({
      url: 'postgresql://h/db',
      schema: undefined,
    });
  });

  it('refuses a schema parameter given twice, naming the option', () => {
    for (const url of [
      'postgresql://h/db?schema=a&schema=b',
      'postgresql://h/db?schema=a&sslmode=require&schema=b',
      'postgresql://h/db?sslmode=require&schema=a&schema=a',
    ]) {
      let error: unknown;
      try {
        splitSchemaParam(url);
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidOptionError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'schema' });
      expect((error as Error).message).toMatch(/one schema parameter in the connection URL/);
    }
    expect(
      () => new PostgresEventStore({ connectionString: 'postgresql://h/db?schema=a&schema=b' }),
    ).toThrow(InvalidOptionError);
    expect(splitSchemaParam('postgresql://h/db?schema=a&myschema=b')).toEqual({
      url: 'postgresql://h/db?myschema=b',
      schema: 'a',
    });
  });

  it('refuses positions whose parts do not fit xid8 and bigint before any query', () => {
    const position = (xid: bigint, global: bigint): string =>
      `${xid.toString().padStart(20, '0')}:${global.toString().padStart(20, '0')}`;
    const maxXid = 2n ** 64n - 1n;
    const maxGlobal = 2n ** 63n - 1n;
    expect(postgresPositions.decode(position(maxXid, maxGlobal))).toEqual([maxXid, maxGlobal]);
    expect(postgresPositions.decode(position(0n, 0n))).toEqual([0n, 0n]);
    const cases: [bigint, bigint, string][] = [
      [2n ** 64n, 1n, 'its transaction id is out of range (at most 18446744073709551615)'],
      [10n ** 20n - 1n, 1n, 'its transaction id is out of range'],
      [1n, 2n ** 63n, 'its global position is out of range (at most 9223372036854775807)'],
      [1n, 10n ** 20n - 1n, 'its global position is out of range'],
    ];
    for (const [xid, global, message] of cases) {
      let error: unknown;
      try {
        postgresPositions.decode(position(xid, global));
      } catch (thrown) {
        error = thrown;
      }
      expect(ValidationError.is(error)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });

  it('redacts passwords, raw or percent-encoded, and URL credentials', () => {
    const url = 'postgresql://app:p%40ss%3Aword@db.example:5432/app';
    const secrets = secretsOf({ connectionString: url });
    expect(secrets).toContain('p@ss:word');
    const message = `could not connect to ${url} with p@ss:word or p%40ss%3Aword`;
    const redacted = redact(message, secrets);
    expect(redacted).not.toMatch(/p@ss|p%40ss/);
    expect(redact('see postgres://u:hunter2@h/db', [])).toBe('see postgres://u:***@h/db');
    const error = toDatabaseError(
      Object.assign(new Error(`bad ${url}`), { code: '28P01' }),
      'connection',
      secrets,
    );
    expect(DatabaseError.is(error)).toBe(true);
    expect(error.message).toMatch(/SQLSTATE 28P01/);
    expect(error.message).not.toContain('p%40ss');
    expect(String((error as Error).cause)).not.toContain('p%40ss');
  });
});
