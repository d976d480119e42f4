/**
 * What the docs may say: nothing a user of the package cannot see (notes and material that live
 * outside this repository), and no link to a file that does not exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationPages, root } from './snippet-runner.js';

const apiDir = path.join(root, 'docs', 'api');

/** Phrases that point at material a user does not have. */
const PRIVATE = /source (tutorial|document)|seeds|DESIGN/i;

/** README, docs/*.md and every file of examples/, relative to the repository. */
function userFacingFiles(): string[] {
  const examples = fs
    .readdirSync(path.join(root, 'examples'), { recursive: true, encoding: 'utf8' })
    .map((name) => `examples/${name}`)
    .filter((file) => fs.statSync(path.join(root, file)).isFile());
  return [...documentationPages(), ...examples];
}

/** `file:line: text` of every line of `files` that matches `pattern`. */
function matchingLines(files: readonly string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    fs
      .readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .flatMap((text, i) => (pattern.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
  );
}

describe('doc pages', () => {
  it('mention no material a user does not have', () => {
    const files = userFacingFiles();
    expect(files).toContain('docs/coming-from.md');
    expect(matchingLines(files, PRIVATE)).toEqual([]);
  });

  it('the check finds such a phrase', () => {
    expect(PRIVATE.test('as the source document says')).toBe(true);
    expect(PRIVATE.test('see DESIGN §8')).toBe(true);
    expect(PRIVATE.test("fast-check's seed option")).toBe(false);
  });

  it('link only to files that exist', () => {
    const broken = documentationPages().flatMap((page) => {
      const text = fs.readFileSync(path.join(root, page), 'utf8');
      return (
        [...text.matchAll(/\]\(([^)#\s]+)(#[^)\s]*)?\)/g)]
          .map((match) => match[1] ?? '')
          .filter((target) => !/^[a-z]+:/i.test(target))
          // the API reference is generated (npm run docs:api), not committed
          .filter((target) => !path.resolve(root, path.dirname(page), target).startsWith(apiDir))
          .filter((target) => !fs.existsSync(path.resolve(root, path.dirname(page), target)))
          .map((target) => `${page}: ${target}`)
      );
    });
    expect(broken).toEqual([]);
  });
});
