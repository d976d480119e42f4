/**
 * A TCP proxy of the tests' own, on 127.0.0.1 and a random port, between a
 * client and a server: it can cut every connection (a reset, as a crashed
 * peer or a failover gives) and partition the link (nothing is forwarded, the
 * sockets stay open, as when packets are dropped), then heal it.
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/** A proxy to `host:port`; {@link TcpProxy.start} opens it. */
export class TcpProxy {
  readonly #server: Server;
  readonly #host: string;
  readonly #targetPort: number;
  readonly #pairs = new Set<Pair>();
  #partitioned = false;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(server: Server, host: string, port: number) {
    this.#server = server;
    this.#host = host;
    this.#targetPort = port;
  }

  /** Listens on a random port of 127.0.0.1, forwarding to `host:port`. */
  static async start(host: string, port: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, host, port);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Resets every open connection, both sides; returns how many there were. */
  cut(): number {
    const count = this.#pairs.size;
    for (const pair of [...this.#pairs]) this.#drop(pair);
    return count;
  }

  /** Stops forwarding in both directions (sockets stay open; new ones are accepted and held). */
  partition(): void {
    this.#partitioned = true;
    for (const { client, upstream } of this.#pairs) {
      client.pause();
      upstream?.pause();
    }
  }

  /** Forwards again: what waited is delivered, held connections are connected. */
  heal(): void {
    this.#partitioned = false;
    for (const pair of this.#pairs) {
      if (pair.upstream === undefined) this.#connect(pair);
      pair.client.resume();
      pair.upstream?.resume();
    }
  }

  /** Resets every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.accepted++;
    const pair: Pair = { client, upstream: undefined };
    this.#pairs.add(pair);
    client.on('error', () => this.#drop(pair));
    client.on('close', () => this.#drop(pair));
    client.on('data', (chunk: Buffer) => pair.upstream?.write(chunk));
    client.pause();
    if (!this.#partitioned) this.#connect(pair);
  }

  #connect(pair: Pair): void {
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => this.#drop(pair));
    upstream.on('close', () => this.#drop(pair));
    upstream.on('data', (chunk: Buffer) => pair.client.write(chunk));
    upstream.connect(this.#targetPort, this.#host, () => {
      if (!this.#pairs.has(pair)) return;
      if (this.#partitioned) upstream.pause();
      else pair.client.resume();
    });
  }

  #drop(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (socket === undefined || socket.destroyed) continue;
      if (socket.connecting) socket.destroy();
      else socket.resetAndDestroy();
    }
  }
}
