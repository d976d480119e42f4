/** The codes of the aggregate layer's errors. */
export type AggregateErrorCode = 'AGGREGATE_NOT_FOUND' | 'UNHANDLED_EVENT';
