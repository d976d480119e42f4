import { beforeAll, beforeEach } from 'vitest';

/** How long a file's setup may take (PostgreSQL files wait for the server, held by one file at a time). */
const SETUP_TIMEOUT_MS = 20 * 60_000;

/**
 * `beforeAll` for a file's setup that makes every test of the file fail with
 * the setup's error (a failing `beforeAll` would only skip them): without a
 * server (or a browser) the tests that need it fail, they never skip.
 */
export function beforeAllOrFail(setup: () => Promise<void>): void {
  let failure: Error | undefined;
  // Generous: the setup may wait for other PostgreSQL test files to release the server.
  beforeAll(async () => {
    try {
      await setup();
    } catch (error) {
      failure =
        error instanceof Error ? error : new Error(`the test setup failed: ${String(error)}`);
    }
  }, SETUP_TIMEOUT_MS);
  beforeEach(() => {
    if (failure !== undefined) throw failure;
  });
}
