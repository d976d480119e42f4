/**
 * nats-server processes of a test's own: a 3-node JetStream cluster (or any size) or a single
 * node, each on free ports of 127.0.0.1 with its own store folder under a fresh temporary folder,
 * stopped and removed by `stop()`. The machine's own server (port 4222) is never touched.
 *
 * Starting waits until every node answers, the cluster has elected a JetStream meta leader that
 * every node knows of, and a JetStream API request through each node succeeds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from '../integrations/support/private-server.js';

/** The nats-server binary of this machine (2.9.10), or `NATS_SERVER_BIN`. */
export const NATS_SERVER_BIN = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';

/** One nats-server process of a {@link NatsCluster} or {@link startNatsNode}. */
export interface NatsNode {
  /** Its server name (`n1`, `n2`, …). */
  readonly name: string;
  /** Its client URL, `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Its monitoring port (`/jsz`, `/varz`). */
  readonly httpPort: number;
  /** Its JetStream store folder. */
  readonly storeDir: string;
  /** True while its process runs. */
  readonly running: boolean;
  /** The last lines (up to 200) of its log, for a failure's message. */
  recentLog(): string;
  /** Stops it (SIGTERM, then SIGKILL after 10 s); its store folder stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and store folder (after {@link NatsNode.stop}). */
  start(): Promise<void>;
}

/** A running cluster. */
export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** The client URLs of every node (for `connect({ servers })`). */
  readonly servers: string[];
  /** The server version every node runs (`"2.9.10"`). */
  readonly version: string;
  /** The name of the current JetStream meta leader. */
  metaLeader(): Promise<string>;
  /** Waits until a meta leader is elected and JetStream answers through every running node. */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the temporary folder. */
  stop(): Promise<void>;
}

/** Options of {@link startNatsCluster}. */
export interface NatsClusterOptions {
  /** Nodes (default 3). */
  readonly size?: number;
  /** How long to wait for the cluster (default 30 s). */
  readonly timeoutMs?: number;
}

interface Ports {
  readonly client: number;
  readonly cluster: number;
  readonly http: number;
}

class Node implements NatsNode {
  #child: ChildProcess | undefined;
  #output: string[] = [];
  #ended: string | undefined;
  readonly url: string;

  constructor(
    readonly name: string,
    readonly ports: Ports,
    readonly storeDir: string,
    readonly configFile: string,
  ) {
    this.url = `nats://127.0.0.1:${ports.client}`;
  }

  get port(): number {
    return this.ports.client;
  }
  get httpPort(): number {
    return this.ports.http;
  }
  get running(): boolean {
    return this.#child !== undefined && this.#ended === undefined;
  }

  /** The last lines of its log, for an error message. */
  get log(): string {
    return this.#output.slice(-5).join('\n');
  }

  recentLog(): string {
    return this.#output.join('\n');
  }

  /** Why it stopped on its own (not by {@link Node.stop}), if it did. */
  get crashed(): string | undefined {
    return this.#child === undefined ? undefined : this.#ended;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.#ended = undefined;
    const child = spawn(NATS_SERVER_BIN, ['-c', this.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const collect = (chunk: Buffer) => {
      this.#output.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.#output.length > 200) this.#output.splice(0, this.#output.length - 200);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      this.#ended = `${this.name}: ${error.message}`;
    });
    child.on('exit', (code, signal) => {
      this.#ended ??= `${this.name} exited (${signal ?? `code ${String(code)}`}): ${this.log}`;
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    const deadline = Date.now() + 15_000;
    while ((await jsz(this)) === undefined) {
      if (this.#ended !== undefined) throw new Error(this.#ended);
      if (Date.now() > deadline) throw new Error(`${this.name} did not start: ${this.log}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Every child started here, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

interface Jsz {
  readonly server_id?: string;
  readonly meta_cluster?: { readonly leader?: string; readonly cluster_size?: number };
}

async function jsz(node: { readonly httpPort: number }): Promise<Jsz | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${node.httpPort}/jsz`, {
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok ? ((await response.json()) as Jsz) : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function config(name: string, ports: Ports, storeDir: string, routes: number[]): string {
  const lines = [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${ports.client}`,
    `http: 127.0.0.1:${ports.http}`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)}, max_memory_store: 64MB, max_file_store: 2GB }`,
  ];
  if (routes.length > 0) {
    lines.push(
      'cluster {',
      '  name: eventfold-test',
      `  listen: 127.0.0.1:${ports.cluster}`,
      `  routes: [${routes.map((port) => `"nats-route://127.0.0.1:${port}"`).join(', ')}]`,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function makeNodes(
  size: number,
  clustered: boolean,
): Promise<{ root: string; nodes: Node[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'eventfold-nats-'));
  const ports: Ports[] = [];
  const taken = new Set<number>();
  const take = async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port) && port !== 4222) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let i = 0; i < size; i++) {
    ports.push({ client: await take(), cluster: await take(), http: await take() });
  }
  const nodes: Node[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const storeDir = path.join(root, name);
    await mkdir(storeDir);
    const own = ports[i] as Ports;
    const routes = clustered ? ports.filter((_, j) => j !== i).map((p) => p.cluster) : [];
    const configFile = path.join(root, `${name}.conf`);
    await writeFile(configFile, config(name, own, storeDir, routes));
    nodes.push(new Node(name, own, storeDir, configFile));
  }
  return { root, nodes };
}

async function serverVersion(url: string): Promise<string> {
  const nc = await connect({ servers: url, reconnect: false });
  try {
    return nc.info?.version ?? 'unknown';
  } finally {
    await nc.close();
  }
}

/** Polls until JetStream answers through `node` (an account info request). */
async function jetStreamAnswers(node: Node): Promise<boolean> {
  const nc = await connect({ servers: node.url, reconnect: false, timeout: 1_000 }).catch(
    () => undefined,
  );
  if (nc === undefined) return false;
  try {
    const jsm = await jetstreamManager(nc, { timeout: 1_000 });
    await jsm.getAccountInfo();
    return true;
  } catch {
    return false;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/**
 * Starts a JetStream cluster of `size` (default 3) nats-server nodes with routes to each other.
 *
 * @example
 * ```ts
 * const cluster = await startNatsCluster();
 * const nc = await connect({ servers: cluster.servers });
 * // …
 * await nc.close();
 * await cluster.stop();
 * ```
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const { root, nodes } = await makeNodes(size, true);
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(root, { recursive: true, force: true });
  };
  const metaLeader = async () => {
    for (const node of nodes) {
      if (!node.running) continue;
      const leader = (await jsz(node))?.meta_cluster?.leader;
      if (leader !== undefined && leader !== '') return leader;
    }
    throw new Error('the cluster has no JetStream meta leader');
  };
  const ready = async (timeoutMs = options.timeoutMs ?? 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const live = nodes.filter((node) => node.running);
      const crashed = nodes.find((node) => node.crashed !== undefined);
      if (crashed !== undefined) throw new Error(crashed.crashed);
      const leaders = await Promise.all(live.map(async (node) => (await jsz(node))?.meta_cluster));
      const agreed =
        leaders.every((meta) => meta?.leader !== undefined && meta.leader !== '') &&
        new Set(leaders.map((meta) => meta?.leader)).size === 1;
      if (agreed && (await Promise.all(live.map(jetStreamAnswers))).every(Boolean)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the NATS cluster has no JetStream meta leader after ${timeoutMs} ms:\n` +
            live.map((node) => `${node.name}: ${node.log}`).join('\n'),
        );
      }
      await sleep(100);
    }
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
    await ready();
    const version = await serverVersion((nodes[0] as Node).url);
    return { nodes, servers: nodes.map((node) => node.url), version, metaLeader, ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A single JetStream node of a test's own. */
export interface PrivateNatsNode extends NatsNode {
  readonly version: string;
  /** Stops it and removes its store folder. */
  dispose(): Promise<void>;
}

/**
 * Starts one nats-server with JetStream on free ports, with its own store folder (for tests that
 * stop or restart a server; the machine's server on 4222 stays up).
 */
export async function startNatsNode(): Promise<PrivateNatsNode> {
  const { root, nodes } = await makeNodes(1, false);
  const node = nodes[0] as Node;
  const dispose = async () => {
    await node.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    await node.start();
    const deadline = Date.now() + 15_000;
    while (!(await jetStreamAnswers(node))) {
      if (Date.now() > deadline) throw new Error(`JetStream did not answer on ${node.url}`);
      await sleep(50);
    }
    const version = await serverVersion(node.url);
    return Object.assign(node, { version, dispose });
  } catch (error) {
    await dispose();
    throw error;
  }
}
