/**
 * eventfold for Express 5 (`eventfold/express`): an error-handling middleware
 * that answers errors as RFC 9457 problem details, and helpers for the HTTP
 * conventions of `eventfold/http`. Express is an optional peer: this module
 * only uses its types and takes its request and response as parameters.
 *
 * @module
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Position } from '../../core/position.js';
import { expectedVersionFromHeaders, type HttpExpectedVersion } from '../http/etag.js';
import { PROBLEM_CONTENT_TYPE, problemDetailsOf } from '../http/problem-details.js';
import { positionFromHeader } from '../http/read-your-writes.js';
import { versionHeaders, type Versioned } from '../http/versioned-response.js';

/**
 * Sends `error` as problem details.
 *
 * @example
 * ```ts
 * app.use((error, req, res, next) => sendProblem(error, req, res));
 * ```
 */
export function sendProblem(error: unknown, req: Request, res: Response): void {
  const problem = problemDetailsOf(error, {
    conditional:
      req.headers['if-match'] !== undefined || req.headers['if-none-match'] !== undefined,
    instance: req.originalUrl,
  });
  if (problem.status === 500) console.error(error);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * The error-handling middleware, last after the routes: every error as
 * problem details (a `ConcurrencyError` is 412 when the request had
 * `If-Match` / `If-None-Match`, else 409; express.json()'s parse errors 400;
 * a 500 is logged, its detail generic).
 *
 * @example
 * ```ts
 * app.use(problemDetails());
 * ```
 */
export function problemDetails(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendProblem(error, req, res);
  };
}

/**
 * A 404 problem for the requests no route took: after the routes, before {@link problemDetails}.
 *
 * @example
 * ```ts
 * app.use(notFoundProblem());
 * ```
 */
export function notFoundProblem(): RequestHandler {
  return (req, res) =>
    sendProblem(
      Object.assign(new Error(`No route for ${req.method} ${req.path}`), { status: 404 }),
      req,
      res,
    );
}

/**
 * The expected version of the request's `If-Match` / `If-None-Match: *`.
 *
 * @example
 * ```ts
 * await carts.handle(id, command, { expectedVersion: expectedVersionOf(req) });
 * ```
 */
export function expectedVersionOf(req: Request): HttpExpectedVersion | undefined {
  return expectedVersionFromHeaders({
    ifMatch: req.headers['if-match'],
    ifNoneMatch: req.headers['if-none-match'],
  });
}

/**
 * The position of the request's `Eventfold-Position` header.
 *
 * @example
 * ```ts
 * await readYourWrites(cartsView, positionOf(req));
 * ```
 */
export function positionOf(req: Request): Position | undefined {
  return positionFromHeader(req.headers['eventfold-position']);
}

/**
 * Sends `body` as JSON with the aggregate's `ETag` (and `Eventfold-Position` after a write).
 *
 * @example
 * ```ts
 * sendVersioned(res, result.state, { version: result.version, position: result.position, status: 201 });
 * ```
 */
export function sendVersioned(res: Response, body: unknown, meta: Versioned): void {
  res
    .status(meta.status ?? 200)
    .set(versionHeaders(meta))
    .json(body);
}
