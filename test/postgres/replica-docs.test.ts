/**
 * The docs' replica snippets (docs/postgres.md, the programs that read `STANDBY_URL`) run
 * against a primary and a real streaming hot standby this file starts. The docs snippet tests
 * (test/docs/) type-check them and run them with the test server as its own replica.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allPrograms, SnippetWorkspace } from '../docs/snippet-runner.js';
import { startReplicaPair, type ReplicaPair } from '../support/postgres-replica.js';
import { beforeAllOrFail } from '../support/postgres-test-database.js';

const programs = allPrograms().filter((p) => p.text.includes('process.env.STANDBY_URL'));
const workspace = new SnippetWorkspace(programs);
let pair: ReplicaPair;
beforeAllOrFail(async () => {
  pair = await startReplicaPair();
});
afterAll(async () => {
  workspace.remove();
  await pair?.stop();
});

describe('the replica snippets of docs/postgres.md on a real standby', () => {
  it('are found', () => {
    expect(programs.map((p) => p.file)).toEqual(['docs/postgres.md', 'docs/postgres.md']);
  });

  it.each(programs.map((p) => [p.name, p] as const))('%s runs', async (_name, program) => {
    const env = { DATABASE_URL: pair.primaryUrl, STANDBY_URL: pair.standbyUrl };
    const output = await workspace.run(program, env);
    expect(output).toMatch(/^(1|OrderPlaced)\n$/);
  });
});
