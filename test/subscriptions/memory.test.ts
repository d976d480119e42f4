import { memoryBackend } from './support/memory-backend.js';
import { runSubscriptionCases } from './support/subscription-cases.js';

runSubscriptionCases(memoryBackend);
