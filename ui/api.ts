/** The console's calls to its JSON API (docs/console.md). */

const TOKEN_KEY = 'eventfold.token';

/** Takes a `#token=…` handed over by `eventfold ui` into the session, out of the address bar. */
export function takeToken(): void {
  const match = /^#token=(.+)$/.exec(location.hash);
  if (match?.[1] !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', '#/');
  }
}

function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** An answer of the API other than 200. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const t = token();
  return t === null ? extra : { ...extra, Authorization: `Bearer ${t}` };
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok)
    throw new ApiError(response.status, body.error?.code ?? 'ERROR', body.error?.message ?? '');
  return body;
}

/** GETs `path` with the query `params` (arrays repeat the key; empty values are left out). */
export async function get<T>(
  path: string,
  params: Record<string, string | number | readonly string[] | undefined> = {},
): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const text = query.toString();
  return answer<T>(await fetch(`${path}${text === '' ? '' : `?${text}`}`, { headers: headers() }));
}

/** POSTs an action. */
export async function post<T>(path: string, body: Record<string, string | boolean>): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
}

/** Opens the live tail after `after` (the head when undefined). */
export function live(after: string | undefined): EventSource {
  const query = new URLSearchParams();
  if (after !== undefined) query.set('after', after);
  const t = token();
  if (t !== null) query.set('token', t);
  const text = query.toString();
  return new EventSource(`/api/live${text === '' ? '' : `?${text}`}`);
}

/** An event as the API returns it. */
export interface EventJson {
  readonly streamId: string;
  readonly version: number;
  readonly position: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly tags: readonly string[];
  readonly recordedAt: string;
}

/** A subscription's status as the API returns it. */
export interface SubscriptionJson {
  readonly name: string;
  readonly state: 'running' | 'stopped';
  readonly checkpoint: string | null;
  readonly updatedAt?: string;
  readonly lag: { readonly events: number; readonly capped: boolean; readonly ms: number };
  readonly parked: number;
  readonly projection: boolean;
  readonly lagHistory: readonly { readonly at: string; readonly events: number }[];
  readonly lease?: { readonly holder?: string; readonly expiresAt?: string };
}

/** A parked event as the API returns it. */
export interface ParkedJson {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: string;
  readonly type: string;
  readonly error: { readonly name: string; readonly message: string };
  readonly attempts: number;
  readonly parkedAt: string;
  readonly lastAttemptAt: string;
}
