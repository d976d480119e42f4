import { afterAll } from 'vitest';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { sqliteBackend } from './support/sqlite-backend.js';
import { runSubscriptionCases } from './support/subscription-cases.js';

const dir = createTempDir('eventfold-subscriptions-');
afterAll(() => dir.remove());

runSubscriptionCases(sqliteBackend(() => dir.file()));
