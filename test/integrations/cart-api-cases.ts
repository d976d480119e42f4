/**
 * The cart API of the HTTP examples over real HTTP (a server on port 0, the global fetch),
 * run once per framework: ETags and If-Match, problem details, retries, read-your-writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CartOpened,
  ItemAdded,
  openCartService,
  type CartService,
} from '../../examples/http/cart-service.js';
import { httpSpec } from '../../src/testing/index.js';

/** A server of the cart app on a free port, and how to stop it. */
export interface Served {
  readonly baseUrl: string;
  close(): Promise<void>;
}

const item = { sku: 'tea', quantity: 2, priceCents: 450 };
const PROBLEM = /^application\/problem\+json/;

/** Registers the cart API cases for one framework's app. */
export function cartApiCases(name: string, serve: (service: CartService) => Promise<Served>): void {
  describe(`cart API over HTTP: ${name}`, () => {
    let dir = '';
    let service: CartService;
    let served: Served;
    const send = (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) =>
      fetch(served.baseUrl + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    const open = async (customer = 'ada') => {
      const response = await send('POST', '/carts', { customer });
      return (response.headers.get('location') ?? '').slice('/carts/'.length);
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'eventfold-http-'));
      service = await openCartService(`sqlite://${join(dir, 'carts.db')}`);
      served = await serve(service);
    });
    afterAll(async () => {
      await served.close();
      await service[Symbol.asyncDispose]();
      rmSync(dir, { recursive: true, force: true });
    });

    it('create: 201 with the ETag, Location and position; GET sends the ETag, 304 when unchanged', async () => {
      const created = await send('POST', '/carts', { customer: 'ada' });
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.headers.get('location')).toMatch(/^\/carts\/[0-9a-f-]{36}$/);
      expect(created.headers.get('eventfold-position')).toMatch(/^\d{20}$/);
      expect(await created.json()).toMatchObject({ status: 'open', customer: 'ada', items: [] });
      const location = created.headers.get('location') ?? '';
      const got = await send('GET', location);
      expect(got.status).toBe(200);
      expect(got.headers.get('etag')).toBe('"1"');
      expect((await send('GET', location, undefined, { 'if-none-match': '"1"' })).status).toBe(304);
      expect((await send('GET', location, undefined, { 'if-none-match': '"0"' })).status).toBe(200);
    });

    it('a stale If-Match is a 412 problem and writes nothing; a current one succeeds', async () => {
      const id = await open();
      const first = await send('POST', `/carts/${id}/items`, item, { 'if-match': '"1"' });
      expect(first.status).toBe(200);
      expect(first.headers.get('etag')).toBe('"2"');
      const stale = await send('POST', `/carts/${id}/items`, item, { 'if-match': '"1"' });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('content-type')).toMatch(PROBLEM);
      expect(await stale.json()).toEqual({
        type: 'https://eventfold.dev/problems/precondition-failed',
        title: 'Precondition Failed',
        status: 412,
        detail: `Concurrency conflict on stream "Cart-${id}": expected version 1, actual version 2`,
        instance: `/carts/${id}/items`,
        code: 'CONCURRENCY',
        currentVersion: 2,
      });
      expect(await service.store.getVersion(`Cart-${id}`)).toBe(2);
      // Two clients with the same ETag at once: one wins, the other gets 412.
      const raced = await Promise.all(
        [1, 2].map(() => send('POST', `/carts/${id}/items`, item, { 'if-match': 'W/"2"' })),
      );
      expect(raced.map((r) => r.status).sort()).toEqual([200, 412]);
      expect(await service.store.getVersion(`Cart-${id}`)).toBe(3);
    });

    it('malformed preconditions: 400; a tag naming no version: 412', async () => {
      const id = await open();
      const bad = await send('POST', `/carts/${id}/items`, item, { 'if-match': '1' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'INVALID_HEADER', status: 400 });
      const foreign = await send('POST', `/carts/${id}/items`, item, { 'if-match': '"abc"' });
      expect(foreign.status).toBe(412);
      expect(await foreign.json()).toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect(await service.store.getVersion(`Cart-${id}`)).toBe(1);
    });

    it('without If-Match, concurrent updates all succeed (the handler retries conflicts)', async () => {
      const id = await open();
      const writers = 8;
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          send('POST', `/carts/${id}/items`, { ...item, quantity: i + 1 }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(writers).fill(200));
      const cart = await service.repository.get(id);
      expect(cart.version).toBe(writers + 1);
      expect(cart.state.items).toHaveLength(writers);
    });

    it('a body that breaks the schema: 422 with its issues; not JSON: 400; nothing written', async () => {
      const id = await open();
      const invalid = await send('POST', `/carts/${id}/items`, { sku: '', quantity: -1 });
      expect(invalid.status).toBe(422);
      expect(invalid.headers.get('content-type')).toMatch(PROBLEM);
      const problem = (await invalid.json()) as { code: string; errors: { path: string[] }[] };
      expect(problem.code).toBe('VALIDATION');
      expect(problem.errors.map((e) => e.path.join('.')).sort()).toEqual([
        'priceCents',
        'quantity',
        'sku',
      ]);
      const garbage = await send('POST', `/carts/${id}/items`, '{"sku": ');
      expect(garbage.status).toBe(400);
      expect(garbage.headers.get('content-type')).toMatch(PROBLEM);
      expect(await service.store.getVersion(`Cart-${id}`)).toBe(1);
    });

    it('unknown carts and routes: 404 problems; the cart rules: 409 and 422', async () => {
      const missing = await send('GET', '/carts/nope');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({
        type: 'https://eventfold.dev/problems/not-found',
        code: 'AGGREGATE_NOT_FOUND',
      });
      expect((await send('POST', '/carts/nope/items', item)).status).toBe(404);
      expect(await service.store.exists('Cart-nope')).toBe(false);
      const route = await send('GET', '/no/such/route');
      expect(route.status).toBe(404);
      expect(route.headers.get('content-type')).toMatch(PROBLEM);
      const id = await open();
      const empty = await send('POST', `/carts/${id}/checkout`);
      expect(empty.status).toBe(422);
      expect(await empty.json()).toMatchObject({
        code: 'CART_RULE',
        detail: 'An empty cart cannot check out',
      });
      await send('POST', `/carts/${id}/items`, item);
      expect((await send('POST', `/carts/${id}/checkout`)).status).toBe(200);
      const late = await send('POST', `/carts/${id}/items`, item);
      expect(late.status).toBe(409);
      expect(await late.json()).toMatchObject({ code: 'CART_RULE' });
    });

    it('read-your-writes: the position of a write, sent back, waits for the projection; a bad one is 400, a future one 504', async () => {
      const id = await open('grace');
      await send('POST', `/carts/${id}/items`, item);
      const checkout = await send('POST', `/carts/${id}/checkout`);
      const position = checkout.headers.get('eventfold-position') ?? '';
      const view = await send('GET', '/customers/grace/carts', undefined, {
        'eventfold-position': position,
      });
      expect(view.status).toBe(200);
      expect(await view.json()).toEqual({ customer: 'grace', carts: { [id]: 'checked-out' } });
      const bad = await send('GET', '/customers/grace/carts', undefined, {
        'eventfold-position': 'latest',
      });
      expect(bad.status).toBe(400);
      const future = await send('GET', '/customers/grace/carts', undefined, {
        'eventfold-position': '9'.repeat(20),
      });
      expect(future.status).toBe(504);
      expect(await future.json()).toMatchObject({
        code: 'READ_MODEL_TIMEOUT',
        position: '9'.repeat(20),
      });
    });

    it('httpSpec: given events, when a request, then the status, headers, body and new events', async () => {
      const api = httpSpec({ store: service.store, baseUrl: served.baseUrl });
      await api
        .given('Cart-spec1', [CartOpened({ customer: 'lin' }), ItemAdded(item)])
        .when({
          method: 'POST',
          path: '/carts/spec1/items',
          headers: { 'if-match': '"2"' },
          body: item,
        })
        .then({
          status: 200,
          headers: { etag: '"3"' },
          body: { items: [item, item] },
          events: [{ type: 'ItemAdded', data: item }],
        });
      await api
        .when({ method: 'POST', path: '/carts/spec1/checkout', headers: { 'if-match': '"2"' } })
        .then({
          status: 412,
          headers: { 'content-type': PROBLEM },
          body: { code: 'CONCURRENCY' },
          events: [],
        });
      await expect(
        api.when({ path: '/carts/spec1' }).then({ status: 200, headers: { etag: '"9"' } }),
      ).rejects.toThrow(/GET \/carts\/spec1: header etag is "3", expected "9"/);
    });
  });
}
