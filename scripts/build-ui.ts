/**
 * Builds the web console of `eventfold ui` (ui/) into a folder of static
 * files: index.html, app.js (Preact and the pages, bundled and minified) and
 * app.css. `npm run build` writes them to dist/cli/ui/assets, where the
 * server finds them; the tests build them into a temporary folder.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const UI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'ui');

/** Writes the console's files into `outdir`. */
export async function buildUi(outdir: string): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [path.join(UI, 'main.tsx')],
    outfile: path.join(outdir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(UI, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'error',
  });
  await build({
    entryPoints: [path.join(UI, 'style.css')],
    outfile: path.join(outdir, 'app.css'),
    bundle: true,
    minify: true,
    logLevel: 'error',
  });
  for (const file of ['index.html', 'favicon.svg'])
    copyFileSync(path.join(UI, file), path.join(outdir, file));
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const outdir = process.argv[2];
  if (outdir === undefined) {
    console.error('usage: tsx scripts/build-ui.ts <outdir>');
    process.exit(2);
  }
  await buildUi(outdir);
}
