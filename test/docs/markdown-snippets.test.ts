import { describe, expect, it } from 'vitest';
import {
  buildPrograms,
  extractSnippets,
  mapPositions,
  sourceOf,
  withoutRepeatedImports,
} from './markdown-snippets.js';

const page = [
  '# A page', // 1
  '', // 2
  '```sh', // 3
  'npm install eventfold', // 4
  '```', // 5
  '', // 6
  '```ts', // 7
  "import { a, b } from 'x';", // 8
  'const one = a + b;', // 9
  '```', // 10
  '', // 11
  '```ts continues', // 12
  "import { b, c } from 'x';", // 13
  "import { d } from 'y';", // 14
  'console.log(one, c, d);', // 15
  '```', // 16
  '', // 17
  '```ts vitest', // 18
  "import { it } from 'vitest';", // 19
  '```', // 20
  '', // 21
  '```ts aside', // 22
  'const other = 1;', // 23
  '```', // 24
  '', // 25
  '```ts continues', // 26
  'console.log(one);', // 27
  '```', // 28
].join('\n');

describe('markdown snippets', () => {
  it('extracts the TypeScript blocks with their first line and flags', () => {
    const snippets = extractSnippets('docs/page.md', page);
    expect(snippets.map((s) => [s.line, s.flags])).toEqual([
      [8, []],
      [13, ['continues']],
      [19, ['vitest']],
      [23, ['aside']],
      [27, ['continues']],
    ]);
    expect(snippets[0]?.code).toBe("import { a, b } from 'x';\nconst one = a + b;");
  });

  it('refuses an unknown flag, naming the line', () => {
    expect(() => extractSnippets('docs/page.md', '```ts runnable\nx;\n```')).toThrow(
      'docs/page.md:1: unknown snippet flag(s) runnable',
    );
  });

  it('joins continuing blocks to the last program that is not an aside or a test file', () => {
    const programs = buildPrograms('docs-page', extractSnippets('docs/page.md', page));
    expect(programs.map((p) => [p.name, p.kind, p.snippets.map((s) => s.line)])).toEqual([
      ['docs-page-1.ts', 'script', [8, 13, 27]],
      ['docs-page-2.test.ts', 'vitest', [19]],
      ['docs-page-3.ts', 'script', [23]],
    ]);
  });

  it('drops repeated imports and keeps every line where it was', () => {
    const [main] = buildPrograms('docs-page', extractSnippets('docs/page.md', page));
    if (main === undefined) throw new Error('no program');
    expect(main.text.split('\n')).toEqual([
      "import { a, b } from 'x';",
      'const one = a + b;',
      "import { c } from 'x';",
      "import { d } from 'y';",
      'console.log(one, c, d);',
      'console.log(one);',
      'export {};',
    ]);
    expect([1, 3, 5, 6].map((line) => sourceOf(main, line))).toEqual([
      'docs/page.md:8',
      'docs/page.md:13',
      'docs/page.md:15',
      'docs/page.md:27',
    ]);
  });

  it('removes a whole repeated import spanning several lines, leaving blank lines', () => {
    const seen = new Set<string>(['m\0a', 'm\0b']);
    const code = "import {\n  a,\n  b,\n} from 'm';\nimport type { T } from 'm';\nuse(a);";
    expect(withoutRepeatedImports(code, seen)).toBe("\n\n\n\nimport type { T } from 'm';\nuse(a);");
  });

  it('maps the positions of a runtime error to the Markdown lines', () => {
    const [main] = buildPrograms('docs-page', extractSnippets('docs/page.md', page));
    if (main === undefined) throw new Error('no program');
    const stack = 'Error: boom\n    at <anonymous> (/tmp/eventfold-snippets-x/docs-page-1.ts:5:9)';
    expect(mapPositions(main, stack)).toBe('Error: boom\n    at <anonymous> (docs/page.md:15)');
  });
});
