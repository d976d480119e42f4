/**
 * Course subscriptions decided across streams (dynamic consistency boundaries): a course
 * takes at most `capacity` students and a student at most three courses. Each decision reads
 * the events of the course and of the student with one query, and records the subscription
 * with one conditional append; racing subscriptions are refused, then decided again.
 *
 * Run: `npx tsx examples/courses.ts [store-url]` (default `memory:`).
 */
import { pathToFileURL } from 'node:url';
import {
  AppendConditionError,
  createEventStore,
  defineEvent,
  payload,
  type EventOf,
  type EventQuery,
  type EventStore,
} from '../src/index.js';

export const CourseDefined = defineEvent(
  'CourseDefined',
  payload<{ courseId: string; capacity: number }>(),
);
export const StudentSubscribed = defineEvent(
  'StudentSubscribed',
  payload<{ courseId: string; studentId: string }>(),
);
export const StudentUnsubscribed = defineEvent(
  'StudentUnsubscribed',
  payload<{ courseId: string; studentId: string }>(),
);
type CourseEvent =
  | EventOf<typeof CourseDefined>
  | EventOf<typeof StudentSubscribed>
  | EventOf<typeof StudentUnsubscribed>;

/** The most courses one student may take. */
export const MAX_COURSES_PER_STUDENT = 3;

const courseTag = (courseId: string) => `course:${courseId}`;
const studentTag = (studentId: string) => `student:${studentId}`;

/** What a subscription decision depends on: the course, and the student's subscriptions. */
export function subscriptionQuery(studentId: string, courseId: string): EventQuery {
  return {
    items: [
      {
        types: ['CourseDefined', 'StudentSubscribed', 'StudentUnsubscribed'],
        tags: [courseTag(courseId)],
      },
      { types: ['StudentSubscribed', 'StudentUnsubscribed'], tags: [studentTag(studentId)] },
    ],
  };
}

/** The state a subscription decision needs, folded from the query's events. */
interface SubscriptionState {
  capacity: number | undefined;
  subscribers: Set<string>;
  coursesOfStudent: Set<string>;
}

function fold(
  events: readonly CourseEvent[],
  studentId: string,
  courseId: string,
): SubscriptionState {
  const state: SubscriptionState = {
    capacity: undefined,
    subscribers: new Set(),
    coursesOfStudent: new Set(),
  };
  for (const event of events) {
    if (event.type === 'CourseDefined') {
      state.capacity = event.data.capacity;
      continue;
    }
    const subscribed = event.type === 'StudentSubscribed';
    if (event.data.courseId === courseId) {
      if (subscribed) state.subscribers.add(event.data.studentId);
      else state.subscribers.delete(event.data.studentId);
    }
    if (event.data.studentId === studentId) {
      if (subscribed) state.coursesOfStudent.add(event.data.courseId);
      else state.coursesOfStudent.delete(event.data.courseId);
    }
  }
  return state;
}

/** Why a subscription was refused by the rules (a stale read is not one: it is decided again). */
export type Refusal =
  'no such course' | 'already subscribed' | 'course is full' | 'too many courses';

/** The pure decision: `undefined` to subscribe, or the rule that refuses it. */
function decide(state: SubscriptionState, studentId: string): Refusal | undefined {
  if (state.capacity === undefined) return 'no such course';
  if (state.subscribers.has(studentId)) return 'already subscribed';
  if (state.subscribers.size >= state.capacity) return 'course is full';
  if (state.coursesOfStudent.size >= MAX_COURSES_PER_STUDENT) return 'too many courses';
  return undefined;
}

/**
 * Subscribes `studentId` to `courseId`: one query, one decision, one conditional append.
 * With `retry: false` a stale read ends in `'stale'` (the `AppendConditionError`); by default
 * it reads and decides again.
 */
export async function subscribe(
  store: EventStore,
  studentId: string,
  courseId: string,
  { retry = true }: { retry?: boolean } = {},
): Promise<'subscribed' | 'stale' | Refusal> {
  for (;;) {
    const query = subscriptionQuery(studentId, courseId);
    const { events, position } = await store.readByQuery<CourseEvent>(query);
    const refusal = decide(fold(events, studentId, courseId), studentId);
    if (refusal !== undefined) return refusal;
    try {
      await store.append(
        `Course-${courseId}`,
        [
          StudentSubscribed(
            { courseId, studentId },
            { tags: [courseTag(courseId), studentTag(studentId)] },
          ),
        ],
        { condition: { failIfEventsMatch: query, after: position } },
      );
      return 'subscribed';
    } catch (error) {
      if (!AppendConditionError.is(error)) throw error;
      if (!retry) return 'stale';
    }
  }
}

/** Unsubscribes a student (kept short: it does not check that the student was subscribed). */
export async function unsubscribe(
  store: EventStore,
  studentId: string,
  courseId: string,
): Promise<void> {
  await store.append(`Course-${courseId}`, [
    StudentUnsubscribed(
      { courseId, studentId },
      { tags: [courseTag(courseId), studentTag(studentId)] },
    ),
  ]);
}

/** Defines a course with its capacity. */
export async function defineCourse(
  store: EventStore,
  courseId: string,
  capacity: number,
): Promise<void> {
  await store.append(
    `Course-${courseId}`,
    [CourseDefined({ courseId, capacity }, { tags: [courseTag(courseId)] })],
    {
      expectedVersion: 'no_stream',
    },
  );
}

const count = (answers: readonly string[], answer: string) =>
  answers.filter((a) => a === answer).length;

/** Runs the demo against the store at `url`, printing through `print`. */
export async function main(
  url = 'memory:',
  print: (line: string) => void = console.log,
): Promise<void> {
  const store = await createEventStore(url);
  try {
    // A run of its own, so a durable store can run the demo again.
    const run = crypto.randomUUID().slice(0, 8);
    const c = (name: string) => `${run}-${name}`;
    for (const [name, capacity] of [
      ['race', 2],
      ['retry', 2],
      ['a', 10],
      ['b', 10],
      ['d', 10],
      ['e', 10],
    ] as const)
      await defineCourse(store, c(name), capacity);

    print('=== Five students race for a course of 2 seats, without retrying ===');
    const raced = await Promise.all(
      ['s1', 's2', 's3', 's4', 's5'].map((s) =>
        subscribe(store, `${run}-${s}`, c('race'), { retry: false }),
      ),
    );
    print(`Subscribed: ${count(raced, 'subscribed')}, refused as stale: ${count(raced, 'stale')}`);

    print('\n=== The same race, deciding again after a refusal ===');
    const retried = await Promise.all(
      ['s1', 's2', 's3', 's4', 's5'].map((s) => subscribe(store, `${run}-${s}`, c('retry'))),
    );
    print(
      `Subscribed: ${count(retried, 'subscribed')}, course is full: ${count(retried, 'course is full')}`,
    );

    print('\n=== A student takes at most 3 courses ===');
    const student = `${run}-s9`;
    const answers: string[] = [];
    for (const name of ['a', 'b', 'd', 'e'])
      answers.push(`${name}: ${await subscribe(store, student, c(name))}`);
    print(answers.join(', '));

    print("\n=== Leaving a course frees a place in the student's list ===");
    await unsubscribe(store, student, c('a'));
    print(`e: ${await subscribe(store, student, c('e'))}`);

    const seats = await store.readByQuery({
      items: [{ types: ['StudentSubscribed'], tags: [courseTag(c('race'))] }],
    });
    print(`\nSeats taken in the raced course: ${seats.events.length} of 2`);
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
