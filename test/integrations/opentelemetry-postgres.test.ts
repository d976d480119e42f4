/**
 * eventfold/opentelemetry on PostgreSQL: a command's trace goes on in a
 * projection run by another store (another pool) on the same database.
 */
import { describe, it } from 'vitest';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { useTestDatabase } from '../support/postgres-test-database.js';
import { commandToProjection } from './support/continuity.js';
import { useOpenTelemetry } from './support/otel.js';

const otel = useOpenTelemetry();
const database = useTestDatabase('telemetry');

describe('telemetry on PostgreSQL', () => {
  it('traces a command to the projection handler through the database, with spans and metrics', async () => {
    const { url } = database();
    await using writer = new PostgresEventStore({
      connectionString: url,
      telemetry: otel.telemetry,
    });
    await writer.migrate();
    await using reader = new PostgresEventStore({
      connectionString: url,
      telemetry: otel.telemetry,
    });
    await commandToProjection(otel, writer, reader);
  });
});
