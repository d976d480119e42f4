/**
 * Loading an optional peer dependency: "not installed" becomes a MissingDependencyError naming
 * the package, the entry point and the install command; anything else is left as it is. (The
 * packed package without its optional peers is in test/package/pack.test.ts.)
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { EventfoldError, MissingDependencyError } from '../../src/index.js';
import { loadOptionalDependency } from '../../src/core/optional-dependency.js';
import { thrown } from '../support/rejection.js';

const require = createRequire(import.meta.url);

describe('loadOptionalDependency', () => {
  it('returns the module when it is installed', () => {
    const loaded = loadOptionalDependency(require, 'pg', 'eventfold/postgres') as {
      Pool?: unknown;
    };
    expect(typeof loaded.Pool).toBe('function');
  });

  it('names the package, the entry point and the install command when it is not installed', () => {
    const error = thrown(() =>
      loadOptionalDependency(require, 'eventfold-absent-driver', 'eventfold/absent', '@types/x'),
    );
    expect(MissingDependencyError.is(error)).toBe(true);
    expect(EventfoldError.is(error)).toBe(true);
    const missing = error as MissingDependencyError;
    expect(missing).toMatchObject({
      code: 'MISSING_DEPENDENCY',
      name: 'MissingDependencyError',
      dependency: 'eventfold-absent-driver',
      entryPoint: 'eventfold/absent',
      installCommand: 'npm install eventfold-absent-driver',
      message:
        'eventfold/absent needs the optional peer dependency eventfold-absent-driver, which is not installed: run `npm install eventfold-absent-driver` (TypeScript: also `npm install -D @types/x`)',
    });
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('MODULE_NOT_FOUND');
  });

  it('leaves the error of an installed package that fails to load as it is', () => {
    // The package is there, but one of its own imports is not.
    const inner = Object.assign(new Error("Cannot find module 'pg-pool'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(
      thrown(() =>
        loadOptionalDependency(
          () => {
            throw inner;
          },
          'pg',
          'eventfold/postgres',
        ),
      ),
    ).toBe(inner);
    const broken = new Error('the native binding could not be loaded');
    expect(
      thrown(() =>
        loadOptionalDependency(
          () => {
            throw broken;
          },
          'better-sqlite3',
          'eventfold/sqlite',
        ),
      ),
    ).toBe(broken);
  });
});
