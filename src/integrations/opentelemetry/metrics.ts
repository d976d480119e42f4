import type * as Api from '@opentelemetry/api';
import type { SubscriptionReading } from '../../core/telemetry.js';

/**
 * The names of eventfold's metrics (see docs/telemetry.md).
 *
 * @example
 * ```ts
 * const lag = metrics.find((m) => m.descriptor.name === METRICS.subscriptionLag);
 * ```
 */
export const METRICS = {
  appendDuration: 'eventfold.append.duration',
  eventsAppended: 'eventfold.events.appended',
  subscriptionLag: 'eventfold.subscription.lag',
  subscriptionParked: 'eventfold.subscription.parked',
} as const;

interface Instruments {
  readonly duration: Api.Histogram;
  readonly appended: Api.Counter;
}

interface Observed {
  readonly name: string;
  readonly read: () => Promise<SubscriptionReading>;
}

/**
 * eventfold's instruments, made on first use from the meter `meterOf` gives
 * (the global meter provider may be registered after the hook is made).
 *
 * @internal
 */
export class EventfoldMetrics {
  readonly #meterOf: () => Api.Meter;
  readonly #observed = new Set<Observed>();
  #instruments: Instruments | undefined;

  constructor(meterOf: () => Api.Meter) {
    this.#meterOf = meterOf;
  }

  recordAppend(durationMs: number, events: number, attributes: Api.Attributes): void {
    const { duration, appended } = this.#made();
    duration.record(durationMs, attributes);
    if (events > 0) appended.add(events, attributes);
  }

  observeSubscription(name: string, read: () => Promise<SubscriptionReading>): () => void {
    this.#made();
    const entry: Observed = { name, read };
    this.#observed.add(entry);
    return () => void this.#observed.delete(entry);
  }

  #made(): Instruments {
    if (this.#instruments !== undefined) return this.#instruments;
    const meter = this.#meterOf();
    const lag = meter.createObservableGauge(METRICS.subscriptionLag, {
      description: 'Events after the subscription checkpoint (matching its filters)',
      unit: '{event}',
    });
    const parked = meter.createObservableGauge(METRICS.subscriptionParked, {
      description: 'Events parked in the subscription dead letters',
      unit: '{event}',
    });
    meter.addBatchObservableCallback(
      async (result) => {
        await Promise.all(
          [...this.#observed].map(async ({ name, read }) => {
            const attributes = { 'eventfold.subscription.name': name };
            try {
              const reading = await read();
              result.observe(lag, reading.lag.events, attributes);
              result.observe(parked, reading.parked, attributes);
            } catch {
              // Unreadable now (its database is down): no value this time.
            }
          }),
        );
      },
      [lag, parked],
    );
    this.#instruments = {
      duration: meter.createHistogram(METRICS.appendDuration, {
        description: 'Duration of appends, from the call to the commit',
        unit: 'ms',
      }),
      appended: meter.createCounter(METRICS.eventsAppended, {
        description: 'Events appended',
        unit: '{event}',
      }),
    };
    return this.#instruments;
  }
}
