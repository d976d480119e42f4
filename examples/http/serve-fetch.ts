/**
 * Serves a fetch handler (`(request: Request) => Response`, as Hono's `app.fetch`) with
 * node:http, for the Hono example. In an application, `@hono/node-server` does this job.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Readable } from 'node:stream';

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  });
}

/** Listens on `port` (0: any free port) and resolves once listening. */
export function serveFetch(
  handler: (request: Request) => Response | Promise<Response>,
  port = 0,
): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const response = await handler(toRequest(req));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    })();
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
