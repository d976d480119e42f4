import { EventfoldError } from '../core/errors.js';

/**
 * The exit codes of the `eventfold` command, for scripts:
 * 0 done; 1 an unexpected failure; 2 bad usage or input (unknown option,
 * invalid JSON, bad URL); 3 the stream or item asked for does not exist
 * (or was deleted for good);
 * 4 a conflict (wrong expected version, an id stored as another event, a
 * target holding other events); 5 the database cannot be reached or used
 * (connection, migration, missing driver).
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
  Conflict: 4,
  Unavailable: 5,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A copy or import met a target stream that holds other events than the
 * input at the same versions, or that stops short of where the input goes on:
 * nothing of that stream's batch was written.
 */
export class TransferConflictError extends EventfoldError {
  static override readonly code: string = 'TRANSFER_CONFLICT';
}

const BY_CODE: Record<string, ExitCodeValue> = {
  VALIDATION: ExitCode.Usage,
  INVALID_OPTION: ExitCode.Usage,
  SERIALIZATION: ExitCode.Usage,
  STREAM_NOT_FOUND: ExitCode.NotFound,
  STREAM_DELETED: ExitCode.NotFound,
  STORE_NOT_FOUND: ExitCode.NotFound,
  CONCURRENCY: ExitCode.Conflict,
  EVENT_ID_CONFLICT: ExitCode.Conflict,
  APPEND_CONDITION: ExitCode.Conflict,
  UNSUPPORTED_WRITE: ExitCode.Usage,
  TRANSFER_CONFLICT: ExitCode.Conflict,
  DATABASE: ExitCode.Unavailable,
  MIGRATION: ExitCode.Unavailable,
  MISSING_DEPENDENCY: ExitCode.Unavailable,
  STORE_CLOSED: ExitCode.Unavailable,
};

/** The exit code for `error`: by its eventfold code, else 1. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (EventfoldError.is(error)) return BY_CODE[error.code] ?? ExitCode.Failure;
  return ExitCode.Failure;
}

/**
 * The one line printed for `error` (its message, on one line, with every
 * secret replaced by `***`), or its stack too with `debug`.
 */
export function describeError(error: unknown, secrets: readonly string[], debug: boolean): string {
  const text =
    error instanceof Error
      ? debug
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  let out = debug ? text : text.replace(/\s*\n\s*/g, ' ');
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}
