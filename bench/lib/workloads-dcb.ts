import type { LatencyRecorder } from './latency.js';
import { NotSupportedError } from './support.js';
import type { BenchEvent, BenchQuery, DcbSession, TargetSession } from './targets.js';
import { freshPerRun, size, type WorkloadSpec } from './workloads.js';

/**
 * The DCB workloads: the course-subscription domain of dcb.events, decided the way the
 * Python `eventsourcing` project's DCB "speedrun" does it: every operation reads the
 * events its decision depends on by query, decides, then appends with a condition at
 * the read's position (so a concurrent change fails the append instead of breaking a rule).
 */

const COURSE_CAPACITY = 10;
const STUDENT_MAX_COURSES = 3;

const course = (id: string) => `course:${id}`;
const student = (id: string) => `student:${id}`;

/** The DCB operations of one writer, each a read by query then a conditional append. */
class Decisions {
  /** Appends whose condition failed (a concurrent writer changed what the decision read). */
  retries = 0;

  constructor(
    private readonly dcb: DcbSession,
    private readonly ops: LatencyRecorder,
  ) {}

  /** Defines a course (rule: the id is not taken). */
  defineCourse(id: string): Promise<void> {
    const query: BenchQuery = { items: [{ types: ['CourseDefined'], tags: [course(id)] }] };
    return this.#decide(`Course-${id}`, query, (events) => {
      if (events.length > 0) throw new Error(`course ${id} already defined`);
      return {
        type: 'CourseDefined',
        data: { courseId: id, capacity: COURSE_CAPACITY },
        tags: [course(id)],
      };
    });
  }

  /** Registers a student (rule: the id is not taken). */
  registerStudent(id: string): Promise<void> {
    const query: BenchQuery = { items: [{ types: ['StudentRegistered'], tags: [student(id)] }] };
    return this.#decide(`Student-${id}`, query, (events) => {
      if (events.length > 0) throw new Error(`student ${id} already registered`);
      return {
        type: 'StudentRegistered',
        data: { studentId: id, maxCourses: STUDENT_MAX_COURSES },
        tags: [student(id)],
      };
    });
  }

  /** Subscribes a student to a course (rules: both exist, not yet subscribed, course not full, student below the limit). */
  subscribe(studentId: string, courseId: string): Promise<void> {
    const query: BenchQuery = {
      items: [
        { types: ['CourseDefined', 'StudentSubscribed'], tags: [course(courseId)] },
        { types: ['StudentRegistered', 'StudentSubscribed'], tags: [student(studentId)] },
      ],
    };
    return this.#decide(`Student-${studentId}`, query, (events) => {
      let defined = false;
      let registered = false;
      let inCourse = 0;
      let ofStudent = 0;
      for (const e of events) {
        const tags = e.tags ?? [];
        if (e.type === 'CourseDefined') defined = true;
        else if (e.type === 'StudentRegistered') registered = true;
        else {
          if (tags.includes(course(courseId))) inCourse++;
          if (tags.includes(student(studentId))) ofStudent++;
          if (tags.includes(course(courseId)) && tags.includes(student(studentId)))
            throw new Error(`${studentId} already subscribed to ${courseId}`);
        }
      }
      if (!defined || !registered)
        throw new Error(`unknown course ${courseId} or student ${studentId}`);
      if (inCourse >= COURSE_CAPACITY) throw new Error(`course ${courseId} is full`);
      if (ofStudent >= STUDENT_MAX_COURSES)
        throw new Error(`student ${studentId} has enough courses`);
      return {
        type: 'StudentSubscribed',
        data: { courseId, studentId },
        tags: [course(courseId), student(studentId)],
      };
    });
  }

  /** Reads, decides and appends with a condition; reads and decides again when the condition failed. */
  #decide(
    streamId: string,
    query: BenchQuery,
    decide: (events: readonly BenchEvent[]) => BenchEvent,
  ): Promise<void> {
    return this.ops.time(async () => {
      for (;;) {
        const { events, position } = await this.dcb.read(query);
        if (await this.dcb.appendIf(streamId, [decide(events)], query, position)) return;
        this.retries++;
      }
    });
  }
}

/**
 * One writer's share of the speedrun: `courses` courses, `students` students and
 * `subscriptions` subscriptions, every course and student id prefixed by `prefix`.
 * Each student takes consecutive courses, so no course goes over its capacity when
 * `subscriptions <= courses × capacity` and no student over its limit when
 * `subscriptions <= students × limit`.
 */
async function speedrun(d: Decisions, prefix: string, shape: SpeedrunShape): Promise<void> {
  for (let c = 0; c < shape.courses; c++) await d.defineCourse(`${prefix}c${c}`);
  for (let s = 0; s < shape.students; s++) await d.registerStudent(`${prefix}s${s}`);
  for (let i = 0; i < shape.subscriptions; i++) {
    await d.subscribe(`${prefix}s${Math.floor(i / 2)}`, `${prefix}c${i % shape.courses}`);
  }
}

/** How many of each operation one writer of the speedrun runs. */
export interface SpeedrunShape {
  readonly courses: number;
  readonly students: number;
  readonly subscriptions: number;
}

/** The speedrun's shape for `subscriptions` subscriptions (two per student, ten per course). */
export function speedrunShape(subscriptions: number): SpeedrunShape {
  return {
    courses: Math.max(2, Math.ceil(subscriptions / COURSE_CAPACITY)),
    students: Math.ceil(subscriptions / 2),
    subscriptions,
  };
}

/** The operations of one writer of a speedrun of this shape. */
export const operations = (shape: SpeedrunShape): number =>
  shape.courses + shape.students + shape.subscriptions;

function dcbOf(s: TargetSession): DcbSession {
  if (s.dcb === undefined) throw new NotSupportedError('reading by query and conditional appends');
  return s.dcb;
}

/** DCB-1 (sequential) and DCB-16 (16 concurrent writers). */
export const DCB_WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'DCB-1',
    title:
      'DCB speedrun: sequential decisions (read by query, then append with a condition at its position)',
    write: true,
    build: (t, scale, ops) => {
      const shape = speedrunShape(size(2_000, scale));
      return freshPerRun(t, 'DCB-1', operations(shape), async (s) => {
        const d = new Decisions(dcbOf(s), ops);
        await speedrun(d, '', shape);
        if (d.retries > 0) throw new Error(`a lone writer's condition failed ${d.retries} times`);
      });
    },
  },
  {
    id: 'DCB-16',
    title: 'DCB: 16 concurrent conditional writers, each on its own courses and students',
    write: true,
    oneWriter: 'DCB-1',
    build: (t, scale, ops) => {
      const shape = speedrunShape(size(125, scale));
      return freshPerRun(t, 'DCB-16', 16 * operations(shape), async (s) => {
        const dcb = dcbOf(s);
        await Promise.all(
          Array.from({ length: 16 }, (_, w) => speedrun(new Decisions(dcb, ops), `w${w}-`, shape)),
        );
      });
    },
  },
];
