import { ValidationError } from '../core/errors.js';

/** The store of the demo (`npm start`): its SQLite file, relative to the working directory. */
export const DEFAULT_STORE_URL = 'sqlite://.eventfold/tasks.db';

/** The backend a URL names, from its scheme. */
export type Backend = 'memory' | 'sqlite' | 'postgres' | 'nats';

/** The backend of `url`; a {@link ValidationError} for any other scheme. */
export function backendOf(url: string): Backend {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'memory') return 'memory';
  if (scheme === 'sqlite') return 'sqlite';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'nats') return 'nats';
  throw new ValidationError(
    `Unsupported store URL scheme ${scheme === undefined ? '(none)' : `"${scheme}:"`}: use memory:, sqlite://file.db, postgresql://user@host/db or nats://host:4222`,
  );
}

/** The secrets in `url` (the password of a `user:password@` part, decoded too) to keep out of output. */
export function secretsOfUrl(url: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url);
  const password = match?.[1];
  if (password === undefined || password.length === 0) return [];
  const secrets = [password];
  try {
    const decoded = decodeURIComponent(password);
    if (decoded !== password) secrets.push(decoded);
  } catch {
    // Not percent-encoded text: the raw form is the secret.
  }
  return secrets;
}

/** `url` with its password, if any, replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i, '$1***@');
}
