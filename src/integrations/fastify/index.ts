/**
 * eventfold for Fastify 5 (`eventfold/fastify`): a plugin that answers
 * errors as RFC 9457 problem details and gives requests and replies the
 * HTTP helpers of `eventfold/http`. Fastify is an optional peer: this module
 * only uses its types and takes the instance as a parameter.
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Position } from '../../core/position.js';
import { expectedVersionFromHeaders, type HttpExpectedVersion } from '../http/etag.js';
import { PROBLEM_CONTENT_TYPE, problemDetailsOf } from '../http/problem-details.js';
import { positionFromHeader } from '../http/read-your-writes.js';
import { versionHeaders, type Versioned } from '../http/versioned-response.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The expected version of `If-Match` / `If-None-Match: *`, `undefined` without them (see `eventfold/http`). */
    expectedVersion(): HttpExpectedVersion | undefined;
    /** The position of the `Eventfold-Position` header, `undefined` without it. */
    eventfoldPosition(): Position | undefined;
  }
  interface FastifyReply {
    /** Sends `body` with the aggregate's `ETag` (and `Eventfold-Position` after a write). */
    sendVersioned(body: unknown, meta: Versioned): FastifyReply;
  }
}

/**
 * Options of {@link eventfoldFastify}.
 *
 * @example
 * ```ts
 * await app.register(eventfoldFastify, { notFound: false });
 * ```
 */
export interface EventfoldFastifyOptions {
  /** Answer unknown routes with a 404 problem too (default true). */
  notFound?: boolean;
}

/**
 * The plugin: registers an error handler that sends every error as problem
 * details (`application/problem+json`; a `ConcurrencyError` is 412 when the
 * request had `If-Match` or `If-None-Match`, else 409), and decorates
 * `request.expectedVersion()`, `request.eventfoldPosition()` and
 * `reply.sendVersioned(body, { version, position, status })`. Like a
 * `fastify-plugin` plugin it is not encapsulated: register it on the root
 * instance, before the routes.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(eventfoldFastify);
 * app.post('/carts/:id/items', async (request, reply) => {
 *   const result = await carts.handle(id, command, { expectedVersion: request.expectedVersion() });
 *   return reply.sendVersioned(result.state, result);
 * });
 * ```
 */
export function eventfoldFastify(
  fastify: FastifyInstance,
  options: EventfoldFastifyOptions,
  done: (error?: Error) => void,
): void {
  fastify.decorateRequest('expectedVersion', function (this: FastifyRequest) {
    return expectedVersionFromHeaders({
      ifMatch: this.headers['if-match'],
      ifNoneMatch: this.headers['if-none-match'],
    });
  });
  fastify.decorateRequest('eventfoldPosition', function (this: FastifyRequest) {
    return positionFromHeader(this.headers['eventfold-position']);
  });
  fastify.decorateReply(
    'sendVersioned',
    function (this: FastifyReply, body: unknown, meta: Versioned) {
      return this.code(meta.status ?? 200)
        .headers(versionHeaders(meta))
        .send(body);
    },
  );
  fastify.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  if (options.notFound !== false) {
    fastify.setNotFoundHandler((request, reply) => {
      const detail = `No route for ${request.method} ${request.url}`;
      return sendProblem(Object.assign(new Error(detail), { status: 404 }), request, reply);
    });
  }
  done();
}

/**
 * Sends `error` as problem details (what the plugin's error handler does), for
 * an error handler of your own.
 *
 * @example
 * ```ts
 * app.setErrorHandler((error, request, reply) => { log(error); return sendProblem(error, request, reply); });
 * ```
 */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = problemDetailsOf(error, {
    conditional:
      request.headers['if-match'] !== undefined || request.headers['if-none-match'] !== undefined,
    instance: request.url,
  });
  if (problem.status === 500) request.log.error({ err: error }, problem.detail);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

// What fastify-plugin sets: no encapsulation, a name for errors and `fastify.hasPlugin`.
Object.assign(eventfoldFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'eventfold',
  [Symbol.for('plugin-meta')]: { name: 'eventfold', fastify: '5.x' },
});
