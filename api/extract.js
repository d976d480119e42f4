// @ts-check
/**
 * The API reports: one per subpath of package.json "exports", in api/<name>.api.md, made by
 * API Extractor with the settings of api-extractor.json. Both modes read the declarations in
 * dist/, so build first (the npm scripts do).
 *
 *   node api/extract.js          regenerate the reports (npm run api)
 *   node api/extract.js --check  fail when a report differs from the committed one, printing
 *                                the diff, or when API Extractor warns (npm run api:check, in CI)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(import.meta.dirname, '..');
const reportFolder = path.join(root, 'api');
const generatedFolder = path.join(root, 'dist', 'api-report');
const packageJsonFullPath = path.join(root, 'package.json');
const configObjectFullPath = path.join(root, 'api-extractor.json');
const check = process.argv.includes('--check');
const started = performance.now();
/** @type {string[]} */
const problems = [];

/** @type {{ name: string, exports: Record<string, unknown> }} */
const pkg = JSON.parse(fs.readFileSync(packageJsonFullPath, 'utf8'));

// Every subpath of "exports" with types, and its report: '.' is api/eventfold.api.md,
// './testing/property' is api/eventfold-testing-property.api.md.
const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  const types =
    typeof target === 'object' && target !== null && 'types' in target ? target.types : undefined;
  if (typeof types !== 'string') return [];
  const file = `${[pkg.name, ...subpath.split('/').slice(1)].join('-')}.api.md`;
  return [{ subpath, file, dts: path.join(root, types) }];
});
if (entries.length === 0) fail(['package.json exports no subpath with types']);
for (const { subpath, dts } of entries) {
  if (fs.existsSync(dts)) continue;
  problems.push(
    `package.json exports "${subpath}" with types ${path.relative(root, dts)}, which the build did not write`,
  );
}
const files = new Set(entries.map((entry) => entry.file));
const stale = fs.existsSync(reportFolder)
  ? fs.readdirSync(reportFolder).filter((file) => file.endsWith('.api.md') && !files.has(file))
  : [];
for (const file of stale) {
  if (check) problems.push(`api/${file} reports a subpath that package.json no longer exports`);
  else fs.rmSync(path.join(reportFolder, file));
}
if (problems.length > 0) fail(problems);

// API Extractor writes each report to dist/api-report/; this script compares it with api/.
const base = ExtractorConfig.loadFile(configObjectFullPath);
const configs = entries.map((entry) =>
  ExtractorConfig.prepare({
    configObject: {
      ...base,
      mainEntryPointFilePath: entry.dts,
      apiReport: {
        ...base.apiReport,
        enabled: true,
        reportFileName: entry.file,
        reportFolder: generatedFolder,
        reportTempFolder: generatedFolder,
      },
    },
    configObjectFullPath,
    packageJsonFullPath,
  }),
);

// One TypeScript program for every entry point, and the names each of them exports.
const compilerState = CompilerState.create(/** @type {ExtractorConfig} */ (configs[0]), {
  additionalEntryPoints: configs.map((config) => config.mainEntryPointFilePath),
});
const checker = compilerState.program.getTypeChecker();
const exported = new Set(
  configs.flatMap((config) => {
    const file = compilerState.program.getSourceFile(config.mainEntryPointFilePath);
    const module = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    return module === undefined
      ? []
      : checker.getExportsOfModule(module).map((symbol) => symbol.name);
  }),
);

// API Extractor analyses one entry point at a time: a type that another subpath exports looks
// "forgotten" to it, and a {@link Name} to such a type looks unresolved. Those are dropped; what
// no subpath exports stays reported.
const elsewhere =
  /\((?:ae-forgotten-export|ae-unresolved-link)\) .*?(?:The symbol|does not have an export) "([^"]+)"/;
/** @param {string} text */
const isElsewhere = (text) => exported.has(elsewhere.exec(text)?.[1] ?? '');

/** @type {string[]} */
const changed = [];
for (const [index, config] of configs.entries()) {
  const { subpath, file } = /** @type {(typeof entries)[number]} */ (entries[index]);
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    messageCallback: (message) => {
      const text = `(${message.messageId}) ${message.text}`;
      if (message.messageId === 'console-preamble' || isElsewhere(text)) {
        message.logLevel = 'none';
        message.handled = true;
      }
    },
  });
  if (result.errorCount > 0)
    problems.push(`"${subpath}": ${result.errorCount} error(s), shown above`);
  if (check && result.warningCount > 0) {
    problems.push(`"${subpath}": ${result.warningCount} warning(s), shown above`);
  }
  const generated = path.join(generatedFolder, file);
  const report = path.join(reportFolder, file);
  const text = tidy(fs.readFileSync(generated, 'utf8'));
  fs.writeFileSync(generated, text);
  const committed = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : undefined;
  if (committed === text) continue;
  changed.push(
    committed === undefined ? `api/${file} (${check ? 'missing' : 'new'})` : `api/${file}`,
  );
  if (!check) fs.writeFileSync(report, text);
  else if (committed !== undefined) showDiff(report, generated);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (check && changed.length > 0) {
  problems.push(`the public API differs from ${changed.join(', ')}`);
  problems.push('if the change is meant, run npm run api and commit api/');
}
if (problems.length > 0) fail(problems);
const outcome = check
  ? 'match api/'
  : changed.length > 0
    ? `updated ${changed.join(', ')}`
    : 'unchanged';
console.log(
  `api: ${entries.length} reports (API Extractor ${Extractor.version}) ${outcome} in ${seconds} s`,
);

/**
 * The report without the warnings about names that another subpath exports (and the "//"
 * separators and headings they leave alone), and without line numbers in the warnings that give
 * a place, so that moving code does not change a report.
 * @param {string} text
 */
function tidy(text) {
  const kept = text
    .split('\n')
    .filter((line) => !isElsewhere(line))
    .map((line) => line.replace(/^(\/\/ [^\s:]+):\d+:\d+ - /, '$1 - '));
  /** @type {string[]} */
  const lines = [];
  for (const [i, line] of kept.entries()) {
    const before = lines.at(-1)?.trim() ?? '';
    const after = kept[i + 1]?.trim() ?? '';
    if (line.trim() === '//' && !before.startsWith('//')) continue;
    if (
      line.trim() === '//' &&
      before === '// Warnings were encountered during analysis:' &&
      !after.startsWith('//')
    ) {
      lines.pop();
      continue;
    }
    if (line === '' && lines.at(-1) === '') continue;
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * Prints how the generated report differs from the committed one.
 * @param {string} report
 * @param {string} generated
 */
function showDiff(report, generated) {
  const args = [
    'diff',
    '--no-index',
    '--no-color',
    '--',
    path.relative(root, report),
    path.relative(root, generated),
  ];
  const diff = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  console.error(
    diff.stdout || `api/${path.basename(report)} differs from ${path.relative(root, generated)}`,
  );
}

/**
 * Prints the problems and exits with status 1.
 * @param {string[]} lines
 * @returns {never}
 */
function fail(lines) {
  for (const line of lines) console.error(`api: ${line}`);
  process.exit(1);
}
