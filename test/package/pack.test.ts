/**
 * The published package as a new user gets it: `npm pack` (which builds `dist/` on `prepare`), the
 * tarball installed offline into an empty project, then an ES module, a CommonJS and a TypeScript
 * consumer (type-checked with `skipLibCheck: false`) run against it, and the `eventfold` command.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
// The consumer's Node.js types: the project's own @types/node (the npm cache may lack its dependencies).
const typeRoots = [path.join(root, 'node_modules', '@types')];

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; resolved?: string }>;
};
const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' })
  .trim()
  .replace(/\/$/, '');
// The package's own dependencies, named by their locked tarball URLs: the npm cache holds those
// tarballs after `npm ci`, but not always the registry documents that resolving a range needs.
const lockedDependencies = Object.keys(manifest.dependencies).map((name) => {
  const locked = lock.packages[`node_modules/${name}`];
  if (locked?.version === undefined) throw new Error(`package-lock.json does not lock ${name}`);
  const base = name.split('/').at(-1) ?? name;
  return locked.resolved ?? `${registry}/${name}/-/${base}-${locked.version}.tgz`;
});

let temp = '';
let project = '';
let tarball = '';
let packedFiles: string[] = [];

/** Runs a command, returning its standard output; a failure throws with its output in the message. */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
  });
  if (result.status !== 0) {
    const reason = result.error?.message ?? `exit code ${String(result.status)}`;
    throw new Error(`${command} ${args.join(' ')}: ${reason}\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function write(file: string, text: string): void {
  fs.writeFileSync(path.join(project, file), text);
}

beforeAll(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'eventfold-pack-'));
  fs.chmodSync(temp, 0o700);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', temp], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = path.join(temp, packed[0]?.filename ?? '');
  packedFiles = (packed[0]?.files ?? []).map((file) => file.path).sort();
  project = path.join(temp, 'consumer');
  fs.mkdirSync(project);
  write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', tarball, ...lockedDependencies],
    project,
  );
}, 120_000);

afterAll(() => {
  if (temp !== '') fs.rmSync(temp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the build, the README and the LICENSE, and no source maps', () => {
    expect(fs.statSync(tarball).isFile()).toBe(true);
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/aggregates/index.js');
    expect(packedFiles).toContain('dist/stores/postgres/index.js');
    for (const asset of ['index.html', 'app.js', 'app.css', 'favicon.svg'])
      expect(packedFiles).toContain(`dist/cli/ui/assets/${asset}`);
    expect(packedFiles.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(packedFiles.filter((file) => !file.startsWith('dist/'))).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ]);
  });

  it('runs an ES module consumer', () => {
    write(
      'esm.mjs',
      `import { InMemoryEventStore, ExpectedVersion } from 'eventfold';
const store = new InMemoryEventStore();
await store.append('Task-1', [{ type: 'TaskCreated', data: { title: 'Pack' } }], {
  expectedVersion: ExpectedVersion.NoStream,
});
const { version, events } = await store.read('Task-1');
const all = [];
for await (const event of store.readAll()) all.push(event.type);
await store.close();
console.log(JSON.stringify({ version, types: events.map((e) => e.type), data: events[0].data, all }));
`,
    );
    expect(JSON.parse(run(process.execPath, ['esm.mjs'], project))).toEqual({
      version: 1,
      types: ['TaskCreated'],
      data: { title: 'Pack' },
      all: ['TaskCreated'],
    });
  });

  it('runs a CommonJS consumer', () => {
    write(
      'cjs.cjs',
      `const eventfold = require('eventfold');
const aggregates = require('eventfold/aggregates');
const store = new eventfold.InMemoryEventStore();
console.log(JSON.stringify({
  store: store instanceof eventfold.InMemoryEventStore,
  createEventStore: typeof eventfold.createEventStore,
  AggregateRepository: typeof aggregates.AggregateRepository,
  version: require('eventfold/package.json').version,
}));
`,
    );
    expect(JSON.parse(run(process.execPath, ['cjs.cjs'], project))).toEqual({
      store: true,
      createEventStore: 'function',
      AggregateRepository: 'function',
      version: manifest.version,
    });
  });

  it('names the missing optional peer, its install command and its entry point', () => {
    // The consumer has none of the optional peers: npm does not install optional peers.
    for (const name of ['pg', 'better-sqlite3', 'fast-check', '@nats-io/transport-node']) {
      expect(fs.existsSync(path.join(project, 'node_modules', name))).toBe(false);
    }
    write(
      'drivers.mjs',
      `import { createEventStore, InMemoryEventStore, MissingDependencyError } from 'eventfold';
const out = {};
async function report(name, act) {
  try {
    await act();
    out[name] = 'no error';
  } catch (e) {
    out[name] = { missing: MissingDependencyError.is(e), dependency: e.dependency, message: e.message };
  }
}
await report('createEventStore postgresql', () => createEventStore('postgresql://me:pw@127.0.0.1:1/app'));
await report('createEventStore sqlite', () => createEventStore('sqlite://:memory:'));
const postgres = await import('eventfold/postgres');
await report('PostgresEventStore.connect', () =>
  postgres.PostgresEventStore.connect({ connectionString: 'postgresql://127.0.0.1:1/app' }),
);
await report('createEventStore nats', () => createEventStore('nats://127.0.0.1:1'));
const nats = await import('eventfold/nats');
await report('NatsEventStore.connect', () => nats.NatsEventStore.connect({ servers: 'nats://127.0.0.1:1' }));
const sqlite = await import('eventfold/sqlite');
await report('new SqliteEventStore', () => new sqlite.SqliteEventStore(':memory:'));
const property = await import('eventfold/testing/property');
await report('runPropertySuite', () =>
  property.runPropertySuite('memory', {
    describe: (_name, fn) => fn(),
    it: () => undefined,
    capabilities: new InMemoryEventStore().capabilities,
    createStore: async () => new InMemoryEventStore(),
  }),
);
console.log(JSON.stringify(out));
`,
    );
    const out = JSON.parse(run(process.execPath, ['drivers.mjs'], project)) as Record<
      string,
      { missing: boolean; dependency: string; message: string }
    >;
    const missing = (dependency: string, entryPoint: string, types?: string) => ({
      missing: true,
      dependency,
      message: `${entryPoint} needs the optional peer dependency ${dependency}, which is not installed: run \`npm install ${dependency}\`${types === undefined ? '' : ` (TypeScript: also \`npm install -D ${types}\`)`}`,
    });
    const pg = missing(
      'pg',
      'eventfold/postgres (and createEventStore with a postgresql: URL)',
      '@types/pg',
    );
    const sqlite = missing(
      'better-sqlite3',
      'eventfold/sqlite (and createEventStore with a sqlite: URL)',
      '@types/better-sqlite3',
    );
    const nats = missing(
      '@nats-io/transport-node',
      'eventfold/nats (and createEventStore with a nats: URL)',
    );
    expect(out).toEqual({
      'createEventStore postgresql': pg,
      'createEventStore nats': nats,
      'NatsEventStore.connect': nats,
      'createEventStore sqlite': sqlite,
      'PostgresEventStore.connect': pg,
      'new SqliteEventStore': sqlite,
      runPropertySuite: missing('fast-check', 'eventfold/testing/property'),
    });
  });

  it('installs the eventfold command, which runs without the optional peers', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'eventfold');
    expect(run(bin, ['--help'], project)).toMatch(/^Usage: eventfold \[options\] \[command\]/);
    expect(run(bin, ['--version'], project).trim()).toBe(manifest.version);
    expect(JSON.parse(run(bin, ['--url', 'memory:', 'info', '--json'], project))).toMatchObject({
      backend: 'memory',
      events: 0,
      streams: 0,
    });
    const sqlite = spawnSync(bin, ['--url', 'sqlite://events.db', 'append', 'Task-1', 'T', '{}'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(sqlite.status).toBe(5);
    expect(sqlite.stderr).toMatch(/^eventfold: error: .*npm install better-sqlite3/);
  });

  it('serves the web console from the package, offline', async () => {
    const bin = path.join(project, 'node_modules', '.bin', 'eventfold');
    const child = spawn(bin, ['--url', 'memory:', 'ui', '--port', '0'], { cwd: project });
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /console at (http:\/\/\S+)/.exec(stderr);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      // Everything the page loads is the package's own: no CDN.
      expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual([
        '/assets/favicon.svg',
        '/assets/app.css',
        '/assets/app.js',
      ]);
      const script = await fetch(new URL('/assets/app.js', url));
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await script.text()).length).toBeGreaterThan(1000);
      const overview = await fetch(new URL('/api/overview', url));
      expect(await overview.json()).toMatchObject({ events: 0, streams: 0, actions: false });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
    }
  });

  it('loads every entry point without the optional peers, from import and from require', () => {
    const entries = [
      'eventfold',
      'eventfold/aggregates',
      'eventfold/subscriptions',
      'eventfold/backend',
      'eventfold/sqlite',
      'eventfold/postgres',
      'eventfold/nats',
      'eventfold/testing',
      'eventfold/testing/property',
      'eventfold/http',
      'eventfold/fastify',
      'eventfold/hono',
      'eventfold/express',
      'eventfold/opentelemetry',
    ];
    write(
      'entries.mjs',
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = {};
for (const entry of ${JSON.stringify(entries)}) {
  out[entry] = [Object.keys(await import(entry)).length > 0, Object.keys(require(entry)).length > 0];
}
console.log(JSON.stringify(out));
`,
    );
    expect(JSON.parse(run(process.execPath, ['entries.mjs'], project))).toEqual(
      Object.fromEntries(entries.map((entry) => [entry, [true, true]])),
    );
  });

  it('type-checks a TypeScript consumer with skipLibCheck false', () => {
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          typeRoots,
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.mts'],
      }),
    );
    write(
      'consumer.mts',
      `import { defineEvent, payload, InMemoryEventStore, type EventStore } from 'eventfold';
import { AggregateRepository } from 'eventfold/aggregates';
import { subscribe, type SubscriptionState } from 'eventfold/subscriptions';

const TaskCreated = defineEvent('TaskCreated', payload<{ title: string }>());
const store: EventStore = new InMemoryEventStore();
await store.append('Task-1', [TaskCreated({ title: 'Typed' })]);
const { version } = await store.read('Task-1');
const checked: number = version;
// @ts-expect-error a stream id is a string (the declarations are real types, not any)
await store.read(42);
const state: SubscriptionState | undefined = undefined;
export { checked, state, AggregateRepository, subscribe };
`,
    );
    expect(run(tsc, ['-p', 'tsconfig.json'], project)).toBe('');
  });

  it('type-checks a CommonJS TypeScript consumer that requires the package (module nodenext)', () => {
    write(
      'tsconfig.cjs.json',
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          typeRoots,
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.cts'],
      }),
    );
    write(
      'consumer.cts',
      `import eventfold = require('eventfold');
import aggregates = require('eventfold/aggregates');
const store: eventfold.EventStore = new eventfold.InMemoryEventStore();
// @ts-expect-error a stream id is a string (the declarations are real types, not any)
void store.read(42);
export = { store, AggregateRepository: aggregates.AggregateRepository };
`,
    );
    expect(run(tsc, ['-p', 'tsconfig.cjs.json'], project)).toBe('');
  });
});
