/**
 * The shopping-cart service over HTTP with Fastify 5 and `eventfold/fastify`: ETags and
 * If-Match, problem details, read-your-writes. See docs/http.md.
 *
 * Run: `npx tsx examples/http-fastify.ts [store-url] [--serve]`. By default the events go to
 * the SQLite file `.eventfold/carts.db`; the example runs a client session against itself and
 * stops, or with `--serve` keeps serving on `PORT` (default 3000).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { eventfoldFastify } from '../src/integrations/fastify/index.js';
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

type ById = { Params: { id: string } };

/** The routes of the cart service on a new Fastify instance. */
export async function createCartApp(service: CartService): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(eventfoldFastify);

  app.post('/carts', async (request, reply) => {
    const { customer } = await validateBody(OpenCartBody, request.body);
    const id = randomUUID();
    const result = await service.handle(
      id,
      { type: 'OpenCart', customer },
      { expectedVersion: 'no_stream' },
    );
    reply.header('Location', `/carts/${id}`);
    return reply.sendVersioned(cartView(id, result.state), { ...result, status: 201 });
  });

  app.post<ById>('/carts/:id/items', async (request, reply) => {
    const item = await validateBody(AddItemBody, request.body);
    const { id } = request.params;
    const result = await service.handle(
      id,
      { type: 'AddItem', ...item },
      {
        expectedVersion: request.expectedVersion(),
        correlationId: request.id,
      },
    );
    return reply.sendVersioned(cartView(id, result.state), result);
  });

  app.post<ById>('/carts/:id/checkout', async (request, reply) => {
    const { id } = request.params;
    const result = await service.handle(
      id,
      { type: 'CheckOut' },
      {
        expectedVersion: request.expectedVersion(),
      },
    );
    return reply.sendVersioned(cartView(id, result.state), result);
  });

  app.get<ById>('/carts/:id', async (request, reply) => {
    const cart = await service.repository.get(request.params.id); // 404 when missing
    if (isNotModified(request.headers['if-none-match'], cart.version)) {
      return reply.code(304).header('ETag', etagOf(cart.version)).send();
    }
    return reply.sendVersioned(cartView(cart.id, cart.state), { version: cart.version });
  });

  app.get<{ Params: { customer: string } }>('/customers/:customer/carts', async (request) => {
    await readYourWrites(service.projection, request.eventfoldPosition(), { timeoutMs: 2_000 });
    const carts = service.customerCarts.get(request.params.customer) ?? new Map<string, string>();
    return { customer: request.params.customer, carts: Object.fromEntries(carts) };
  });
  return app;
}

/** Opens the service, serves it, and runs the demo session (or keeps serving with `--serve`). */
export async function main(args: readonly string[], print = console.log): Promise<void> {
  const url = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_URL;
  const service = await openCartService(url);
  const app = await createCartApp(service);
  const serve = args.includes('--serve');
  const address = await app.listen({
    port: serve ? Number(process.env.PORT ?? 3000) : 0,
    host: '127.0.0.1',
  });
  print(`Fastify cart service on ${address} (store ${url})`);
  if (serve) return;
  try {
    await runDemo(address, print);
  } finally {
    await app.close();
    await service[Symbol.asyncDispose]();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await main(process.argv.slice(2));
