import type { Position } from '../../core/position.js';
import { etagOf } from './etag.js';
import { POSITION_HEADER } from './read-your-writes.js';

/**
 * What a response about an aggregate says of it: its version (sent as the
 * `ETag`), the position of the write that produced it (sent as
 * `Eventfold-Position`, for read-your-writes) and the status.
 *
 * @example
 * ```ts
 * const meta: Versioned = { version: result.version, position: result.position, status: 201 };
 * ```
 */
export interface Versioned {
  /** The aggregate's version: the `ETag`. */
  readonly version: number;
  /** The global position of the write (a `CommandResult`'s `position`); no header when absent. */
  readonly position?: Position | undefined;
  /** The status (default 200). */
  readonly status?: number | undefined;
}

/**
 * The headers of a {@link Versioned} response: `ETag` and, after a write,
 * `Eventfold-Position`.
 *
 * @example
 * ```ts
 * response.writeHead(201, versionHeaders({ version: 1, position })).end(body);
 * ```
 */
export function versionHeaders(meta: Versioned): Record<string, string> {
  const headers: Record<string, string> = { ETag: etagOf(meta.version) };
  if (meta.position !== undefined) headers[POSITION_HEADER] = meta.position;
  return headers;
}
