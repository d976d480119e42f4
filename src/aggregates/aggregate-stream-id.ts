import { ValidationError } from '../core/errors.js';

/**
 * The stream id of an aggregate: `${type}-${id}`, so the aggregate type is the
 * stream's category (`categoryOf('Task-42') === 'Task'`). The type must be a
 * non-empty string without `-` (the id may contain any character).
 *
 * @example
 * ```ts
 * aggregateStreamId('Task', '42'); // 'Task-42'
 * ```
 */
export function aggregateStreamId(type: string, id: string): string {
  assertAggregateType(type);
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError(`Invalid ${type} id: expected a non-empty string`);
  }
  return `${type}-${id}`;
}

/** Throws a {@link ValidationError} unless `type` can be a stream category. */
export function assertAggregateType(type: unknown): asserts type is string {
  if (typeof type !== 'string' || type.length === 0 || type.includes('-')) {
    throw new ValidationError(
      `Invalid aggregate type ${JSON.stringify(type) ?? String(type)}: expected a non-empty string without "-" (it is the stream category)`,
    );
  }
}
