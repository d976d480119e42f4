import { describe, expect, it } from 'vitest';
import { formatOutboxBenchmarks, outboxBenchmarks } from '../../bench/outbox.js';

describe('the outbox forwarding benchmark', () => {
  it('forwards and raw-publishes every event to Redis, RabbitMQ and NATS, from memory and SQLite', async () => {
    // Each run checks that the broker holds every event before removing its stream or queue.
    const results = await outboxBenchmarks({
      events: 300,
      streams: 20,
      window: 16,
      runs: 1,
      warmup: 0,
    });
    expect(results.map((r) => `${r.broker} ${r.publisher}`)).toEqual(
      ['redis', 'rabbitmq', 'nats'].flatMap((b) => [
        `${b} raw client`,
        `${b} forwarder (memory)`,
        `${b} forwarder (sqlite)`,
      ]),
    );
    for (const r of results) {
      expect(r.measurement.count).toBe(300);
      expect(r.measurement.median).toBeGreaterThan(0);
      if (r.publisher === 'raw client') expect(r.ofRaw).toBe(1);
      else
        expect(r.ofRaw).toBeCloseTo(
          r.measurement.median /
            (results.find((x) => x.broker === r.broker)?.measurement.median ?? NaN),
        );
    }
    expect(formatOutboxBenchmarks(results)).toMatch(/forwarder ÷ raw/);
  });
});
