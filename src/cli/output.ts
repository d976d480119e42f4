import type { RecordedEvent } from '../core/events.js';
import type { StreamSummary } from '../core/event-store.js';

/** Where a command writes: its output and its messages (errors, progress). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean | undefined };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean | undefined; columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** An event as the listings print it with `--json`. */
export function eventJson(event: RecordedEvent): Record<string, unknown> {
  return {
    streamId: event.streamId,
    version: event.version,
    position: event.position,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    tags: event.tags,
    recordedAt: event.recordedAt.toISOString(),
  };
}

/** A stream as the listing prints it with `--json`. */
export function streamJson(stream: StreamSummary): Record<string, unknown> {
  return {
    streamId: stream.streamId,
    version: stream.version,
    lastWrite: stream.lastWrite.toISOString(),
  };
}

/** Rows as text columns, the first row a header, each column padded to its widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** One event on one line: where it is, its type, when, and its data as JSON. */
export function eventLine(event: RecordedEvent, withStream: boolean): string {
  const where = withStream
    ? `${event.position}  ${event.streamId}@${event.version}`
    : `${event.version}  ${event.position}`;
  return `${where}  ${event.type}  ${event.recordedAt.toISOString()}  ${JSON.stringify(event.data)}`;
}
