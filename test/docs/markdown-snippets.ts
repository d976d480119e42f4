/**
 * Extracts the TypeScript blocks of the Markdown docs and turns them into programs, following the
 * convention of docs/architecture.md ("Docs snippets"):
 *
 * - every block fenced ```ts (or ```typescript) is type-checked and run; other blocks are not;
 * - each block is a program of its own, unless its fence says `continues` (```ts continues): then
 *   it is appended to the program of the last block before it on the page that is not a test
 *   file, and sees its declarations; an import it repeats is dropped (so each block may show the
 *   imports it uses);
 * - a block fenced ```ts aside is a program of its own that later `continues` blocks skip over
 *   (an example beside the page's running one: another backend, say);
 * - a block fenced ```ts vitest is a test file of its own (an aside too): it is run by vitest
 *   rather than by tsx.
 */
import ts from 'typescript';

/** A fenced TypeScript block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository. */
  readonly file: string;
  /** The line (1-based) of the block's first line of code. */
  readonly line: number;
  /** The code, without the fences. */
  readonly code: string;
  /** The words after the language of the opening fence (`continues`, `aside`, `vitest`). */
  readonly flags: readonly string[];
}

/** Where a line of a generated program comes from. */
export interface SourceLine {
  readonly file: string;
  readonly line: number;
}

/** One or more snippets joined into one module. */
export interface SnippetProgram {
  /** A file name for the program, unique among the programs of all pages. */
  readonly name: string;
  /** The Markdown file its blocks come from. */
  readonly file: string;
  /** Its blocks, in page order. */
  readonly snippets: readonly Snippet[];
  /** How it is run: as a script with tsx, or as a test file with vitest. */
  readonly kind: 'script' | 'vitest';
  /** The module's text. */
  readonly text: string;
  /** For every line of `text` (index 0 is line 1), the Markdown line it comes from. */
  readonly lines: readonly SourceLine[];
}

const TYPESCRIPT = new Set(['ts', 'typescript']);
const FLAGS = new Set(['continues', 'aside', 'vitest']);

/** The TypeScript blocks of a Markdown text; unknown words after `ts` are an error. */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', lang = '', rest = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] ?? '';
      const close = text.trim();
      if (close.startsWith(fence) && /^[`~]+$/.test(close) && close[0] === fence[0]) break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (TYPESCRIPT.has(lang.toLowerCase())) {
      const flags = rest.split(/\s+/).filter((word) => word !== '');
      const unknown = flags.filter((flag) => !FLAGS.has(flag));
      if (unknown.length > 0) {
        throw new Error(`${file}:${i + 1}: unknown snippet flag(s) ${unknown.join(', ')}`);
      }
      snippets.push({ file, line: i + 2, code: body.join('\n'), flags });
    }
    i = j;
  }
  return snippets;
}

/**
 * Groups a page's snippets into programs: a new program at every block without `continues`.
 * `prefix` makes the program names unique across pages.
 */
export function buildPrograms(prefix: string, snippets: readonly Snippet[]): SnippetProgram[] {
  const groups: Snippet[][] = [];
  // The program a `continues` block joins: the last one that is not an aside or a test file.
  let current: Snippet[] | undefined;
  for (const snippet of snippets) {
    const vitest = snippet.flags.includes('vitest');
    const aside = vitest || snippet.flags.includes('aside');
    if (snippet.flags.includes('continues')) {
      if (aside) throw new Error(`${snippet.file}:${snippet.line}: an aside cannot continue`);
      if (current === undefined) {
        throw new Error(`${snippet.file}:${snippet.line}: no earlier block to continue`);
      }
      current.push(snippet);
    } else {
      const group = [snippet];
      groups.push(group);
      if (!aside) current = group;
    }
  }
  return groups.map((group, index) => programOf(`${prefix}-${index + 1}`, group));
}

function programOf(baseName: string, snippets: readonly Snippet[]): SnippetProgram {
  const first = snippets[0];
  if (first === undefined) throw new Error('a program needs a snippet');
  const seen = new Set<string>();
  const text: string[] = [];
  const lines: SourceLine[] = [];
  for (const snippet of snippets) {
    const code = withoutRepeatedImports(snippet.code, seen);
    code.split('\n').forEach((line, offset) => {
      text.push(line);
      lines.push({ file: snippet.file, line: snippet.line + offset });
    });
  }
  // A module even when the snippets import nothing: top-level await, and no shared globals.
  text.push('export {};');
  lines.push(lines.at(-1) ?? { file: first.file, line: first.line });
  const kind = first.flags.includes('vitest') ? 'vitest' : 'script';
  const name = kind === 'vitest' ? `${baseName}.test.ts` : `${baseName}.ts`;
  return { name, file: first.file, snippets, kind, text: text.join('\n'), lines };
}

/**
 * `code` without the imports of names that an earlier block of the program already imported
 * from the same module (recorded in `seen`), keeping every line where it was.
 */
export function withoutRepeatedImports(code: string, seen: Set<string>): string {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, false);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) {
      continue;
    }
    const clause = statement.importClause;
    if (clause === undefined) continue;
    const from = statement.moduleSpecifier.text;
    const fresh = (local: string): boolean => {
      const key = `${from}\0${local}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    const parts: string[] = [];
    if (clause.name !== undefined && fresh(clause.name.text)) parts.push(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
      if (fresh(bindings.name.text)) parts.push(bindings.getText(source));
    } else if (bindings !== undefined) {
      const kept = bindings.elements.filter((element) => fresh(element.name.text));
      if (kept.length > 0) parts.push(`{ ${kept.map((e) => e.getText(source)).join(', ')} }`);
    }
    const start = statement.getStart(source);
    const original = code.slice(start, statement.end);
    const typeOnly = clause.phaseModifier === ts.SyntaxKind.TypeKeyword ? 'type ' : '';
    const replacement =
      parts.length === 0 ? '' : `import ${typeOnly}${parts.join(', ')} from '${from}';`;
    if (replacement === original) continue;
    const newlines = original.split('\n').length - 1;
    edits.push({ start, end: statement.end, text: replacement + '\n'.repeat(newlines) });
  }
  let result = code;
  for (const edit of edits.reverse()) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** `file:line` of a program's line (1-based), or the program's own name when out of range. */
export function sourceOf(program: SnippetProgram, line: number): string {
  const source = program.lines[line - 1];
  return source === undefined ? `${program.name}:${line}` : `${source.file}:${source.line}`;
}

/** Rewrites `name.ts:LINE:COL` positions in a runtime error's text to Markdown positions. */
export function mapPositions(program: SnippetProgram, text: string): string {
  const escaped = program.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?:file://)?[^\\s(]*${escaped}:(\\d+)(?::(\\d+))?`, 'g');
  return text.replace(pattern, (_match, line: string) => sourceOf(program, Number(line)));
}
