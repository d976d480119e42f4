/**
 * eventfold for Hono 4 (`eventfold/hono`): an `onError` handler that answers
 * errors as RFC 9457 problem details, and helpers for the HTTP conventions of
 * `eventfold/http`. Hono is an optional peer: this module only uses its types
 * and takes its `Context` as a parameter.
 *
 * @module
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { Position } from '../../core/position.js';
import { expectedVersionFromHeaders, type HttpExpectedVersion } from '../http/etag.js';
import { MalformedBodyError } from '../http/http-errors.js';
import { PROBLEM_CONTENT_TYPE, problemDetailsOf } from '../http/problem-details.js';
import { positionFromHeader } from '../http/read-your-writes.js';
import { versionHeaders, type Versioned } from '../http/versioned-response.js';

/**
 * The problem details response of `error` for the request of `c`.
 *
 * @example
 * ```ts
 * app.onError((error, c) => problemResponse(error, c));
 * ```
 */
export function problemResponse(error: unknown, c: Context): Response {
  const problem = problemDetailsOf(error, {
    conditional:
      c.req.header('if-match') !== undefined || c.req.header('if-none-match') !== undefined,
    instance: new URL(c.req.url).pathname,
  });
  if (problem.status === 500) console.error(error);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}

/**
 * The `onError` handler: every error as problem details (a `ConcurrencyError`
 * is 412 when the request had `If-Match` / `If-None-Match`, else 409; a 500
 * is logged, its detail generic).
 *
 * @example
 * ```ts
 * app.onError(problemDetails());
 * ```
 */
export function problemDetails(): ErrorHandler {
  return (error, c) => problemResponse(error, c);
}

/**
 * The `notFound` handler: a 404 problem for unknown routes.
 *
 * @example
 * ```ts
 * app.notFound(notFoundProblem());
 * ```
 */
export function notFoundProblem(): NotFoundHandler {
  return (c) =>
    problemResponse(
      Object.assign(new Error(`No route for ${c.req.method} ${new URL(c.req.url).pathname}`), {
        status: 404,
      }),
      c,
    );
}

/**
 * The expected version of the request's `If-Match` / `If-None-Match: *`.
 *
 * @example
 * ```ts
 * await carts.handle(id, command, { expectedVersion: expectedVersionOf(c) });
 * ```
 */
export function expectedVersionOf(c: Context): HttpExpectedVersion | undefined {
  return expectedVersionFromHeaders({
    ifMatch: c.req.header('if-match'),
    ifNoneMatch: c.req.header('if-none-match'),
  });
}

/**
 * The position of the request's `Eventfold-Position` header.
 *
 * @example
 * ```ts
 * await readYourWrites(cartsView, positionOf(c));
 * ```
 */
export function positionOf(c: Context): Position | undefined {
  return positionFromHeader(c.req.header('eventfold-position'));
}

/**
 * The request's JSON body; a body that is not JSON is a `MalformedBodyError` (400).
 *
 * @example
 * ```ts
 * const body = await jsonBody(c);
 * ```
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedBodyError(`The body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * A JSON response with the aggregate's `ETag` (and `Eventfold-Position` after a write).
 *
 * @example
 * ```ts
 * return versioned(c, result.state, { version: result.version, position: result.position, status: 201 });
 * ```
 */
export function versioned(c: Context, body: unknown, meta: Versioned): Response {
  for (const [name, value] of Object.entries(versionHeaders(meta))) c.header(name, value);
  c.status((meta.status ?? 200) as Parameters<Context['status']>[0]);
  return c.json(body as object);
}
