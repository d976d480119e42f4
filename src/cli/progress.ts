/** Where progress goes: a writable text stream, a terminal or not. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** How often progress is shown: every 100 ms on a terminal, every 2 s as plain lines. */
const TTY_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 2_000;

/**
 * Progress of long work (import, export, copy, migrate): on a terminal a bar
 * redrawn in place with the rate and the time left; elsewhere a plain line
 * every 2 seconds and one at the end.
 */
export class Progress {
  readonly #out: ProgressOutput;
  readonly #label: string;
  readonly #unit: string;
  readonly #total: number | undefined;
  readonly #started: number;
  readonly #now: () => number;
  #done = 0;
  #shownAt: number;
  #drawn = false;

  constructor(
    out: ProgressOutput,
    label: string,
    unit: string,
    total: number | undefined,
    now: () => number = Date.now,
  ) {
    this.#out = out;
    this.#label = label;
    this.#unit = unit;
    this.#total = total;
    this.#now = now;
    this.#started = now();
    this.#shownAt = this.#started;
  }

  /** Counts `n` more units done; redraws when it is time. */
  add(n: number): void {
    this.#done += n;
    const now = this.#now();
    const interval = this.#out.isTTY === true ? TTY_INTERVAL_MS : LINE_INTERVAL_MS;
    if (now - this.#shownAt >= interval) {
      this.#shownAt = now;
      this.#show(false);
    }
  }

  /** How many units are done. */
  get done(): number {
    return this.#done;
  }

  /** Shows the final state (and ends the bar's line on a terminal). */
  finish(): void {
    this.#show(true);
  }

  #show(final: boolean): void {
    const elapsedMs = Math.max(1, this.#now() - this.#started);
    const rate = (this.#done * 1000) / elapsedMs;
    const total = this.#total;
    const parts = [
      `${this.#label}: ${this.#done}${total === undefined ? '' : `/${total}`} ${this.#unit}`,
    ];
    parts.push(`${formatRate(rate)} ${this.#unit}/s`);
    if (final) parts.push(`in ${formatDuration(elapsedMs)}`);
    else if (total !== undefined && rate > 0)
      parts.push(`ETA ${formatDuration(((total - this.#done) / rate) * 1000)}`);
    const text = parts.join(', ');
    if (this.#out.isTTY === true) {
      const bar = total === undefined || total === 0 ? '' : `${renderBar(this.#done / total, 24)} `;
      this.#out.write(`\r\x1b[2K${bar}${text}${final ? '\n' : ''}`);
      this.#drawn = !final;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  /** Clears an unfinished bar before other output (a no-op elsewhere). */
  clear(): void {
    if (this.#drawn) this.#out.write('\r\x1b[2K');
    this.#drawn = false;
  }
}

/** `[#####-----] 50%` for a fraction from 0 to 1. */
export function renderBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/** `950`, `12.3k`, `4.1M` for a rate. */
function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)}M`;
  if (rate >= 1e4) return `${(rate / 1e3).toFixed(1)}k`;
  return String(Math.round(rate));
}

/** `850ms`, `12s`, `3m05s`, `2h01m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
