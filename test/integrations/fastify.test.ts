/** The cart API of examples/http-fastify.ts over real HTTP. */
import { createCartApp } from '../../examples/http-fastify.js';
import { cartApiCases } from './cart-api-cases.js';

cartApiCases('Fastify', async (service) => {
  const app = await createCartApp(service);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl, close: () => app.close() };
});
