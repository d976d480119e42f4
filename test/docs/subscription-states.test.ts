/**
 * docs/subscriptions.md lists every state of a subscription: its "States" table names exactly the
 * members of the `SubscriptionState` union, in the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root } from './snippet-runner.js';

/** The string literals of a union type alias in a source file. */
function unionMembers(file: string, name: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const alias = source.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name,
  );
  if (alias === undefined || !ts.isUnionTypeNode(alias.type)) {
    throw new Error(`${file} has no union type ${name}`);
  }
  return alias.type.types.map((member) => {
    if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) {
      throw new Error(`${name} has a member that is not a string: ${member.getText(source)}`);
    }
    return member.literal.text;
  });
}

/** The first column of the table under a heading of a Markdown page, unquoted. */
function tableUnder(page: string, heading: string): string[] {
  const lines = fs.readFileSync(path.join(root, page), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`${page} has no heading "${heading}"`);
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break;
    const cell = /^\| `'([^']+)'`\s*\|/.exec(line);
    if (cell?.[1] !== undefined) rows.push(cell[1]);
    else if (rows.length > 0) break;
  }
  return rows;
}

describe('subscription states in the docs', () => {
  it('are the members of SubscriptionState', () => {
    const members = unionMembers('src/subscriptions/subscription-status.ts', 'SubscriptionState');
    expect(members).toContain('idle');
    expect(tableUnder('docs/subscriptions.md', '### States')).toEqual(members);
  });
});
