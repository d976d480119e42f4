import { EventfoldError } from '../core/errors.js';
import type { AggregateErrorCode } from './aggregate-error-code.js';

/** An aggregate that had to exist has no events. */
export class AggregateNotFoundError extends EventfoldError {
  static override readonly code: AggregateErrorCode = 'AGGREGATE_NOT_FOUND';
  /** The aggregate's stream id. */
  readonly aggregateId: string;
  constructor(aggregateId: string, aggregateType?: string) {
    super(
      `Aggregate ${aggregateType === undefined ? '' : `${aggregateType} `}"${aggregateId}" not found`,
    );
    this.aggregateId = aggregateId;
  }
}
