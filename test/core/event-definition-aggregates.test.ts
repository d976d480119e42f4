/**
 * Issue 12, points 1 and 2 seen from the aggregates: creators of transforming
 * schemas type-check in deciders, command handlers and `raise`, and the
 * events a save stamps with metadata are still validated without a registry.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineEvent,
  EventRegistry,
  InMemoryEventStore,
  ValidationError,
  type EventInputOf,
  type EventOf,
} from '../../src/index.js';
import {
  Aggregate,
  AggregateRepository,
  CommandHandler,
  fromDecider,
  withEventContext,
  type Decider,
  type EventHandlers,
} from '../../src/aggregates/index.js';
import { rejection } from '../support/rejection.js';

const MeetingScheduled = defineEvent(
  'MeetingScheduled',
  z.object({ at: z.iso.datetime().transform((s) => new Date(s)) }),
);
const MeetingCancelled = defineEvent('MeetingCancelled');

/** Raised events carry the input (a string); events loaded through a registry the output (a Date). */
type MeetingEvent =
  | EventInputOf<typeof MeetingScheduled>
  | EventOf<typeof MeetingScheduled>
  | EventOf<typeof MeetingCancelled>;
interface MeetingState {
  readonly at: number | undefined;
}
type MeetingCommand = { type: 'Schedule'; at: string } | { type: 'Cancel' };

const time = (at: string | Date): number => new Date(at).getTime();

const meetingDecider: Decider<MeetingCommand, MeetingEvent, MeetingState> = {
  initialState: { at: undefined },
  evolve: (state, event) => {
    switch (event.type) {
      case 'MeetingScheduled':
        expectTypeOf(event.data.at).toEqualTypeOf<string | Date>();
        return { at: time(event.data.at) };
      case 'MeetingCancelled':
        return { at: undefined };
    }
  },
  decide: (command) =>
    command.type === 'Schedule' ? [MeetingScheduled({ at: command.at })] : MeetingCancelled(),
};

class Meeting extends Aggregate<MeetingEvent, MeetingState> {
  static readonly type = 'Meeting';
  protected initialState(): MeetingState {
    return { at: undefined };
  }
  protected readonly handlers: EventHandlers<MeetingEvent, MeetingState> = {
    MeetingScheduled: (_state, event) => ({ at: time(event.data.at) }),
    MeetingCancelled: () => ({ at: undefined }),
  };
  schedule(at: string): void {
    this.raise(MeetingScheduled({ at }));
  }
}

describe('aggregates with creators of transforming schemas', () => {
  it('decide, raise and command handlers accept the creators, and reload through a registry', async () => {
    const store = new InMemoryEventStore({
      registry: new EventRegistry([MeetingScheduled, MeetingCancelled]),
    });
    const meetings = new AggregateRepository(store, fromDecider('Meeting', meetingDecider));
    const handler = CommandHandler.forDecider(meetings);
    await handler.handle('1', { type: 'Schedule', at: '2031-01-02T03:04:05.000Z' });
    const loaded = await meetings.load('1');
    expect(loaded?.state.at).toBe(Date.UTC(2031, 0, 2, 3, 4, 5));

    const classes = new AggregateRepository(store, Meeting);
    const byClass = await classes.loadOrCreate('2');
    byClass.schedule('2032-01-01T00:00:00.000Z');
    await classes.save(byClass);
    const [stored] = (await store.read<EventOf<typeof MeetingScheduled>>('Meeting-2')).events;
    expect(stored?.data.at).toBeInstanceOf(Date);
  });

  it('validates events a save stamped with metadata, without a registry', async () => {
    const store = new InMemoryEventStore();
    const handler = CommandHandler.forDecider(
      new AggregateRepository(store, fromDecider('Meeting', meetingDecider)),
    );
    const error = await rejection(
      handler.handle('1', { type: 'Schedule', at: 'tomorrow' }, { correlationId: 'req-1' }),
    );
    expect(ValidationError.is(error)).toBe(true);
    expect((error as ValidationError).issues[0]?.path).toEqual(['at']);
    expect(await store.getVersion('Meeting-1')).toBe(0);
    const [stamped] = withEventContext([MeetingScheduled({ at: 'later' })], {
      correlationId: 'req-2',
    });
    expect(stamped).toStrictEqual({
      type: 'MeetingScheduled',
      data: { at: 'later' },
      metadata: { correlationId: 'req-2' },
    });
    const refused = await rejection(
      store.append('Meeting-1', stamped === undefined ? [] : [stamped]),
    );
    expect(ValidationError.is(refused)).toBe(true);
  });
});
