/** The cart API of examples/http-express.ts over real HTTP. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCartApp } from '../../examples/http-express.js';
import { cartApiCases } from './cart-api-cases.js';

cartApiCases('Express', async (service) => {
  const app = createCartApp(service);
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
