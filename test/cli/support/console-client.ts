/** Helpers of the console tests: JSON calls and the live tail's server-sent events. */

/** What an API call answered. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Calls `route` of the console at `base`, reading its JSON answer. */
export async function call(base: string, route: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(new URL(route, base), init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** POSTs an action with a JSON body. */
export function act(base: string, route: string, body: Record<string, unknown>): Promise<Answer> {
  return call(base, route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** One server-sent event. */
export interface SentEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: unknown;
}

/**
 * Opens `/api/live` of `base` (with `query`), runs `during` once the stream is
 * open, and resolves to the first `count` events sent.
 */
export async function liveEvents(
  base: string,
  count: number,
  during: () => Promise<void>,
  query = '',
): Promise<SentEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20_000);
  try {
    const response = await fetch(new URL(`/api/live${query}`, base), { signal: abort.signal });
    if (response.body === null) throw new Error('no body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let started = false;
    const events: SentEvent[] = [];
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended after ${events.length} events`);
      buffer += value;
      if (!started) {
        started = true;
        await during();
      }
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        const data = fields.get('data');
        if (data !== undefined)
          events.push({ id: fields.get('id'), event: fields.get('event'), data: JSON.parse(data) });
      }
    }
    return events.slice(0, count);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
