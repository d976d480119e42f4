import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// The repository's own eslint.config.js, with type information off: the snippets below exist only
// in memory, and the layer rule needs no types.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: path.join(root, 'eslint.config.js'),
  overrideConfig: [tseslint.configs.disableTypeChecked],
});

/** Lints `code` as if it were the file `file` (relative to the repository) and returns the layer rule's messages. */
async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const fatal = result?.messages.filter((m) => m.fatal === true) ?? [];
  expect(fatal).toEqual([]);
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'eventfold/layers')
    .map((m) => m.message);
}

const importOf = (specifier: string) => `import { x } from '${specifier}';\nexport { x };\n`;

// Why an edge is forbidden, as the rule words it.
const CORE = 'core is the bottom layer and imports no other layer';
const CONTRACTS = 'contracts live in src/core';
const KERNEL = 'backends build on the kernel, not the other way round';
const BACKEND = 'a backend imports only src/core, src/stores/kernel and its own folder';
const SIBLINGS = 'aggregates and subscriptions are siblings: what both need lives in src/core';
const ABOVE =
  'code above src/stores uses the EventStore interface and never asks which backend it runs on';
const CLI = 'src/cli is the top layer';
const ENTRY = 'entry files sit on top of the library layers: import the module itself';
const TESTING = 'the testing helpers are not part of the library';
const INTEGRATIONS =
  'src/integrations sits above the library: each integration is its own entry point';

// One upward or sideways import per forbidden edge: [importing file, specifier, the edge, why].
// prettier-ignore
const forbidden: [string, string, string, string][] = [
  ['src/core/a.ts', '../stores/kernel/x.js', 'src/core may not import src/stores/kernel', CORE],
  ['src/core/contracts/a.ts', '../../stores/memory/index.js', 'src/core may not import src/stores/memory', CORE],
  ['src/core/a.ts', '../aggregates/x.js', 'src/core may not import src/aggregates', CORE],
  ['src/core/a.ts', '../subscriptions/x.js', 'src/core may not import src/subscriptions', CORE],
  ['src/core/a.ts', '../index.js', 'src/core may not import src/index.ts', CORE],
  ['src/stores/kernel/a.ts', '../../subscriptions/x.js', 'src/stores/kernel may not import src/subscriptions', CONTRACTS],
  ['src/stores/sqlite/a.ts', '../../subscriptions/x.js', 'src/stores/sqlite may not import src/subscriptions', CONTRACTS],
  ['src/stores/postgres/subscriptions/a.ts', '../../../subscriptions/x.js', 'src/stores/postgres may not import src/subscriptions', CONTRACTS],
  ['src/stores/memory/a.ts', '../../aggregates/x.js', 'src/stores/memory may not import src/aggregates', CONTRACTS],
  ['src/stores/kernel/a.ts', '../sqlite/index.js', 'src/stores/kernel may not import src/stores/sqlite', KERNEL],
  ['src/stores/sqlite/a.ts', '../postgres/index.js', 'src/stores/sqlite may not import src/stores/postgres', BACKEND],
  ['src/stores/sqlite/subscriptions/a.ts', '../../memory/index.js', 'src/stores/sqlite may not import src/stores/memory', BACKEND],
  ['src/stores/postgres/a.ts', '../sqlite/x.js', 'src/stores/postgres may not import src/stores/sqlite', BACKEND],
  ['src/stores/nats/a.ts', '../postgres/index.js', 'src/stores/nats may not import src/stores/postgres', BACKEND],
  ['src/stores/nats/a.ts', '../../subscriptions/x.js', 'src/stores/nats may not import src/subscriptions', CONTRACTS],
  ['src/aggregates/a.ts', '../subscriptions/x.js', 'src/aggregates may not import src/subscriptions', SIBLINGS],
  ['src/subscriptions/a.ts', '../aggregates/x.js', 'src/subscriptions may not import src/aggregates', SIBLINGS],
  ['src/aggregates/a.ts', '../stores/sqlite/index.js', 'src/aggregates may not import src/stores/sqlite', ABOVE],
  ['src/subscriptions/a.ts', '../stores/memory/x.js', 'src/subscriptions may not import src/stores/memory', ABOVE],
  ['src/stores/sqlite/a.ts', '../../cli/x.js', 'src/stores/sqlite may not import src/cli', CLI],
  ['src/aggregates/a.ts', '../cli/x.js', 'src/aggregates may not import src/cli', CLI],
  ['src/index.ts', './cli/x.js', 'src/index.ts may not import src/cli', CLI],
  ['src/testing/a.ts', '../cli/x.js', 'src/testing may not import src/cli', CLI],
  ['src/subscriptions/a.ts', '../index.js', 'src/subscriptions may not import src/index.ts', ENTRY],
  ['src/stores/postgres/a.ts', '../../backend.js', 'src/stores/postgres may not import src/backend.ts', ENTRY],
  ['src/testing/conformance/a.ts', '../../index.js', 'src/testing may not import src/index.ts', ENTRY],
  ['src/core/a.ts', '../testing/index.js', 'src/core may not import src/testing', TESTING],
  ['src/stores/memory/a.ts', '../../testing/conformance/index.js', 'src/stores/memory may not import src/testing', TESTING],
  ['src/aggregates/a.ts', '../testing/x.js', 'src/aggregates may not import src/testing', TESTING],
  ['src/subscriptions/a.ts', '../testing/index.js', 'src/subscriptions may not import src/testing', TESTING],
  ['src/cli/a.ts', '../testing/index.js', 'src/cli may not import src/testing', TESTING],
  ['src/index.ts', './testing/index.js', 'src/index.ts may not import src/testing', TESTING],
  ['src/subscriptions/a.ts', '../integrations/otel/x.js', 'src/subscriptions may not import src/integrations', INTEGRATIONS],
  ['src/stores/postgres/a.ts', '../../integrations/x.js', 'src/stores/postgres may not import src/integrations', INTEGRATIONS],
  ['src/index.ts', './integrations/fastify/index.js', 'src/index.ts may not import src/integrations', INTEGRATIONS],
  ['src/integrations/fastify/a.ts', '../../stores/postgres/index.js', 'src/integrations may not import src/stores/postgres', ABOVE],
  ['src/integrations/outbox/a.ts', '../../cli/x.js', 'src/integrations may not import src/cli', CLI],
  ['src/integrations/hono/a.ts', '../../testing/index.js', 'src/integrations may not import src/testing', TESTING],
  ['src/integrations/hono/a.ts', '../../index.js', 'src/integrations may not import src/index.ts', ENTRY],
  ['src/core/a.ts', '../../test/support/fixtures.js', 'src/core may not import ../../test/support/fixtures.js', 'it is outside src/'],
  ['src/core/a.ts', '../widgets/widget.js', 'src/core may not import src/widgets', CORE],
  ['src/stores/kernel/a.ts', '../../widgets/widget.js', 'src/stores/kernel may not import src/widgets', 'src/widgets is not a known layer (see docs/architecture.md)'],
];

// Imports that follow the layers: [importing file, specifier].
const allowed: [string, string][] = [
  ['src/core/a.ts', './contracts/snapshot-store.js'],
  ['src/core/contracts/a.ts', '../errors.js'],
  ['src/stores/kernel/a.ts', '../../core/event-store.js'],
  ['src/stores/sqlite/a.ts', '../../core/contracts/checkpoint-store.js'],
  ['src/stores/sqlite/a.ts', '../kernel/event-store-kernel.js'],
  ['src/stores/sqlite/index.ts', './subscriptions/sqlite-subscription-storage.js'],
  ['src/stores/postgres/subscriptions/a.ts', '../with-transaction.js'],
  ['src/stores/postgres/subscriptions/a.ts', '../../../core/contracts/lease-store.js'],
  ['src/stores/postgres/a.ts', 'pg'],
  ['src/stores/nats/a.ts', '@nats-io/jetstream'],
  ['src/stores/nats/a.ts', '../kernel/event-store-kernel.js'],
  ['src/stores/sqlite/a.ts', 'node:path'],
  ['src/aggregates/a.ts', '../core/event-store.js'],
  ['src/aggregates/a.ts', './aggregate-root.js'],
  ['src/subscriptions/a.ts', '../core/contracts/subscription-storage.js'],
  ['src/testing/a.ts', '../aggregates/index.js'],
  ['src/testing/conformance/a.ts', '../../stores/memory/index.js'],
  ['src/testing/property/a.ts', '../../subscriptions/index.js'],
  ['src/testing/property/a.ts', '../conformance/index.js'],
  ['src/index.ts', './stores/memory/index.js'],
  ['src/index.ts', './aggregates/index.js'],
  ['src/backend.ts', './stores/kernel/event-store-kernel.js'],
  ['src/create-event-store.ts', './index.js'],
  ['src/cli/a.ts', '../create-event-store.js'],
  ['src/cli/a.ts', '../stores/postgres/index.js'],
  ['src/cli/a.ts', '../subscriptions/index.js'],
  ['src/integrations/fastify/a.ts', '../http/problem-details.js'],
  ['src/integrations/fastify/a.ts', '../../aggregates/index.js'],
  ['src/integrations/outbox/a.ts', '../../subscriptions/index.js'],
  ['src/integrations/otel/a.ts', '../../core/event-store.js'],
  ['src/cli/a.ts', '../integrations/otel/index.js'],
  ['src/testing/a.ts', '../integrations/http/index.js'],
  ['test/core/a.test.ts', '../../src/testing/index.js'],
  ['bench/a.ts', '../src/stores/sqlite/index.js'],
];

describe('the layer rule (eventfold/layers)', () => {
  it.each(forbidden)('fails %s importing %s', async (file, specifier, edge, why) => {
    expect(await layerMessages(file, importOf(specifier))).toEqual([`${edge}: ${why}`]);
  });

  it.each(allowed)('accepts %s importing %s', async (file, specifier) => {
    expect(await layerMessages(file, importOf(specifier))).toEqual([]);
  });

  it('checks every form of import: type-only, re-exports, dynamic import() and import() types', async () => {
    const code = [
      "import type { Subscription } from '../../subscriptions/subscription.js';",
      "export { subscribe } from '../../subscriptions/subscribe.js';",
      "export * from '../../aggregates/index.js';",
      "export * as testing from '../../testing/index.js';",
      "export const load = () => import('../../subscriptions/index.js');",
      "export type Root = import('../../aggregates/aggregate-root.js').AggregateRoot;",
      'export type S = Subscription;',
    ].join('\n');
    expect(await layerMessages('src/stores/sqlite/a.ts', code)).toEqual([
      'src/stores/sqlite may not import src/subscriptions: contracts live in src/core',
      'src/stores/sqlite may not import src/subscriptions: contracts live in src/core',
      'src/stores/sqlite may not import src/aggregates: contracts live in src/core',
      'src/stores/sqlite may not import src/testing: the testing helpers are not part of the library',
      'src/stores/sqlite may not import src/subscriptions: contracts live in src/core',
      'src/stores/sqlite may not import src/aggregates: contracts live in src/core',
    ]);
  });

  it('fails an import of the package by its own name from src/', async () => {
    expect(await layerMessages('src/stores/sqlite/a.ts', importOf('eventfold/postgres'))).toEqual([
      "src files import each other by relative path, not by the package name 'eventfold/postgres'",
    ]);
    expect(await layerMessages('src/aggregates/a.ts', importOf('eventfold'))).toEqual([
      "src files import each other by relative path, not by the package name 'eventfold'",
    ]);
    expect(await layerMessages('test/a.test.ts', importOf('eventfold'))).toEqual([]);
  });

  it('reports an upward import with the rule name and as an error', async () => {
    const [result] = await eslint.lintText(importOf('../subscriptions/subscribe.js'), {
      filePath: path.join(root, 'src/core/a.ts'),
    });
    const layer = result?.messages.filter((m) => m.ruleId === 'eventfold/layers') ?? [];
    expect(layer.map((m) => [m.ruleId, m.severity, m.line, m.column])).toEqual([
      ['eventfold/layers', 2, 1, 19],
    ]);
    expect(result?.errorCount).toBe(1);
  });
});
