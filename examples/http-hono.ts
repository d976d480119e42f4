/**
 * The shopping-cart service over HTTP with Hono 4 and `eventfold/hono`: ETags and If-Match,
 * problem details, read-your-writes. See docs/http.md.
 *
 * Run: `npx tsx examples/http-hono.ts [store-url] [--serve]`. By default the events go to the
 * SQLite file `.eventfold/carts.db`; the example runs a client session against itself and
 * stops, or with `--serve` keeps serving on `PORT` (default 3000).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import {
  expectedVersionOf,
  jsonBody,
  notFoundProblem,
  positionOf,
  problemDetails,
  versioned,
} from '../src/integrations/hono/index.js';
import {
  etagOf,
  isNotModified,
  readYourWrites,
  validateBody,
} from '../src/integrations/http/index.js';
import {
  AddItemBody,
  cartView,
  DEFAULT_URL,
  OpenCartBody,
  openCartService,
  type CartService,
} from './http/cart-service.js';
import { runDemo } from './http/demo.js';
import { serveFetch } from './http/serve-fetch.js';

/** The routes of the cart service on a new Hono app. */
export function createCartApp(service: CartService): Hono {
  const app = new Hono();
  app.onError(problemDetails());
  app.notFound(notFoundProblem());

  app.post('/carts', async (c) => {
    const { customer } = await validateBody(OpenCartBody, await jsonBody(c));
    const id = randomUUID();
    const result = await service.handle(
      id,
      { type: 'OpenCart', customer },
      { expectedVersion: 'no_stream' },
    );
    c.header('Location', `/carts/${id}`);
    return versioned(c, cartView(id, result.state), { ...result, status: 201 });
  });

  app.post('/carts/:id/items', async (c) => {
    const item = await validateBody(AddItemBody, await jsonBody(c));
    const id = c.req.param('id');
    const result = await service.handle(
      id,
      { type: 'AddItem', ...item },
      {
        expectedVersion: expectedVersionOf(c),
      },
    );
    return versioned(c, cartView(id, result.state), result);
  });

  app.post('/carts/:id/checkout', async (c) => {
    const id = c.req.param('id');
    const result = await service.handle(
      id,
      { type: 'CheckOut' },
      {
        expectedVersion: expectedVersionOf(c),
      },
    );
    return versioned(c, cartView(id, result.state), result);
  });

  app.get('/carts/:id', async (c) => {
    const cart = await service.repository.get(c.req.param('id')); // 404 when missing
    if (isNotModified(c.req.header('if-none-match'), cart.version)) {
      return c.body(null, 304, { ETag: etagOf(cart.version) });
    }
    return versioned(c, cartView(cart.id, cart.state), { version: cart.version });
  });

  app.get('/customers/:customer/carts', async (c) => {
    await readYourWrites(service.projection, positionOf(c), { timeoutMs: 2_000 });
    const customer = c.req.param('customer');
    const carts = service.customerCarts.get(customer) ?? new Map<string, string>();
    return c.json({ customer, carts: Object.fromEntries(carts) });
  });
  return app;
}

/** Opens the service, serves it, and runs the demo session (or keeps serving with `--serve`). */
export async function main(args: readonly string[], print = console.log): Promise<void> {
  const url = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_URL;
  const service = await openCartService(url);
  const app = createCartApp(service);
  const serve = args.includes('--serve');
  const server = await serveFetch(app.fetch, serve ? Number(process.env.PORT ?? 3000) : 0);
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  print(`Hono cart service on ${address} (store ${url})`);
  if (serve) return;
  try {
    await runDemo(address, print);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await service[Symbol.asyncDispose]();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await main(process.argv.slice(2));
