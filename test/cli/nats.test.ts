import { describe, expect, it } from 'vitest';
import { natsUrl, uniquePrefix, useNats } from '../support/nats-test.js';
import { cliCases, expectFailure, on } from './cli-cases.js';

const nats = useNats();

/** A URL of a new JetStream stream on the test server (dropped after the file). */
function freshUrl(): string {
  return `nats://${natsUrl.replace(/^nats:\/\//, '')}?stream=${uniquePrefix('cli')}`;
}

cliCases({ name: 'NATS', freshUrl, migrations: false });

describe('eventfold command on NATS', { timeout: 120_000 }, () => {
  it('an unreachable server is exit code 5 with the reason', async () => {
    nats.connection(); // fails here, not with a skip, when the test server is missing under CI
    const result = await on('nats://127.0.0.1:1?stream=nowhere&timeoutMs=2000', ['info']);
    expectFailure(result, 5, /NATS|connect|ECONNREFUSED|127\.0\.0\.1/i);
    expect(result.stderr).toMatch(/^eventfold: error: /);
  });
});
