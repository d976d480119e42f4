/**
 * The API reference (`npm run docs:api`, TypeDoc, typedoc.json): one module per subpath export of
 * package.json, and a build that fails on any warning, so a broken `{@link}` in the TSDoc fails
 * this test.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './snippet-runner.js';

const run = promisify(execFile);
const readJson = (file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

const config = readJson('typedoc.json') as {
  entryPoints: string[];
  treatWarningsAsErrors?: boolean;
  validation?: Record<string, boolean>;
};
const manifest = readJson('package.json') as {
  exports: Record<string, string | { types?: string }>;
};

/** The source file of each subpath export's types: ./dist/x/index.d.ts → src/x/index.ts. */
const exportedSources = Object.values(manifest.exports).flatMap((target) =>
  typeof target === 'string' || target.types === undefined
    ? []
    : [target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')],
);

let out = '';
afterAll(() => {
  if (out !== '') fs.rmSync(out, { recursive: true, force: true });
});

describe('API reference', () => {
  it('has an entry point for every subpath export of package.json', () => {
    expect(exportedSources.length).toBeGreaterThan(5);
    expect([...config.entryPoints].sort()).toEqual([...exportedSources].sort());
  });

  it('treats warnings (broken links among them) as errors', () => {
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation?.invalidLink).toBe(true);
  });

  it('builds without a warning, one module page per entry point', async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'eventfold-typedoc-'));
    const typedoc = path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
    await run(process.execPath, [typedoc, '--out', out], { cwd: root, timeout: 120_000 });
    const modules = fs.readdirSync(path.join(out, 'modules')).sort();
    expect(modules).toHaveLength(exportedSources.length);
    expect(modules).toContain('eventfold_sqlite.html');
  }, 120_000);
});
