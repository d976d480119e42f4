/**
 * The event of the replay tests in three versions: `TodoCreated` at version 1,
 * `TaskCreated` at version 2 (a priority; renamed) and at version 3 (labels).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { defineEvent, EventRegistry, payload, upcastFrom } from '../../src/index.js';

export interface TaskV1 {
  title: string;
}
export interface TaskV2 {
  title: string;
  priority: number;
}
export interface TaskV3 {
  title: string;
  priority: number;
  labels: string[];
}

const taskV3: StandardSchemaV1<TaskV3, TaskV3> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) => {
      const v = value as Partial<TaskV3>;
      return typeof v.title === 'string' &&
        typeof v.priority === 'number' &&
        Array.isArray(v.labels)
        ? { value: v as TaskV3 }
        : { issues: [{ message: 'not a version 3 task' }] };
    },
  },
};

export const TodoCreatedV1 = defineEvent('TodoCreated', payload<TaskV1>());
export const TaskCreatedV2 = defineEvent('TaskCreated', payload<TaskV2>(), {
  upcasters: upcastFrom<TaskV1>().to((v1) => ({ ...v1, priority: 0 })),
  renamedFrom: ['TodoCreated'],
});
export const TaskCreatedV3 = defineEvent('TaskCreated', taskV3, {
  upcasters: upcastFrom<TaskV1>()
    .to((v1): TaskV2 => ({ ...v1, priority: 0 }))
    .to((v2): TaskV3 => ({ ...v2, labels: v2.priority > 1 ? ['urgent'] : [] })),
  renamedFrom: ['TodoCreated'],
});

/** Registries of the three releases. */
export const registries = {
  v1: () => new EventRegistry([TodoCreatedV1]),
  v2: () => new EventRegistry([TaskCreatedV2]),
  v3: () => new EventRegistry([TaskCreatedV3]),
};
