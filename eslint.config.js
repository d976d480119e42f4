// @ts-check
import path from 'node:path';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SRC = path.join(import.meta.dirname, 'src');

/**
 * Where a file sits in the layers of docs/architecture.md, low to high: core, stores (the kernel,
 * or a file directly in src/stores), backend (any other folder of src/stores), aggregates and
 * subscriptions (siblings), integrations, entry (a file directly in src/), cli. testing sits beside
 * them.
 * @param {string} file an absolute path
 * @returns {{ layer: string, folder: string } | undefined} undefined outside src/
 */
function placeOf(file) {
  const parts = path.relative(SRC, file).split(path.sep);
  const [top = '', sub = ''] = parts;
  if (top === '..' || path.isAbsolute(top)) return undefined;
  if (parts.length === 1) return { layer: 'entry', folder: `src/${top.replace(/\.js$/, '.ts')}` };
  if (top !== 'stores') return { layer: top, folder: `src/${top}` };
  if (parts.length === 2) return { layer: 'stores', folder: 'src/stores' };
  if (sub === 'kernel') return { layer: 'stores', folder: 'src/stores/kernel' };
  return { layer: 'backend', folder: `src/stores/${sub}` };
}

const LIBRARY = ['core', 'stores', 'backend', 'aggregates', 'subscriptions'];

/**
 * Why a file in `from` may not import a file in `to`, or undefined when it may.
 * @param {{ layer: string, folder: string }} from
 * @param {{ layer: string, folder: string }} to
 * @returns {string | undefined}
 */
function forbidden(from, to) {
  const a = from.layer;
  const b = to.layer;
  if (from.folder === to.folder) return undefined;
  if (b === 'testing' && a !== 'testing') return 'the testing helpers are not part of the library';
  if (a === 'core') return 'core is the bottom layer and imports no other layer';
  if (b === 'cli' && a !== 'cli') return 'src/cli is the top layer';
  if (b === 'integrations' && !['integrations', 'cli', 'testing'].includes(a)) {
    return 'src/integrations sits above the library: each integration is its own entry point';
  }
  if (b === 'entry' && a !== 'cli' && a !== 'entry') {
    return 'entry files sit on top of the library layers: import the module itself';
  }
  if ((a === 'stores' || a === 'backend') && (b === 'aggregates' || b === 'subscriptions')) {
    return 'contracts live in src/core';
  }
  if (a === 'stores' && b === 'backend')
    return 'backends build on the kernel, not the other way round';
  if (a === 'backend' && b === 'backend') {
    return 'a backend imports only src/core, src/stores/kernel and its own folder';
  }
  if (
    (a === 'aggregates' || a === 'subscriptions') &&
    (b === 'aggregates' || b === 'subscriptions')
  ) {
    return 'aggregates and subscriptions are siblings: what both need lives in src/core';
  }
  if ((a === 'aggregates' || a === 'subscriptions' || a === 'integrations') && b === 'backend') {
    return 'code above src/stores uses the EventStore interface and never asks which backend it runs on';
  }
  if (!LIBRARY.includes(b) && !['integrations', 'cli', 'entry', 'testing'].includes(b)) {
    return `${to.folder} is not a known layer (see docs/architecture.md)`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that go up or across the layers of docs/architecture.md' },
    schema: [],
    messages: {
      upward: '{{from}} may not import {{to}}: {{why}}',
      selfName: "src files import each other by relative path, not by the package name '{{name}}'",
    },
  },
  create(context) {
    const from = placeOf(context.filename);
    if (from === undefined) return {};
    /** @param {import('estree').Node | null | undefined} source */
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const name = source.value;
      if (name === 'eventfold' || name.startsWith('eventfold/')) {
        context.report({ node: source, messageId: 'selfName', data: { name } });
        return;
      }
      if (!name.startsWith('.')) return;
      const to = placeOf(path.resolve(path.dirname(context.filename), name));
      const why = to === undefined ? 'it is outside src/' : forbidden(from, to);
      if (why === undefined) return;
      const data = { from: from.folder, to: to?.folder ?? name, why };
      context.report({ node: source, messageId: 'upward', data });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      /** @param {import('estree').Node & { source: import('estree').Literal }} node */
      TSImportType: (node) => check(node.source),
      /** @param {import('estree').Node & { expression: import('estree').Literal }} node */
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.ci/', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { eventfold: { rules: { layers: layersRule } } },
    rules: { 'eventfold/layers': 'error' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
