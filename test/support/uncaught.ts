import { afterEach, beforeEach } from 'vitest';

/**
 * Collects the uncaught exceptions of each test of the file (which would
 * otherwise end the process): assert `uncaught()` is empty to prove a fault
 * crashed nothing.
 */
export function collectUncaught(): () => unknown[] {
  let errors: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    errors.push(error);
  };
  beforeEach(() => {
    errors = [];
    process.on('uncaughtException', onUncaught);
  });
  afterEach(() => {
    process.off('uncaughtException', onUncaught);
  });
  return () => errors;
}
