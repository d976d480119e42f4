import { EventfoldError } from '../../core/errors.js';

/** The codes of the HTTP integration's own errors. */
export type HttpErrorCode =
  'INVALID_HEADER' | 'MALFORMED_BODY' | 'PRECONDITION_FAILED' | 'READ_MODEL_TIMEOUT';

/**
 * A request header eventfold reads (`If-Match`, `If-None-Match`,
 * `Eventfold-Position`) is not well formed: answered `400 Bad Request`.
 *
 * @example
 * ```ts
 * try { expectedVersionFromIfMatch('3') } catch (e) {
 *   if (InvalidHeaderError.is(e)) console.log(e.header); // 'If-Match' (the quotes are missing)
 * }
 * ```
 */
export class InvalidHeaderError extends EventfoldError {
  static override readonly code: HttpErrorCode = 'INVALID_HEADER';
  /** The header's name. */
  readonly header: string;
  constructor(header: string, message: string) {
    super(message);
    this.header = header;
  }
}

/**
 * An `If-Match` entity tag is well formed but names no version eventfold
 * gave out (say `"abc"`), so it can match no state of the resource: answered
 * `412 Precondition Failed`, as RFC 9110 §13.1.1 says of a tag that does not match.
 *
 * @example
 * ```ts
 * try { expectedVersionFromIfMatch('"abc"') } catch (e) {
 *   if (PreconditionFailedError.is(e)) console.log(e.message);
 * }
 * ```
 */
export class PreconditionFailedError extends EventfoldError {
  static override readonly code: HttpErrorCode = 'PRECONDITION_FAILED';
}

/**
 * A read model did not reach the position a client asked for
 * (`Eventfold-Position`) in time: answered `504 Gateway Timeout`, so that a
 * client never takes a view without its own write for the current one.
 *
 * @example
 * ```ts
 * try { await readYourWrites(cartsView, position, { timeoutMs: 2_000 }) } catch (e) {
 *   if (ReadModelTimeoutError.is(e)) console.log(e.position);
 * }
 * ```
 */
export class ReadModelTimeoutError extends EventfoldError {
  static override readonly code: HttpErrorCode = 'READ_MODEL_TIMEOUT';
  /** The position waited for. */
  readonly position: string;
  constructor(position: string, timeoutMs: number | undefined) {
    super(
      `The read model did not reach position ${position}${timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`}`,
    );
    this.position = position;
  }
}

/**
 * A request body is not JSON: answered `400 Bad Request` (a body that is JSON
 * but not what the endpoint takes is a `ValidationError`, `422`).
 *
 * @example
 * ```ts
 * throw new MalformedBodyError('Unexpected end of JSON input');
 * ```
 */
export class MalformedBodyError extends EventfoldError {
  static override readonly code: HttpErrorCode = 'MALFORMED_BODY';
}
