/** The cart API of examples/http-hono.ts over real HTTP (node:http serving `app.fetch`). */
import type { AddressInfo } from 'node:net';
import { createCartApp } from '../../examples/http-hono.js';
import { serveFetch } from '../../examples/http/serve-fetch.js';
import { cartApiCases } from './cart-api-cases.js';

cartApiCases('Hono', async (service) => {
  const server = await serveFetch(createCartApp(service).fetch);
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
