import { InvalidOptionError } from './errors.js';

/**
 * Where eventfold reports what goes wrong without failing the caller (a
 * snapshot not saved, a subscription's handler or storage errors, a command
 * retried): any pino-compatible logger fits (pino, bunyan-style child
 * loggers, or a small object of your own). The first argument is an object
 * of fields (the error under `err`), the second the message.
 *
 * @example
 * ```ts
 * const logger: EventfoldLogger = {
 *   warn: (fields, message) => console.warn(message, fields),
 *   error: (fields, message) => console.error(message, fields),
 * };
 * const store = new InMemoryEventStore({ logger });
 * ```
 */
export interface EventfoldLogger {
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  info?(fields: object, message?: string): void;
  debug?(fields: object, message?: string): void;
}

/**
 * Checks a `logger` option by shape: an {@link InvalidOptionError} names a bad one.
 *
 * @internal
 */
export function checkLogger(name: string, value: unknown): EventfoldLogger | undefined {
  if (value === undefined) return undefined;
  const l = (typeof value === 'object' ? value : null) as Record<string, unknown> | null;
  if (
    l === null ||
    typeof l.warn !== 'function' ||
    typeof l.error !== 'function' ||
    (l.info !== undefined && typeof l.info !== 'function') ||
    (l.debug !== undefined && typeof l.debug !== 'function')
  )
    throw new InvalidOptionError(name, value, 'a logger { warn, error, info?, debug? }');
  return value as EventfoldLogger;
}

/**
 * Logs a warning to `logger`, or, without one, as a Node.js process warning
 * with `code` (what eventfold did before loggers), so nothing is lost. A
 * throwing logger is ignored.
 *
 * @internal
 */
export function logWarning(
  logger: EventfoldLogger | undefined,
  fields: object,
  message: string,
  code: string,
): void {
  if (logger === undefined) {
    process.emitWarning(`eventfold: ${message}`, { code });
    return;
  }
  try {
    logger.warn({ code, ...fields }, message);
  } catch {
    // A failing logger must not fail what it reports on.
  }
}
