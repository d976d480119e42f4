import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Chooses the PostgreSQL server of the PostgreSQL tests (DATABASE_URL, the CI service, or an embedded one)
    // and the NATS server of the NATS tests (NATS_URL, the machine's, or a private nats-server).
    globalSetup: ['test/support/postgres-global-setup.ts', 'test/support/nats-global-setup.ts'],
  },
});
