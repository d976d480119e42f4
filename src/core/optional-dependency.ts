import { MissingDependencyError } from './errors.js';

/**
 * Loads an optional peer dependency with `load` (a `require` made by the caller with
 * `createRequire(import.meta.url)`, so the package resolves from the caller's place),
 * turning "not installed" into a {@link MissingDependencyError} that names the package,
 * `entryPoint` and the install command. Any other failure (a package that is installed
 * but broken) is rethrown as it is.
 *
 * @internal
 */
export function loadOptionalDependency(
  load: (id: string) => unknown,
  dependency: string,
  entryPoint: string,
  types?: string,
): unknown {
  try {
    return load(dependency);
  } catch (cause) {
    if (isNotFound(cause, dependency)) {
      throw new MissingDependencyError(
        dependency,
        entryPoint,
        types === undefined ? { cause } : { cause, types },
      );
    }
    throw cause;
  }
}

/** True when `error` says that `dependency` itself (not one of its own imports) cannot be found. */
function isNotFound(error: unknown, dependency: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && message.includes(`'${dependency}'`);
}
