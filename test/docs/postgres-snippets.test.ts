/**
 * The docs' snippet programs that need PostgreSQL (they read `DATABASE_URL`, or import
 * `eventfold/postgres` or `pg`), each run against a fresh database of the test server.
 * snippets.test.ts type-checks them with all the others.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres-test-database.js';
import { allPrograms, SnippetWorkspace, usesPostgres } from './snippet-runner.js';

const programs = allPrograms().filter(usesPostgres);
const workspace = new SnippetWorkspace(programs);
afterAll(() => workspace.remove());

describe('docs snippets on PostgreSQL', () => {
  it('are found on the pages', () => {
    expect(new Set(programs.map((p) => p.file))).toContain('docs/postgres.md');
  });

  describe.each(programs.map((p) => [p.name, p] as const))('%s', (_name, program) => {
    const where = program.snippets.map((s) => `${s.file}:${s.line}`).join(', ');
    it(`runs (${where})`, async () => {
      const database = await createTestDatabase('docs');
      try {
        await expect(workspace.run(program, { DATABASE_URL: database.url })).resolves.toBeTypeOf(
          'string',
        );
      } finally {
        await database.drop();
      }
    });
  });
});
