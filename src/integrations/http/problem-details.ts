import { STATUS_CODES } from 'node:http';
import { AggregateNotFoundError } from '../../aggregates/aggregate-not-found-error.js';
import {
  ConcurrencyError,
  DatabaseError,
  EventfoldError,
  StoreClosedError,
  StreamDeletedError,
  StreamNotFoundError,
  ValidationError,
} from '../../core/errors.js';
import {
  InvalidHeaderError,
  MalformedBodyError,
  PreconditionFailedError,
  ReadModelTimeoutError,
} from './http-errors.js';

/** The media type of a problem details body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Where the `type` URIs of eventfold's problems start: `${PROBLEM_TYPE_BASE}concurrency`. */
export const PROBLEM_TYPE_BASE = 'https://eventfold.dev/problems/';

/**
 * An RFC 9457 problem details object, plus eventfold's `code` (the error's
 * stable code) and the extension members of some problems (`errors`,
 * `currentVersion`, `position`).
 *
 * @example
 * ```ts
 * const problem: ProblemDetails = { type: 'https://eventfold.dev/problems/not-found', title: 'Not Found', status: 404, detail: 'Cart "c1" not found', code: 'AGGREGATE_NOT_FOUND' };
 * ```
 */
export interface ProblemDetails {
  /** A URI naming the kind of problem: `https://eventfold.dev/problems/<kind>`. */
  readonly type: string;
  /** The short, constant summary of the kind (the status's reason phrase). */
  readonly title: string;
  /** The HTTP status code. */
  readonly status: number;
  /** What went wrong this time (never internals: a 500's detail is generic). */
  readonly detail: string;
  /** The request's URI, when given. */
  readonly instance?: string;
  /** The error's stable code (`'CONCURRENCY'`, `'VALIDATION'`, …; `'INTERNAL'` for a 500). */
  readonly code: string;
  /** Extension members. */
  readonly [extension: string]: unknown;
}

/**
 * Options of {@link problemDetailsOf}.
 *
 * @example
 * ```ts
 * problemDetailsOf(error, { conditional: true, instance: '/carts/c1' });
 * ```
 */
export interface ProblemDetailsOptions {
  /** The request carried `If-Match` / `If-None-Match`: a `ConcurrencyError` is then a 412, not a 409. */
  readonly conditional?: boolean | undefined;
  /** The request's URI, as the problem's `instance`. */
  readonly instance?: string | undefined;
}

interface Kind {
  readonly slug: string;
  readonly title: string;
  readonly status: number;
}

const kind = (slug: string, title: string, status: number): Kind => ({ slug, title, status });
const CONCURRENCY = kind('concurrency', 'Conflict', 409);
const PRECONDITION = kind('precondition-failed', 'Precondition Failed', 412);
const NOT_FOUND = kind('not-found', 'Not Found', 404);
const GONE = kind('gone', 'Gone', 410);
const VALIDATION = kind('validation', 'Unprocessable Content', 422);
const BAD_REQUEST = kind('bad-request', 'Bad Request', 400);
const UNAVAILABLE = kind('unavailable', 'Service Unavailable', 503);
const TIMEOUT = kind('timeout', 'Gateway Timeout', 504);
const INTERNAL = kind('internal', 'Internal Server Error', 500);

/**
 * The problem details (RFC 9457) an error is answered with: eventfold's
 * errors by their class (the table in docs/http.md), an error carrying a
 * 4xx `status` or `statusCode` (a framework's, or your domain's) with that
 * status and its message, anything else as a 500 whose detail says nothing
 * of the error. Send it with {@link PROBLEM_CONTENT_TYPE}.
 *
 * @example
 * ```ts
 * const problem = problemDetailsOf(error, { conditional: request.headers['if-match'] !== undefined });
 * response.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(problem));
 * ```
 */
export function problemDetailsOf(
  error: unknown,
  options: ProblemDetailsOptions = {},
): ProblemDetails {
  const [k, code, detail, extensions] = classify(error, options.conditional === true);
  return {
    type: PROBLEM_TYPE_BASE + k.slug,
    title: k.title,
    status: k.status,
    detail,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    code,
    ...extensions,
  };
}

type Classified = [Kind, string, string, Record<string, unknown>?];

function classify(error: unknown, conditional: boolean): Classified {
  if (ConcurrencyError.is(error)) {
    const current = { currentVersion: error.actualVersion };
    return [conditional ? PRECONDITION : CONCURRENCY, error.code, error.message, current];
  }
  if (PreconditionFailedError.is(error)) return [PRECONDITION, error.code, error.message];
  if (AggregateNotFoundError.is(error) || StreamNotFoundError.is(error)) {
    return [NOT_FOUND, error.code, error.message];
  }
  if (StreamDeletedError.is(error)) return [GONE, error.code, error.message];
  if (InvalidHeaderError.is(error) || MalformedBodyError.is(error))
    return [BAD_REQUEST, error.code, error.message];
  if (ValidationError.is(error)) {
    return [VALIDATION, error.code, error.message, { errors: error.issues }];
  }
  if (ReadModelTimeoutError.is(error)) {
    return [TIMEOUT, error.code, error.message, { position: error.position }];
  }
  if (StoreClosedError.is(error) || (DatabaseError.is(error) && error.connectionLost)) {
    return [UNAVAILABLE, error.code, 'The event store is unavailable; try again later'];
  }
  if (isTimeout(error)) return [TIMEOUT, 'TIMEOUT', 'The request took too long'];
  const status = clientStatusOf(error);
  if (status !== undefined) {
    const message = error instanceof Error ? error.message : 'Bad request';
    const code = codeOf(error) ?? (status === 422 ? 'VALIDATION' : 'BAD_REQUEST');
    return [kindOfStatus(status), code, message];
  }
  return [INTERNAL, 'INTERNAL', 'An unexpected error occurred'];
}

/** A 4xx `status` / `statusCode` an error carries (frameworks' and domain errors), if any. */
function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || EventfoldError.is(error)) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500
    ? value
    : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

function kindOfStatus(status: number): Kind {
  for (const k of [BAD_REQUEST, NOT_FOUND, CONCURRENCY, PRECONDITION, GONE, VALIDATION]) {
    if (k.status === status) return k;
  }
  return kind(`http-${status}`, STATUS_CODES[status] ?? 'Client Error', status);
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}
