/**
 * Writes the docs' snippet programs (test/docs/markdown-snippets.ts) into a scratch folder,
 * type-checks them as one TypeScript program with the project's options, and runs them with tsx.
 *
 * `eventfold` and its subpaths resolve to the sources (`src/`), through `paths` derived from the
 * `exports` of package.json: no build is needed, and a `dist/` being rebuilt by another test
 * (the package test packs the project) cannot get in the way.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import {
  buildPrograms,
  extractSnippets,
  mapPositions,
  sourceOf,
  type SnippetProgram,
} from './markdown-snippets.js';

export const root = path.resolve(import.meta.dirname, '../..');

/** The pages whose snippets are checked: README.md and docs/*.md (not the generated docs/api/). */
export function documentationPages(): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every snippet program of every page. */
export function allPrograms(): SnippetProgram[] {
  return documentationPages().flatMap((page) => {
    const markdown = fs.readFileSync(path.join(root, page), 'utf8');
    const prefix = page.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-');
    return buildPrograms(prefix, extractSnippets(page, markdown));
  });
}

/** Whether a program needs a PostgreSQL database (it reads `DATABASE_URL` or imports `pg`). */
export function usesPostgres(program: SnippetProgram): boolean {
  return /process\.env\.DATABASE_URL|from 'eventfold\/postgres'|from 'pg'/.test(program.text);
}

/** `paths` for every subpath export of package.json: `eventfold/x` → the source of its types. */
function packagePaths(): Record<string, string[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string' || target.types === undefined) continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    paths[path.posix.join(manifest.name, subpath)] = [path.join(root, source)];
  }
  return paths;
}

/** A scratch folder holding the programs, with the project's node_modules linked in. */
export class SnippetWorkspace {
  readonly dir: string;
  readonly tsconfig: string;

  constructor(readonly programs: readonly SnippetProgram[]) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventfold-snippets-'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(this.dir, 'package.json'), '{ "type": "module" }\n');
    this.tsconfig = path.join(this.dir, 'tsconfig.json');
    const config = {
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: { paths: packagePaths(), noEmit: true },
      include: ['*.ts'],
    };
    fs.writeFileSync(this.tsconfig, JSON.stringify(config, null, 2));
    // vitest resolves the same names, for the test-file snippets.
    const aliases = Object.entries(config.compilerOptions.paths).map(([name, [target]]) => ({
      find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`).source,
      replacement: target,
    }));
    fs.writeFileSync(
      path.join(this.dir, 'vitest.config.mjs'),
      `const aliases = ${JSON.stringify(aliases)};\n` +
        'export default { resolve: { alias: aliases.map((a) => ({ find: new RegExp(a.find), replacement: a.replacement })) }, test: { testTimeout: 60000 } };\n',
    );
    for (const program of programs) {
      fs.writeFileSync(path.join(this.dir, program.name), program.text);
    }
  }

  /** Type-checks every program as one TypeScript program; returns the errors, by Markdown line. */
  typeErrors(): string[] {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      this.tsconfig,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (parsed === undefined) throw new Error(`cannot read ${this.tsconfig}`);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const byName = new Map(this.programs.map((p) => [path.join(this.dir, p.name), p]));
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) return `TS${d.code}: ${message}`;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const owner = byName.get(path.normalize(d.file.fileName));
      const where =
        owner === undefined ? `${d.file.fileName}:${line + 1}` : sourceOf(owner, line + 1);
      return `${where}: TS${d.code}: ${message}`;
    });
  }

  /**
   * Runs a program in its own process from a fresh working directory (where its files, such as
   * SQLite databases, go). Resolves to its output; rejects with its error, positions mapped to
   * the Markdown lines.
   */
  async run(program: SnippetProgram, env: Record<string, string> = {}): Promise<string> {
    const cwd = fs.mkdtempSync(path.join(this.dir, 'run-'));
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const childEnv = { ...inherited, NODE_OPTIONS: '', TSX_TSCONFIG_PATH: this.tsconfig, ...env };
    const [command, args] =
      program.kind === 'vitest'
        ? [
            vitestCli,
            [
              'run',
              '--root',
              this.dir,
              '--config',
              path.join(this.dir, 'vitest.config.mjs'),
              program.name,
            ],
          ]
        : [tsxLoader, []];
    const argv =
      program.kind === 'vitest'
        ? [command, ...args]
        : ['--import', command, path.join(this.dir, program.name)];
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        argv,
        { cwd, env: childEnv, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve(stdout);
            return;
          }
          const blocks = program.snippets.map((s) => `${s.file}:${s.line}`).join(', ');
          const reason = error.killed ? 'timed out after 60 s' : `exit code ${error.code}`;
          const output = mapPositions(program, `${stdout}\n${stderr}`.trim());
          reject(new Error(`the snippet at ${blocks} failed (${reason}):\n${output}`));
        },
      );
    });
  }

  /** Removes the scratch folder. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const require = createRequire(import.meta.url);
/** tsx's loader, by absolute URL. */
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
/** vitest's command line. */
const vitestCli = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
