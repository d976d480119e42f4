import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import { subscribe } from '../../src/subscriptions/index.js';
import { waitFor } from '../support/wait.js';
import { ok, temporaryFolder } from './cli-cases.js';

const dir = temporaryFolder();

describe('eventfold projections status of a rebalancing group', { timeout: 120_000 }, () => {
  it('shows each partition with the member holding it, and the live members with their partitions', async () => {
    const file = path.join(dir, 'group.db');
    const url = `sqlite://${file}`;
    await using store = new SqliteEventStore(file);
    for (let i = 0; i < 20; i++) await store.append(`Task-${i}`, [{ type: 'X', data: {} }]);
    const member = (memberId: string) =>
      subscribe(store, {
        name: 'mailer',
        storage: new SqliteSubscriptionStorage(store),
        lease: { ttlMs: 5_000, retryMs: 20 },
        group: { partitions: 4, memberId, heartbeatMs: 50, ttlMs: 5_000 },
        handler: () => undefined,
      });
    await using a = member('member-a');
    await using b = member('member-b');
    await waitFor(
      () => a.owned.length === 2 && b.owned.length === 2,
      'two members, two partitions each',
    );
    await a.caughtUp;
    const shown = await ok(url, ['projections', 'status']);
    expect(shown).toMatch(/^mailer\[0\/4\]\s+running \(member-a\)\s+/m);
    expect(shown).toMatch(/^mailer\[1\/4\]\s+running \(member-b\)\s+/m);
    expect(shown).toContain(
      'group mailer: 2 live member(s) of 4 partitions: member-a [0,2], member-b [1,3]',
    );
    await b.stop();
    await a.stop();
    const stopped = await ok(url, ['projections', 'status']);
    expect(stopped).toMatch(/^mailer\[3\/4\]\s+stopped\s+/m);
    expect(stopped).not.toContain('group mailer');
  });
});
