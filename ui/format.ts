/** Formatting helpers of the console. */

/** `2026-12-01T21:03:04.000Z` as `21:03:04` today, else `2026-12-01 21:03:04`. */
export function time(iso: string | undefined | null): string {
  if (iso === undefined || iso === null) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return d.toDateString() === new Date().toDateString()
    ? clock
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

/** `12:34` of a minute. */
export function minute(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A duration in ms as `850 ms`, `12 s`, `3 min`, `2 h`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** Pretty JSON. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/** The hash link of a stream's page. */
export function streamLink(id: string): string {
  return `#/stream/${encodeURIComponent(id)}`;
}

/** The hash link of a subscription's page. */
export function subscriptionLink(name: string): string {
  return `#/subscription/${encodeURIComponent(name)}`;
}
