import { DatabaseError, EventfoldError } from '../../core/errors.js';
import { isConnectionError, sqlStateOf } from './connection-errors.js';

/** Secrets that must never appear in an error message: passwords and full connection strings. */
export type Secrets = readonly string[];

const REDACTED = '***';

/**
 * Removes every secret from `text`, and the password part of anything that
 * looks like a connection URL (`scheme://user:password@host`).
 */
export function redact(text: string, secrets: Secrets): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join(REDACTED);
  }
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, `$1${REDACTED}@`);
}

/** The passwords and connection string found in pool or client settings. */
export function secretsOf(config: {
  connectionString?: string | undefined;
  password?: unknown;
}): string[] {
  const secrets: string[] = [];
  if (typeof config.password === 'string') secrets.push(config.password);
  const url = config.connectionString;
  if (typeof url === 'string' && url.length > 0) {
    secrets.push(url);
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url);
    const password = match?.[1];
    if (password !== undefined && password.length > 0) {
      secrets.push(password);
      try {
        secrets.push(decodeURIComponent(password));
      } catch {
        // not percent-encoded: the raw form is already listed
      }
    }
  }
  // Longest first, so a password inside the URL does not break the URL's own redaction.
  return secrets.sort((a, b) => b.length - a.length);
}

interface DriverErrorFields {
  message?: unknown;
  code?: unknown;
}

/**
 * Wraps a driver or connection error in a {@link DatabaseError} whose message
 * says what failed, carries the SQLSTATE or system error code, and never
 * contains a password; its `sqlState` and `connectionLost` are filled in (see
 * `isConnectionError`; `lost` forces `connectionLost`, for a client that
 * reported a connection error). eventfold's own errors pass through unchanged.
 */
export function toDatabaseError(
  error: unknown,
  action: string,
  secrets: Secrets,
  lost = false,
): EventfoldError {
  if (EventfoldError.is(error)) return error;
  const fields: DriverErrorFields = typeof error === 'object' && error !== null ? error : {};
  const raw =
    typeof fields.message === 'string' && fields.message.length > 0
      ? fields.message
      : String(error);
  const code =
    typeof fields.code === 'string'
      ? ` (${/^[0-9A-Z]{5}$/.test(fields.code) ? 'SQLSTATE ' : ''}${fields.code})`
      : '';
  const message = `PostgreSQL ${action} failed: ${redact(raw, secrets)}${code}`;
  return new DatabaseError(message, {
    cause: safeCause(error, secrets),
    sqlState: sqlStateOf(error),
    connectionLost: lost || isConnectionError(error),
  });
}

/** The original error when nothing in it reveals a secret, else a redacted stand-in. */
function safeCause(error: unknown, secrets: Secrets): unknown {
  let text: string;
  try {
    text =
      error instanceof Error
        ? `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`
        : JSON.stringify(error);
  } catch {
    return undefined;
  }
  if (redact(text, secrets) === text) return error;
  return new Error(redact(error instanceof Error ? error.message : String(error), secrets));
}
