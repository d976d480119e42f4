import { timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnySubscriptionStorage } from '../../core/contracts/subscription-storage.js';
import type { SubscriptionStorageProvider } from '../../core/contracts/subscription-storage-provider.js';
import { EventfoldError, ValidationError } from '../../core/errors.js';
import type { EventStore } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';
import { storageOf } from '../../subscriptions/default-storage.js';
import type { Projection } from '../../subscriptions/projection.js';
import { readSubscriptionStatuses } from '../../subscriptions/read-subscription-statuses.js';
import { resetProjection } from '../../subscriptions/reset-projection.js';
import { startProjection } from '../../subscriptions/start-projection.js';
import { exitCodeOf, ExitCode } from '../errors.js';
import { eventJson, streamJson } from '../output.js';
import { countStreams, feedHealth } from '../store-facts.js';
import { FeedStats } from './feed-stats.js';

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  /** The store shown; the console does not close it. */
  readonly store: EventStore;
  /** The address to bind (default `127.0.0.1`); any other than a loopback one requires `token`. */
  readonly host?: string | undefined;
  /** The port (default 4400; 0 picks a free one). */
  readonly port?: number | undefined;
  /** When set, every API request must carry it (`Authorization: Bearer …` or `?token=`). */
  readonly token?: string | undefined;
  /** Allow the actions (replay or skip a parked event, reset or rebuild a projection). */
  readonly allowActions?: boolean | undefined;
  /** The projections the actions that run handlers (replay, reset, rebuild) may use. */
  readonly projections?: readonly Projection<unknown>[] | undefined;
  /** The folder of the built page (default: `assets` beside this module). */
  readonly assetsDir?: string | undefined;
  /** How often to look for appends of other processes and sample lags, in ms (default 1000). */
  readonly pollMs?: number | undefined;
}

/** A running console. */
export interface ConsoleServer {
  /** Its address, `http://host:port/`. */
  readonly url: string;
  /** Stops serving and ends the live tails. */
  close(): Promise<void>;
}

/** The addresses that only this machine can reach. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** How many lag samples are kept per subscription. */
const LAG_SAMPLES = 120;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** An answer of the API other than 200: its status and error code. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether binding to `host` keeps the console on this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * Serves the web console of `store`: the page and its JSON API (see
 * docs/console.md). Read-only unless `allowActions`; binding to an address
 * other than a loopback one without a `token` is a {@link ValidationError}.
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token;
  if (token !== undefined && token.length < 8)
    throw new ValidationError('The console token must have at least 8 characters');
  if (!isLoopback(host) && token === undefined)
    throw new ValidationError(
      `Binding the console to ${host} requires a token (--token or $EVENTFOLD_UI_TOKEN)`,
    );
  const port = options.port ?? 4400;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ValidationError(`Invalid port ${port}`);
  const assets = loadAssets(
    options.assetsDir ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets'),
  );
  const store = options.store;
  const { storage, close: closeStorage } = storageOf(store, undefined);
  const projections = new Map((options.projections ?? []).map((p) => [p.name, p]));
  const allowActions = options.allowActions === true;
  const pollMs = options.pollMs ?? 1000;

  const stats = new FeedStats(store);
  await stats.start();
  const lagHistory = new Map<string, { at: string; events: number }[]>();
  const tails = new Set<() => void>();
  const wake = (): void => {
    stats.catchUp().catch(() => undefined); // a failed read is retried at the next wake-up
    for (const tail of tails) tail();
  };
  const sample = async (): Promise<void> => {
    const at = new Date().toISOString();
    for (const status of await readSubscriptionStatuses(store, storage)) {
      const samples = lagHistory.get(status.name) ?? [];
      samples.push({ at, events: status.lag.events });
      if (samples.length > LAG_SAMPLES) samples.shift();
      lagHistory.set(status.name, samples);
    }
  };
  await sample();
  const unsubscribe = store.onAppended(wake);
  let sampling = false;
  const timer = setInterval(() => {
    wake();
    if (sampling) return;
    sampling = true;
    sample()
      .catch(() => undefined) // the next sample tries again
      .finally(() => (sampling = false));
  }, pollMs);

  const api: Record<string, (req: Request) => Promise<unknown>> = {
    'GET /api/overview': async (req) => ({
      events: await store.countEventsAfter(undefined, {}, Number.MAX_SAFE_INTEGER),
      streams: await countStreams(store),
      headPosition: (await store.headPosition()) ?? null,
      feedHealth: await feedHealth(store),
      subscriptions: (await storage.checkpoints.list()).length,
      parked: await storage.deadLetters.count(),
      actions: allowActions,
      rate: stats.rate(req.integer('minutes', 15, 1, 60)),
    }),
    'GET /api/streams': async (req) => listStreams(store, req),
    'GET /api/stream': async (req) => {
      const id = req.required('id');
      const from = req.integer('from', 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = req.integer('limit', 100, 1, 1000);
      const result = await store.read(id, { mustExist: true, from, limit });
      const last = result.events.at(-1);
      return {
        streamId: result.streamId,
        version: result.version,
        events: result.events.map(eventJson),
        next: last !== undefined && last.version < result.version ? last.version + 1 : null,
        actions: allowActions,
      };
    },
    'GET /api/feed': async (req) => {
      const page = await store.readAllPage({
        after: req.optional('after') as Position | undefined,
        limit: req.integer('limit', 50, 1, 1000),
        ...(req.list('type').length === 0 ? {} : { types: req.list('type') }),
        ...(req.list('category').length === 0 ? {} : { categories: req.list('category') }),
      });
      return { events: page.events.map(eventJson), next: page.next ?? null, isEnd: page.isEnd };
    },
    'GET /api/types': () => Promise.resolve(stats.types()),
    'GET /api/subscriptions': async () => ({
      actions: allowActions,
      subscriptions: (await readSubscriptionStatuses(store, storage)).map((s) => ({
        ...s,
        projection: projections.has(s.name),
        lagHistory: lagHistory.get(s.name) ?? [],
      })),
    }),
    'GET /api/subscription': async (req) => {
      const name = req.required('name');
      const status = (await readSubscriptionStatuses(store, storage)).find((s) => s.name === name);
      if (status === undefined)
        throw new HttpError(404, 'NOT_FOUND', `No subscription named "${name}"`);
      return {
        ...status,
        actions: allowActions,
        projection: projections.has(name),
        lagHistory: lagHistory.get(name) ?? [],
        parkedEvents: await storage.deadLetters.list(name, { limit: 500 }),
      };
    },
    'POST /api/replay': async (req) => {
      const { name, eventId } = req.body;
      const projection = projectionFor(name);
      await parkedEvent(storage, name, eventId);
      const running = startProjection(
        store as EventStore & SubscriptionStorageProvider,
        projection,
      );
      try {
        return await running.replayParked({ eventIds: [eventId] });
      } finally {
        await running.stop();
        wake();
      }
    },
    'POST /api/delete-stream': async (req) => {
      const { name } = req.body;
      const hard = req.flag('hard');
      const result = await store.deleteStream(name, { hard });
      wake();
      return { deleted: result.streamId, version: result.version, hard };
    },
    'POST /api/skip': async (req) => {
      const { name, eventId } = req.body;
      await parkedEvent(storage, name, eventId);
      return { skipped: await storage.deadLetters.remove(name, eventId) };
    },
    'POST /api/reset': async (req) => {
      const projection = projectionFor(req.body.name);
      await resetProjection(storage, projection);
      await sample();
      return { reset: projection.name };
    },
    'POST /api/rebuild': async (req) => {
      const projection = projectionFor(req.body.name);
      await resetProjection(storage, projection);
      const running = startProjection(
        store as EventStore & SubscriptionStorageProvider,
        projection,
      );
      try {
        await running.caughtUp;
      } finally {
        await running.stop();
      }
      await sample();
      return { rebuilt: projection.name, parked: await storage.deadLetters.count(projection.name) };
    },
  };

  function projectionFor(name: string): Projection<unknown> {
    const projection = projections.get(name);
    if (projection === undefined)
      throw new HttpError(
        404,
        'NOT_FOUND',
        `The console was not given a projection named "${name}" (--module)`,
      );
    return projection;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (isLoopback(host) && !loopbackHostHeader(req.headers.host))
      throw new HttpError(403, 'FORBIDDEN', 'Unexpected Host header');
    if (!url.pathname.startsWith('/api/')) return serveAsset(url.pathname, res);
    if (token !== undefined && !hasToken(req, url, token))
      throw new HttpError(401, 'UNAUTHORIZED', 'A valid token is required');
    if (req.method === 'GET' && url.pathname === '/api/live') return live(req, res, url);
    const route = api[`${req.method ?? 'GET'} ${url.pathname}`];
    if (route === undefined) throw new HttpError(404, 'NOT_FOUND', `No route ${url.pathname}`);
    let body: Record<string, unknown> = {};
    if (req.method === 'POST') {
      if (!allowActions)
        throw new HttpError(403, 'ACTIONS_DISABLED', 'Start the console with --allow-actions');
      // A JSON body cannot be sent across origins without a preflight, which is never granted.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        throw new ValidationError('Actions take a JSON body (Content-Type: application/json)');
      body = await readBody(req);
    }
    const result = await route(new Request(url.searchParams, body));
    sendJson(res, 200, result);
  }

  function serveAsset(pathname: string, res: ServerResponse): void {
    const name = pathname === '/' ? 'index.html' : pathname.replace(/^\/assets\//, '');
    const asset = assets.get(name);
    if (asset === undefined) throw new HttpError(404, 'NOT_FOUND', `No page ${pathname}`);
    res.writeHead(200, {
      'Content-Type': asset.type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy':
        "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    });
    res.end(asset.body);
  }

  /** The live tail: server-sent events, one `append` per event after `after` (or the head). */
  async function live(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const given = url.searchParams.get('after') ?? req.headers['last-event-id'];
    let cursor = (
      typeof given === 'string' && given !== '' ? given : await store.headPosition()
    ) as Position | undefined;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(`retry: 1000\n: following after ${cursor ?? 'the start'}\n\n`);
    let pumping: Promise<void> | undefined;
    let again = false;
    const pump = (): void => {
      if (pumping !== undefined) {
        again = true;
        return;
      }
      pumping = (async () => {
        do {
          again = false;
          for (;;) {
            const page = await store.readAllPage({ after: cursor, limit: 200 });
            for (const event of page.events)
              res.write(
                `id: ${event.position}\nevent: append\ndata: ${JSON.stringify(eventJson(event))}\n\n`,
              );
            cursor = page.next;
            if (page.isEnd) break;
          }
        } while (again);
      })()
        .catch(() => {
          res.destroy();
        })
        .finally(() => (pumping = undefined));
    };
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    tails.add(pump);
    res.on('close', () => {
      clearInterval(heartbeat);
      tails.delete(pump);
    });
    pump();
  }

  function loopbackHostHeader(value: string | undefined): boolean {
    if (value === undefined) return false;
    const name = value.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    return isLoopback(name);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    clearInterval(timer);
    unsubscribe();
    await closeStorage();
    throw new ValidationError(
      `Cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    async close() {
      clearInterval(timer);
      unsubscribe();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStorage();
    },
  };
}

/** A request's query and body, with checked accessors. */
class Request {
  constructor(
    private readonly query: URLSearchParams,
    private readonly fields: Record<string, unknown>,
  ) {}

  /** The JSON body's fields `name` and `eventId` as strings. */
  get body(): { name: string; eventId: string } {
    const name = this.fields.name;
    if (typeof name !== 'string' || name === '') throw new ValidationError('Missing "name"');
    const eventId = this.fields.eventId;
    return { name, eventId: typeof eventId === 'string' ? eventId : '' };
  }

  /** A boolean field of the JSON body (absent: false). */
  flag(name: string): boolean {
    const value: unknown = this.fields[name];
    if (value === undefined) return false;
    if (typeof value !== 'boolean') throw new ValidationError(`"${name}" must be true or false`);
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.query.get(name);
    return value === null || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw new ValidationError(`Missing query parameter "${name}"`);
    return value;
  }

  list(name: string): string[] {
    return this.query.getAll(name).filter((v) => v !== '');
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new ValidationError(`"${name}" must be an integer from ${min} to ${max}`);
    return n;
  }
}

/** A page of streams, by category and id prefix. */
async function listStreams(store: EventStore, req: Request): Promise<unknown> {
  const prefix = req.optional('prefix') ?? '';
  const category = req.optional('category');
  const limit = req.integer('limit', 50, 1, 500);
  let after = req.optional('after');
  const found: ReturnType<typeof streamJson>[] = [];
  // The first page of a prefix starts at the prefix: the stream named by it, then those after it.
  if (after === undefined && prefix !== '') {
    if (await store.exists(prefix)) {
      const page = await store.listStreams({ category, after: beforeOf(prefix), limit: 1 });
      const exact = page.streams.find((s) => s.streamId === prefix);
      if (exact !== undefined) found.push(streamJson(exact));
    }
    after = prefix;
  }
  for (;;) {
    const page = await store.listStreams({ category, after, limit: limit + 1 - found.length });
    for (const stream of page.streams) {
      if (!stream.streamId.startsWith(prefix)) return { streams: found, next: null };
      found.push(streamJson(stream));
      if (found.length > limit) {
        found.pop();
        return { streams: found, next: found.at(-1)?.streamId ?? null };
      }
    }
    if (page.next === undefined) return { streams: found, next: null };
    after = page.next;
  }
}

/** A string that sorts just before `id` in the stores' code-unit order (for an exclusive `after`). */
function beforeOf(id: string): string | undefined {
  const last = id.charCodeAt(id.length - 1);
  if (id.length === 1 && last === 0) return undefined;
  return last === 0 ? id.slice(0, -1) : `${id.slice(0, -1)}${String.fromCharCode(last - 1)}\uffff`;
}

/** Checks that `eventId` is parked for `name`; a 404 otherwise. */
async function parkedEvent(
  storage: AnySubscriptionStorage,
  name: string,
  eventId: string,
): Promise<void> {
  if (eventId === '') throw new ValidationError('Missing "eventId"');
  const letters = await storage.deadLetters.list(name);
  if (!letters.some((l) => l.eventId === eventId))
    throw new HttpError(404, 'NOT_FOUND', `Event ${eventId} is not parked for "${name}"`);
}

function hasToken(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const given =
    typeof header === 'string' && header.startsWith('Bearer ')
      ? header.slice('Bearer '.length)
      : url.searchParams.get('token');
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new ValidationError('The request body is too large');
  }
  let value: unknown;
  try {
    value = JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new ValidationError('The request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError('The request body must be a JSON object');
  return value as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(value));
}

/** The JSON error answer: 400 bad input, 404 not found, 409 conflict, 503 unavailable, else 500. */
function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    return;
  }
  if (EventfoldError.is(error)) {
    const status = {
      [ExitCode.Usage]: 400,
      [ExitCode.NotFound]: 404,
      [ExitCode.Conflict]: 409,
      [ExitCode.Unavailable]: 503,
    }[exitCodeOf(error) as number];
    sendJson(res, status ?? 500, { error: { code: error.code, message: error.message } });
    return;
  }
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Internal error' } });
}

/** The built page's files, read once: the server serves only these. */
function loadAssets(dir: string): Map<string, { type: string; body: Buffer }> {
  const assets = new Map<string, { type: string; body: Buffer }>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new ValidationError(
      `The console's page is missing (${dir}): build it with npm run build`,
    );
  }
  for (const name of names) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type !== undefined) assets.set(name, { type, body: readFileSync(path.join(dir, name)) });
  }
  if (!assets.has('index.html'))
    throw new ValidationError(
      `The console's page is missing (${dir}): build it with npm run build`,
    );
  return assets;
}
