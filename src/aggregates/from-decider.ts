import type { NewEvent } from '../core/events.js';
import { checkOption } from '../core/options.js';
import { assertAggregateType } from './aggregate-stream-id.js';
import type { AggregateType } from './aggregate-type.js';
import type { Decider } from './decider.js';
import { DeciderAggregate, type DeciderAggregateOptions } from './decider-aggregate.js';

/**
 * Turns a decider into an aggregate kind with a type (the stream category), so
 * repositories, `AggregateStore`, snapshots and the command handler work with it.
 *
 * @example
 * ```ts
 * const Tasks = fromDecider('Task', taskDecider, { schemaVersion: 2 });
 * const tasks = new AggregateRepository(store, Tasks);
 * const handler = CommandHandler.forDecider(tasks);
 * await handler.handle('42', { type: 'CreateTask', title: 'Write docs' });
 * ```
 */
export function fromDecider<C, E extends NewEvent, S>(
  type: string,
  decider: Decider<C, E, S>,
  options: DeciderAggregateOptions = {},
): AggregateType<DeciderAggregate<C, E, S>> {
  assertAggregateType(type);
  checkOption.object('options', options);
  checkOption.integer('schemaVersion', options.schemaVersion);
  const schemaVersion = options.schemaVersion ?? 1;
  return {
    type,
    schemaVersion,
    create: (id) => new DeciderAggregate(id, type, decider, { schemaVersion }),
  };
}
