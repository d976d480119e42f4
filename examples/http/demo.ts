/**
 * What each HTTP example does when run: a client session against the running service over
 * real HTTP, printing what it sees (and what `test/examples.test.ts` checks).
 */
export async function runDemo(baseUrl: string, print: (line: string) => void): Promise<void> {
  const call = async (method: string, path: string, body?: unknown, headers = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      response,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const created = await call('POST', '/carts', { customer: 'ada' });
  const location = created.response.headers.get('location') ?? '';
  const etag = created.response.headers.get('etag') ?? '';
  print(`POST /carts -> ${created.response.status} ETag ${etag} Location ${location}`);
  const added = await call(
    'POST',
    `${location}/items`,
    { sku: 'tea', quantity: 2, priceCents: 450 },
    { 'if-match': etag },
  );
  print(
    `POST ${location}/items If-Match ${etag} -> ${added.response.status} ETag ${added.response.headers.get('etag')}`,
  );
  const stale = await call(
    'POST',
    `${location}/items`,
    { sku: 'cup', quantity: 1, priceCents: 900 },
    { 'if-match': etag },
  );
  print(
    `POST ${location}/items If-Match ${etag} (stale) -> ${stale.response.status} ${stale.response.headers.get('content-type')} ${String(stale.body?.title)}`,
  );
  const checkout = await call('POST', `${location}/checkout`);
  const position = checkout.response.headers.get('eventfold-position') ?? '';
  print(
    `POST ${location}/checkout -> ${checkout.response.status} total ${String(checkout.body?.totalCents)}`,
  );
  const mine = await call('GET', '/customers/ada/carts', undefined, {
    'eventfold-position': position,
  });
  print(`GET /customers/ada/carts (read-your-writes) -> ${JSON.stringify(mine.body?.carts)}`);
  const missing = await call('GET', '/carts/no-such-cart');
  print(`GET /carts/no-such-cart -> ${missing.response.status} ${String(missing.body?.code)}`);
}
