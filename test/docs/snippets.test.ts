/**
 * Every TypeScript block of README.md and docs/*.md is type-checked (one TypeScript program, the
 * project's strict options) and run (each program in its own process, two at a time). The
 * convention is in docs/architecture.md, "Docs snippets"; the programs that need PostgreSQL run
 * in postgres-snippets.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allPrograms, SnippetWorkspace, usesPostgres } from './snippet-runner.js';

const programs = allPrograms();
const workspace = new SnippetWorkspace(programs);
afterAll(() => workspace.remove());

describe('docs snippets', () => {
  it('are found on the pages', () => {
    expect(programs.length).toBeGreaterThan(10);
    expect(new Set(programs.map((p) => p.file))).toContain('README.md');
  });

  it('type-check with the project options', () => {
    expect(workspace.typeErrors().join('\n')).toBe('');
  });

  describe.concurrent.each(
    programs.filter((p) => !usesPostgres(p)).map((p) => [p.name, p] as const),
  )('%s', (_name, program) => {
    const where = program.snippets.map((s) => `${s.file}:${s.line}`).join(', ');
    it(`runs (${where})`, async () => {
      await expect(workspace.run(program)).resolves.toBeTypeOf('string');
    });
  });
});
