/**
 * Framework-neutral HTTP helpers: ETags and `If-Match` / `If-None-Match` as
 * expected versions, RFC 9457 problem details for eventfold's errors,
 * read-your-writes through `Eventfold-Position`, body validation. The
 * Fastify, Hono and Express integrations (`eventfold/fastify`,
 * `eventfold/hono`, `eventfold/express`) are built on them.
 *
 * @module
 */
export {
  etagOf,
  expectedVersionFromHeaders,
  expectedVersionFromIfMatch,
  expectedVersionFromIfNoneMatch,
  isNotModified,
  type HeaderValue,
  type HttpExpectedVersion,
} from './etag.js';
export {
  InvalidHeaderError,
  MalformedBodyError,
  PreconditionFailedError,
  ReadModelTimeoutError,
  type HttpErrorCode,
} from './http-errors.js';
export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  problemDetailsOf,
  type ProblemDetails,
  type ProblemDetailsOptions,
} from './problem-details.js';
export {
  POSITION_HEADER,
  positionFromHeader,
  readYourWrites,
  type PositionWaiter,
} from './read-your-writes.js';
export { validateBody } from './validate-body.js';
export { versionHeaders, type Versioned } from './versioned-response.js';
