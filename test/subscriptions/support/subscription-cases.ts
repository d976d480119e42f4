/**
 * The store-parameterised subscription cases: every backend runs them with
 * its own store, storage and read model (see backend.ts). The cases live in
 * cases/, one file per topic.
 */
import { describe } from 'vitest';
import type { SubscriptionBackend } from './backend.js';
import { useCaseContext } from './case-context.js';
import { deliveryCases } from './cases/delivery-cases.js';
import { failureCases } from './cases/failure-cases.js';
import { leaseCases } from './cases/lease-cases.js';
import { lifecycleCases } from './cases/lifecycle-cases.js';
import { positionCases } from './cases/position-cases.js';
import { projectionCases } from './cases/projection-cases.js';
import { statusCases } from './cases/status-cases.js';

/** Registers every shared case for `backend`. */
export function runSubscriptionCases<Tx>(backend: SubscriptionBackend<Tx>): void {
  describe(`subscriptions on ${backend.label}`, () => {
    const ctx = useCaseContext(backend);
    deliveryCases(ctx);
    failureCases(ctx);
    projectionCases(ctx);
    leaseCases(ctx);
    lifecycleCases(ctx);
    statusCases(ctx);
    positionCases(ctx);
  });
}
