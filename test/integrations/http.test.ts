/** eventfold/http: the precondition headers and the problem details of every error class. */
import { describe, expect, it } from 'vitest';
import { AggregateNotFoundError } from '../../src/aggregates/index.js';
import {
  ConcurrencyError,
  DatabaseError,
  StreamDeletedError,
  StreamNotFoundError,
  ValidationError,
} from '../../src/index.js';
import {
  etagOf,
  expectedVersionFromHeaders,
  expectedVersionFromIfMatch,
  expectedVersionFromIfNoneMatch,
  InvalidHeaderError,
  isNotModified,
  positionFromHeader,
  PreconditionFailedError,
  problemDetailsOf,
} from '../../src/integrations/http/index.js';

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('ETags and preconditions', () => {
  it('etagOf is a strong tag of the version; refuses what is not a version', () => {
    expect(etagOf(0)).toBe('"0"');
    expect(etagOf(42)).toBe('"42"');
    expect(InvalidHeaderError.is(thrown(() => etagOf(-1)))).toBe(true);
    expect(InvalidHeaderError.is(thrown(() => etagOf(1.5)))).toBe(true);
  });

  it('If-Match: a version, weak or strong, * as stream_exists, absent as undefined', () => {
    expect(expectedVersionFromIfMatch('"3"')).toBe(3);
    expect(expectedVersionFromIfMatch('W/"3"')).toBe(3);
    expect(expectedVersionFromIfMatch(' "7" ')).toBe(7);
    expect(expectedVersionFromIfMatch('"abc", "4"')).toBe(4);
    expect(expectedVersionFromIfMatch(['"5"', 'W/"5"'])).toBe(5);
    expect(expectedVersionFromIfMatch('*')).toBe('stream_exists');
    expect(expectedVersionFromIfMatch(undefined)).toBeUndefined();
    expect(expectedVersionFromIfMatch(null)).toBeUndefined();
  });

  it('If-Match: malformed is a 400 error, well formed but no version (or two) a 412 error', () => {
    for (const bad of ['3', '', '"3', '"3" "4"', 'W/3', '"a"b', ', ,']) {
      const error = thrown(() => expectedVersionFromIfMatch(bad));
      expect(InvalidHeaderError.is(error), bad).toBe(true);
      expect(problemDetailsOf(error).status).toBe(400);
    }
    for (const foreign of ['"abc"', '"01"', '"-1"', '"3", "4"', '"99999999999999999"']) {
      const error = thrown(() => expectedVersionFromIfMatch(foreign));
      expect(PreconditionFailedError.is(error), foreign).toBe(true);
      expect(problemDetailsOf(error).status).toBe(412);
    }
  });

  it('If-None-Match: * creates, tags are for reads; both headers at once are refused', () => {
    expect(expectedVersionFromIfNoneMatch('*')).toBe('no_stream');
    expect(expectedVersionFromIfNoneMatch(undefined)).toBeUndefined();
    expect(InvalidHeaderError.is(thrown(() => expectedVersionFromIfNoneMatch('"1"')))).toBe(true);
    expect(expectedVersionFromHeaders({ ifNoneMatch: '*' })).toBe('no_stream');
    expect(expectedVersionFromHeaders({ ifMatch: '"2"' })).toBe(2);
    expect(expectedVersionFromHeaders({})).toBeUndefined();
    expect(
      InvalidHeaderError.is(
        thrown(() => expectedVersionFromHeaders({ ifMatch: '"2"', ifNoneMatch: '*' })),
      ),
    ).toBe(true);
    expect(isNotModified('"2"', 2)).toBe(true);
    expect(isNotModified('W/"2", "3"', 2)).toBe(true);
    expect(isNotModified('"3"', 2)).toBe(false);
    expect(isNotModified('*', 2)).toBe(true);
    expect(isNotModified(undefined, 2)).toBe(false);
  });

  it('Eventfold-Position: a position, absent, or a 400 error', () => {
    expect(positionFromHeader('00000000000000000012')).toBe('00000000000000000012');
    expect(positionFromHeader(`${'0'.repeat(19)}7:${'0'.repeat(19)}1`)).toBe(
      `${'0'.repeat(19)}7:${'0'.repeat(19)}1`,
    );
    expect(positionFromHeader(undefined)).toBeUndefined();
    for (const bad of ['12', 'latest', `${'0'.repeat(20)}:`]) {
      expect(InvalidHeaderError.is(thrown(() => positionFromHeader(bad))), bad).toBe(true);
    }
  });
});

describe('problemDetailsOf', () => {
  it('maps each error class to its status, type and code', () => {
    const cases: [unknown, number, string, string][] = [
      [new ConcurrencyError('Cart-1', 1, 2), 409, 'concurrency', 'CONCURRENCY'],
      [new AggregateNotFoundError('Cart-1', 'Cart'), 404, 'not-found', 'AGGREGATE_NOT_FOUND'],
      [new StreamNotFoundError('Cart-1'), 404, 'not-found', 'STREAM_NOT_FOUND'],
      [new StreamDeletedError('Cart-1'), 410, 'gone', 'STREAM_DELETED'],
      [
        new ValidationError('bad', [{ message: 'bad', path: ['sku'] }]),
        422,
        'validation',
        'VALIDATION',
      ],
      [new DatabaseError('reset', { connectionLost: true }), 503, 'unavailable', 'DATABASE'],
      [new DOMException('slow', 'TimeoutError'), 504, 'timeout', 'TIMEOUT'],
      [
        Object.assign(new Error('Unsupported'), { statusCode: 415 }),
        415,
        'http-415',
        'BAD_REQUEST',
      ],
      [
        Object.assign(new Error('nope'), { status: 409, code: 'CART_RULE' }),
        409,
        'concurrency',
        'CART_RULE',
      ],
    ];
    for (const [error, status, slug, code] of cases) {
      expect(problemDetailsOf(error), slug).toMatchObject({
        type: `https://eventfold.dev/problems/${slug}`,
        status,
        code,
      });
    }
    expect(problemDetailsOf(new Error('x'), {}).title).toBe('Internal Server Error');
    expect(problemDetailsOf(Object.assign(new Error('x'), { statusCode: 415 })).title).toBe(
      'Unsupported Media Type',
    );
  });

  it('a ConcurrencyError of a conditional request is a 412 with the current version', () => {
    expect(
      problemDetailsOf(new ConcurrencyError('Cart-1', 1, 2), {
        conditional: true,
        instance: '/carts/1',
      }),
    ).toEqual({
      type: 'https://eventfold.dev/problems/precondition-failed',
      title: 'Precondition Failed',
      status: 412,
      detail: 'Concurrency conflict on stream "Cart-1": expected version 1, actual version 2',
      instance: '/carts/1',
      code: 'CONCURRENCY',
      currentVersion: 2,
    });
  });

  it('a validation error lists its issues; a 500 leaks nothing of the error', () => {
    expect(
      problemDetailsOf(new ValidationError('bad', [{ message: 'too short', path: ['sku'] }])),
    ).toMatchObject({
      errors: [{ message: 'too short', path: ['sku'] }],
    });
    const secret = new DatabaseError('password=hunter2 at 10.0.0.5');
    const problem = problemDetailsOf(secret);
    expect(problem).toEqual({
      type: 'https://eventfold.dev/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      code: 'INTERNAL',
    });
    expect(problemDetailsOf(Object.assign(new Error('boom'), { status: 502 })).status).toBe(500);
    expect(problemDetailsOf('a string').status).toBe(500);
  });
});
