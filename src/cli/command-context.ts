import { once } from 'node:events';
import type { CliIo } from './output.js';

/** No count of events is capped below this. */
export const UNCAPPED = Number.MAX_SAFE_INTEGER;

/** What every command knows: the store URL, `--debug`, and where to write. */
export interface Context {
  readonly io: CliIo;
  readonly secrets: string[];
  url(): string;
}

/** Writers of a command's output: lines to stdout, JSON to stdout, notes to stderr. */
export function printers(io: CliIo): {
  out: (text: string) => void;
  json: (value: unknown) => void;
  note: (text: string) => void;
} {
  const out = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  return {
    out,
    json: (value) => out(JSON.stringify(value, null, 2)),
    note: (text) => {
      io.stderr.write(`${text}\n`);
    },
  };
}

/** Writes `text` and waits while the stream's buffer is full (backpressure). */
export async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
