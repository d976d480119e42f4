import { createRequire } from 'node:module';
import type * as Transport from '@nats-io/transport-node';
import type * as JetStream from '@nats-io/jetstream';
import type * as Kv from '@nats-io/kv';
import { loadOptionalDependency } from '../../core/optional-dependency.js';

const require = createRequire(import.meta.url);
const ENTRY = 'eventfold/nats (and createEventStore with a nats: URL)';
let transport: typeof Transport | undefined;
let jetstream: typeof JetStream | undefined;

/**
 * `@nats-io/transport-node`, loaded on first use: `eventfold/nats` imports it
 * only for types, so importing the subpath never needs it, and connecting
 * without it installed throws a `MissingDependencyError` naming it.
 */
export function loadNatsTransport(): typeof Transport {
  transport ??= loadOptionalDependency(
    require,
    '@nats-io/transport-node',
    ENTRY,
  ) as typeof Transport;
  return transport;
}

/** `@nats-io/jetstream`, loaded on first use (a `MissingDependencyError` naming it when absent). */
export function loadJetStream(): typeof JetStream {
  jetstream ??= loadOptionalDependency(require, '@nats-io/jetstream', ENTRY) as typeof JetStream;
  return jetstream;
}

let kv: typeof Kv | undefined;

/** `@nats-io/kv`, loaded on first use (a `MissingDependencyError` naming it when absent). */
export function loadKv(): typeof Kv {
  kv ??= loadOptionalDependency(require, '@nats-io/kv', ENTRY) as typeof Kv;
  return kv;
}
