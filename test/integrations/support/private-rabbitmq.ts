/**
 * A RabbitMQ node of a test's own (not the machine's service): its own node name, AMQP and
 * distribution ports, data, logs and Erlang cookie in a temporary directory, no plugins (so no
 * management listener on 15672), which a test can stop and start again like a broker restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqplib from 'amqplib';
import { freePort } from './private-server.js';

/** The broker script itself (the /usr/sbin wrapper would switch to the rabbitmq user). */
const SERVER = ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/sbin/rabbitmq-server'].find((p) =>
  existsSync(p),
);

/** Whether this machine has a RabbitMQ server to start. */
export const rabbitMqServerInstalled = SERVER !== undefined;

export class PrivateRabbitMq {
  readonly #dir: string;
  readonly #env: NodeJS.ProcessEnv;
  #child: ChildProcess | undefined;
  #output = '';

  private constructor(
    readonly port: number,
    readonly node: string,
  ) {
    this.#dir = mkdtempSync(join(tmpdir(), 'eventfold-rabbitmq-'));
    writeFileSync(join(this.#dir, 'enabled_plugins'), '[].\n');
    writeFileSync(join(this.#dir, 'rabbitmq-env.conf'), ''); // not the machine's /etc one
    writeFileSync(
      join(this.#dir, 'rabbitmq.conf'),
      `listeners.tcp.1 = 127.0.0.1:${port}\nloopback_users = none\n`,
    );
    this.#env = {
      ...process.env,
      HOME: this.#dir, // the node's and the CLI's Erlang cookie
      RABBITMQ_NODENAME: node,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_CONF_ENV_FILE: join(this.#dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(this.#dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.#dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(this.#dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.#dir, 'log'),
      RABBITMQ_PID_FILE: join(this.#dir, 'node.pid'),
      RABBITMQ_PLUGINS_EXPAND_DIR: join(this.#dir, 'plugins-expand'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** A new node (not started yet) on free ports. */
  static async create(): Promise<PrivateRabbitMq> {
    const node = new PrivateRabbitMq(
      await freePort(),
      `evf${randomBytes(4).toString('hex')}@localhost`,
    );
    node.#env.RABBITMQ_DIST_PORT = String(await freePort());
    return node;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /** Starts the node and resolves once it accepts AMQP connections (or rejects after `timeoutMs`). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (SERVER === undefined) throw new Error('rabbitmq-server is not installed');
    this.#output = '';
    const child = spawn(SERVER, [], {
      cwd: this.#dir, // where a crash dump would go
      env: this.#env,
      detached: true, // its own process group, killed whole on cleanup
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#child = child;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`rabbitmq-server exited while starting:\n${this.#output}`);
      }
      const connection = await amqplib.connect(this.url).catch(() => undefined);
      if (connection !== undefined) {
        await connection.close();
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`rabbitmq-server not up after ${timeoutMs} ms:\n${this.#output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Stops the node as its service would (SIGTERM: a clean shutdown) and waits for it to end. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the node (killing it if need be) and removes its directory. */
  async remove(): Promise<void> {
    const child = this.#child;
    await this.stop(10_000).catch(() => undefined);
    if (child !== undefined) killGroup(child, 'SIGKILL'); // anything left of its process group
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
