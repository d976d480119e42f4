import { EventfoldError, type CoreErrorCode } from '../errors.js';
import type { Position } from '../position.js';

/**
 * A conditional checkpoint write found another checkpoint than it expected:
 * another instance (or a rebuild) moved it. Nothing was written; a running
 * subscription reloads its checkpoint and carries on from there.
 */
export class CheckpointConflictError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'CHECKPOINT_CONFLICT';
  /** The subscription. */
  readonly subscription: string;
  /** The checkpoint the write expected (`null`: none, or the start). */
  readonly expected: Position | null;
  /** The checkpoint found (`null`: none, or the start). */
  readonly actual: Position | null;

  constructor(subscription: string, expected: Position | null, actual: Position | null) {
    super(
      `Checkpoint of subscription "${subscription}" moved: expected ${expected ?? 'the start'}, found ${actual ?? 'the start'}`,
    );
    this.subscription = subscription;
    this.expected = expected;
    this.actual = actual;
  }
}
