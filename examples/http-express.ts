/**
 * The shopping-cart service over HTTP with Express 5 and `eventfold/express`: ETags and
 * If-Match, problem details, read-your-writes. See docs/http.md.
 *
 * Run: `npx tsx examples/http-express.ts [store-url] [--serve]`. By default the events go to
 * the SQLite file `.eventfold/carts.db`; the example runs a client session against itself and
 * stops, or with `--serve` keeps serving on `PORT` (default 3000).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
import {
  expectedVersionOf,
  notFoundProblem,
  positionOf,
  problemDetails,
  sendVersioned,
} from '../src/integrations/express/index.js';
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

/** The routes of the cart service on a new Express app. */
export function createCartApp(service: CartService): Express {
  const app = express();
  app.use(express.json()); // a body that is not JSON: a 400 problem

  app.post('/carts', async (req, res) => {
    const { customer } = await validateBody(OpenCartBody, req.body);
    const id = randomUUID();
    const result = await service.handle(
      id,
      { type: 'OpenCart', customer },
      { expectedVersion: 'no_stream' },
    );
    res.location(`/carts/${id}`);
    sendVersioned(res, cartView(id, result.state), { ...result, status: 201 });
  });

  app.post('/carts/:id/items', async (req, res) => {
    const item = await validateBody(AddItemBody, req.body);
    const id = req.params.id;
    const result = await service.handle(
      id,
      { type: 'AddItem', ...item },
      {
        expectedVersion: expectedVersionOf(req),
      },
    );
    sendVersioned(res, cartView(id, result.state), result);
  });

  app.post('/carts/:id/checkout', async (req, res) => {
    const id = req.params.id;
    const result = await service.handle(
      id,
      { type: 'CheckOut' },
      {
        expectedVersion: expectedVersionOf(req),
      },
    );
    sendVersioned(res, cartView(id, result.state), result);
  });

  app.get('/carts/:id', async (req, res) => {
    const cart = await service.repository.get(req.params.id); // 404 when missing
    if (isNotModified(req.headers['if-none-match'], cart.version)) {
      res.status(304).set('ETag', etagOf(cart.version)).end();
      return;
    }
    sendVersioned(res, cartView(cart.id, cart.state), { version: cart.version });
  });

  app.get('/customers/:customer/carts', async (req, res) => {
    await readYourWrites(service.projection, positionOf(req), { timeoutMs: 2_000 });
    const customer = req.params.customer;
    const carts = service.customerCarts.get(customer) ?? new Map<string, string>();
    res.json({ customer, carts: Object.fromEntries(carts) });
  });

  app.use(notFoundProblem());
  app.use(problemDetails());
  return app;
}

/** Opens the service, serves it, and runs the demo session (or keeps serving with `--serve`). */
export async function main(args: readonly string[], print = console.log): Promise<void> {
  const url = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_URL;
  const service = await openCartService(url);
  const app = createCartApp(service);
  const serve = args.includes('--serve');
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = app.listen(
      serve ? Number(process.env.PORT ?? 3000) : 0,
      '127.0.0.1',
      () => resolve(listening),
    );
  });
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  print(`Express cart service on ${address} (store ${url})`);
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
