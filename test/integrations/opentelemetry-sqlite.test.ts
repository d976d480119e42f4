/**
 * eventfold/opentelemetry on a SQLite file: a command's trace goes on in a
 * projection run by another store object on the same file.
 */
import { afterAll, describe, it } from 'vitest';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { commandToProjection } from './support/continuity.js';
import { useOpenTelemetry } from './support/otel.js';

const otel = useOpenTelemetry();
const dir = createTempDir('eventfold-telemetry-');
afterAll(() => dir.remove());

describe('telemetry on SQLite', () => {
  it('traces a command to the projection handler through the file, with spans and metrics', async () => {
    const file = dir.file();
    await using writer = new SqliteEventStore(file, { telemetry: otel.telemetry });
    await using reader = new SqliteEventStore(file, { telemetry: otel.telemetry });
    await commandToProjection(otel, writer, reader);
  });
});
