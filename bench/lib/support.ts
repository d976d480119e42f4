/**
 * Targets that lack a feature a workload needs (a peer without DCB, a store whose
 * backend has not implemented it yet) get "n/a (not supported)" in the table instead
 * of aborting the run.
 */

/** Thrown by a workload when its target has no such feature. */
export class NotSupportedError extends Error {
  constructor(feature: string) {
    super(`${feature} is not supported by this target`);
    this.name = 'NotSupportedError';
  }
}

/**
 * Whether `error` says the feature is missing rather than broken: a
 * {@link NotSupportedError}, or an error whose message says "not implemented" or
 * "not supported" (how stores refuse what their backend does not have yet).
 */
export function isNotSupported(error: unknown): boolean {
  if (error instanceof NotSupportedError) return true;
  return error instanceof Error && /\bnot (implemented|supported)\b/i.test(error.message);
}

/** How a failed target is shown: "n/a (not supported)" for a missing feature, else the error. */
export function failureCell(failure: { error: string; unsupported: boolean }, width = 60): string {
  return failure.unsupported ? 'n/a (not supported)' : `n/a: ${failure.error.slice(0, width)}`;
}
