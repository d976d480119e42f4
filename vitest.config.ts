import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Chooses the PostgreSQL server of the PostgreSQL tests (DATABASE_URL, the CI service, or an embedded one).
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
