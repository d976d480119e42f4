import { AssertionError, deepStrictEqual } from 'node:assert';
import type { EventStore } from '../core/event-store.js';
import type { NewEvent, RecordedEvent } from '../core/events.js';

/**
 * What an {@link httpSpec} sends its requests through: `fetch` to a server
 * listening (Fastify, Express, any), or an app's own fetch handler (Hono's `app.fetch`).
 */
export type FetchLike = (request: Request) => Promise<Response> | Response;

/**
 * Options of {@link httpSpec}.
 *
 * @example
 * ```ts
 * const api = httpSpec({ store, baseUrl: 'http://127.0.0.1:3000' });
 * ```
 */
export interface HttpSpecOptions {
  /** The store the API writes to: `given` appends to it, `then` reads the events the request added. */
  readonly store: EventStore;
  /** Where paths are resolved (default `http://localhost`, for a fetch handler). */
  readonly baseUrl?: string;
  /** How requests are sent (default the global `fetch`). */
  readonly fetch?: FetchLike;
}

/**
 * A request of a scenario: a JSON `body` is sent with `content-type: application/json`.
 *
 * @example
 * ```ts
 * const request: HttpRequestSpec = { method: 'POST', path: '/carts/c1/items', headers: { 'if-match': '"1"' }, body: { sku: 'tea' } };
 * ```
 */
export interface HttpRequestSpec {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * What the response must be: the status, headers (exact strings or patterns),
 * the body (its listed keys deep-equal; a string body compares whole) and the
 * events the request appended, in order, by `type` and (when given) `data`.
 *
 * @example
 * ```ts
 * const expected: HttpExpectation = { status: 412, headers: { 'content-type': /problem\+json/ }, body: { code: 'CONCURRENCY' }, events: [] };
 * ```
 */
export interface HttpExpectation {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | RegExp>>;
  readonly body?: unknown;
  readonly events?: readonly { readonly type: string; readonly data?: unknown }[];
}

/**
 * The outcome of a scenario, for further checks.
 *
 * @example
 * ```ts
 * const { response, body, events } = await api.when(request).then({ status: 200 });
 * ```
 */
export interface HttpOutcome {
  readonly response: Response;
  readonly body: unknown;
  readonly events: readonly RecordedEvent[];
}

/**
 * One scenario: `given` events (optional), `when` a request, `then` its response and events.
 *
 * @example
 * ```ts
 * await api.given('Cart-c1', [CartOpened({ customer: 'ada' })]).when({ path: '/carts/c1' }).then({ status: 200 });
 * ```
 */
export interface HttpScenario {
  /** Appends `events` to `streamId` before the request (chain for several streams). */
  given(streamId: string, events: readonly NewEvent[]): HttpScenario;
  /** The request the scenario sends. */
  when(request: HttpRequestSpec): { then(expected: HttpExpectation): Promise<HttpOutcome> };
}

/**
 * API-level given / when / then against a real HTTP API: events appended to
 * the store, a request sent, the response and the events it appended checked;
 * a mismatch throws an `AssertionError` naming the request.
 *
 * @example
 * ```ts
 * const api = httpSpec({ store, baseUrl });
 * await api
 *   .given('Cart-c1', [CartOpened({ customer: 'ada' })])
 *   .when({ method: 'POST', path: '/carts/c1/items', headers: { 'if-match': '"1"' }, body: item })
 *   .then({ status: 200, headers: { etag: '"2"' }, events: [{ type: 'ItemAdded' }] });
 * ```
 */
export function httpSpec(options: HttpSpecOptions): HttpScenario {
  const scenario = (setup: readonly [string, readonly NewEvent[]][]): HttpScenario => ({
    given: (streamId, events) => scenario([...setup, [streamId, events]]),
    when: (request) => ({ then: (expected) => run(options, setup, request, expected) }),
  });
  return scenario([]);
}

async function run(
  options: HttpSpecOptions,
  setup: readonly [string, readonly NewEvent[]][],
  request: HttpRequestSpec,
  expected: HttpExpectation,
): Promise<HttpOutcome> {
  const { store } = options;
  for (const [streamId, events] of setup) await store.append(streamId, events);
  const head = await store.headPosition();
  const send = options.fetch ?? ((r: Request) => fetch(r));
  const response = await send(
    new Request(new URL(request.path, options.baseUrl ?? 'http://localhost'), {
      method: request.method ?? 'GET',
      headers: {
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined
        ? {}
        : { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) }),
    }),
  );
  const text = await response.text();
  const body = parse(text);
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll(head === undefined ? {} : { after: head }))
    events.push(event);
  const what = `${request.method ?? 'GET'} ${request.path}`;
  const fail = (message: string, actual: unknown, wanted: unknown): never => {
    throw new AssertionError({ message: `${what}: ${message}`, actual, expected: wanted });
  };
  if (response.status !== expected.status) {
    fail(
      `status ${response.status}, expected ${expected.status} (body ${text.slice(0, 300)})`,
      response.status,
      expected.status,
    );
  }
  for (const [name, wanted] of Object.entries(expected.headers ?? {})) {
    const actual = response.headers.get(name);
    const ok =
      typeof wanted === 'string' ? actual === wanted : actual !== null && wanted.test(actual);
    if (!ok)
      fail(`header ${name} is ${String(actual)}, expected ${String(wanted)}`, actual, wanted);
  }
  if (expected.body !== undefined)
    checkSubset(body, expected.body, (m, a, w) => fail(`body${m}`, a, w));
  if (expected.events !== undefined) {
    const actual = events.map((e) => ({ type: e.type, data: e.data }));
    const wanted = expected.events.map((e, i) => ({
      type: e.type,
      data: 'data' in e ? e.data : actual[i]?.data,
    }));
    try {
      deepStrictEqual(actual, wanted);
    } catch {
      fail('appended other events than expected', actual, wanted);
    }
  }
  return { response, body, events };
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Every key of `wanted` is in `actual` with a deep-equal value (objects recursively, arrays whole). */
function checkSubset(
  actual: unknown,
  wanted: unknown,
  fail: (where: string, actual: unknown, wanted: unknown) => never,
  where = '',
): void {
  if (typeof wanted === 'object' && wanted !== null && !Array.isArray(wanted)) {
    if (typeof actual !== 'object' || actual === null) fail(where, actual, wanted);
    for (const [key, value] of Object.entries(wanted)) {
      checkSubset((actual as Record<string, unknown>)[key], value, fail, `${where}.${key}`);
    }
    return;
  }
  try {
    deepStrictEqual(actual, wanted);
  } catch {
    fail(where, actual, wanted);
  }
}
