import type { PreparedAppend } from '../../core/append-input.js';
import {
  AppendConditionError,
  EventIdConflictError,
  UnsupportedWriteError,
} from '../../core/errors.js';
import type { AppendResult } from '../../core/event-store.js';
import { eventMatchesQuery } from '../../core/event-query.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import {
  resolveReplayedUnit,
  resolveStoredIds,
  type StoredEventRef,
} from '../../core/idempotency.js';
import { encodePosition } from '../../core/position.js';
import type { DecodedCondition, WriteUnit } from '../kernel/event-store-driver.js';
import type { NatsStreamHandle } from './nats-connection.js';
import { natsError } from './nats-errors.js';
import type { NatsIdIndex } from './nats-id-index.js';
import type { NatsCursor } from './nats-positions.js';
import {
  encodeEventList,
  encodeEvents,
  encodeState,
  rowsOf,
  type NatsStoredMessage,
  type NatsStreamState,
} from './nats-rows.js';
import {
  assertNotTombstoned,
  headOf,
  visibleVersion,
  type NatsStreamHead,
} from './nats-stream-state.js';

/** How many times a write is tried again after another writer got in first. */
const MAX_ATTEMPTS = 1000;

/** Room kept in a message for the stream state and headers beside the events. */
const PAYLOAD_HEADROOM = 64 * 1024;

/** JetStream's "wrong last sequence" error codes (an expected sequence did not hold). */
const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);

/** Whether a publish failed because an expected last sequence did not hold. */
function isWrongLastSequence(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && WRONG_LAST_SEQUENCE.has(code);
}

/** A short pause, longer each attempt, with jitter, before a contended write tries again. */
function backoff(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve();
  const ms = Math.min(50, 2 ** Math.min(attempt, 6)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The writes of the NATS store. Every write to a stream publishes one message
 * on the stream's subject expecting the sequence of the subject's last message
 * (`Nats-Expected-Last-Subject-Sequence`, 0 for a stream with no message), so
 * JetStream itself refuses a write that another one overtook; the write is
 * then checked again against the new state and published again, which is
 * always safe because nothing of it was stored.
 */
export class NatsWriter {
  constructor(
    readonly handle: NatsStreamHandle,
    readonly index: NatsIdIndex,
  ) {}

  /** The head of one stream now. */
  async headOf(streamId: string): Promise<NatsStreamHead> {
    return headOf(await this.handle.lastOf(this.handle.subjects.ofStream(streamId)));
  }

  /**
   * Writes one unit: an append (one entry) or a single-stream `appendMany`.
   * A unit over several streams is an {@link UnsupportedWriteError}.
   */
  async writeUnit(unit: WriteUnit<NatsCursor>): Promise<AppendResult[]> {
    if (unit.entries.length === 1)
      return [await this.append(unit.entries[0] as PreparedAppend, unit.condition)];
    // Check what can be checked, so a write that would fail anyway fails for its own reason.
    const heads = await Promise.all(unit.entries.map((entry) => this.headOf(entry.streamId)));
    unit.entries.forEach((entry, k) => {
      const { state } = heads[k] as NatsStreamHead;
      assertNotTombstoned(entry.streamId, state);
      checkExpectedVersion(entry.streamId, entry.expectedVersion, visibleVersion(state));
    });
    const { condition } = unit;
    if (
      condition !== undefined &&
      (await this.#matches(condition, condition.after, await this.handle.lastSeq()))
    )
      throw new AppendConditionError(
        unit.entries.map((e) => e.streamId),
        condition.position,
      );
    throw new UnsupportedWriteError(
      `The NATS store cannot append to ${unit.entries.length} streams atomically (a JetStream message has one subject, and JetStream before 2.12 has no atomic batch): nothing was written; append to each stream on its own`,
    );
  }

  /** Appends one stream's events, checked against the stream as stored. */
  async append(
    entry: PreparedAppend,
    condition?: DecodedCondition<NatsCursor>,
  ): Promise<AppendResult> {
    const { streamId, events } = entry;
    const subject = this.handle.subjects.ofStream(streamId);
    let msgID = entry.hasProvidedIds ? events.find((e) => e.idProvided)?.id : undefined;
    let checkedTo: number | undefined;
    const list = encodeEventList(events);
    const parts = await this.#parts(list);
    for (let attempt = 0; ; attempt++) {
      await backoff(attempt);
      const head = await this.headOf(streamId);
      assertNotTombstoned(streamId, head.state);
      const actual = visibleVersion(head.state);
      if (entry.hasProvidedIds) {
        const ids = events.filter((e) => e.idProvided).map((e) => e.id);
        const replay = this.#replay(entry, await this.index.lookup(ids), actual);
        if (replay !== undefined) return replay;
      }
      checkExpectedVersion(streamId, entry.expectedVersion, actual);
      let lastSequence: number | undefined;
      if (condition !== undefined) {
        lastSequence = await this.handle.lastSeq();
        const from =
          checkedTo === undefined
            ? condition.after
            : ([checkedTo, Number.MAX_SAFE_INTEGER] as const);
        if (await this.#matches(condition, from, lastSequence))
          throw new AppendConditionError([streamId], condition.position);
        checkedTo = lastSequence;
      }
      const state: NatsStreamState = { ...head.state, v: head.state.v + events.length, lt: null };
      let ack;
      try {
        ack = await this.handle.js.publish(subject, encodeEvents(streamId, state, list, parts), {
          expect:
            lastSequence === undefined
              ? { lastSubjectSequence: head.seq }
              : { lastSubjectSequence: head.seq, lastSequence },
          ...(msgID === undefined ? {} : { msgID }),
        });
      } catch (error) {
        if (isWrongLastSequence(error) && attempt < MAX_ATTEMPTS) continue;
        throw natsError('appending', error);
      }
      if (ack.duplicate) {
        await this.handle.refreshRemovals();
        const original = await this.handle.at(ack.seq);
        // The copy's original was removed by a scavenge (its ids are forgotten): write it anew.
        if (original === undefined || !rowsOf(original).some((row) => row.id === msgID)) {
          msgID = undefined;
          continue;
        }
        return this.#duplicate(entry, original);
      }
      return { streamId, version: state.v, position: encodePosition(ack.seq, events.length - 1) };
    }
  }

  /**
   * Publishes a state change of a stream (a delete, a truncation, metadata):
   * `decide` reads the stream's head and returns its new state, or `undefined`
   * to write nothing (it may throw). Resolves to the head it decided on.
   */
  async writeState(
    streamId: string,
    decide: (head: NatsStreamHead) => NatsStreamState | undefined,
  ): Promise<NatsStreamHead> {
    const subject = this.handle.subjects.ofStream(streamId);
    for (let attempt = 0; ; attempt++) {
      await backoff(attempt);
      const head = await this.headOf(streamId);
      const next = decide(head);
      if (next === undefined) return head;
      try {
        await this.handle.js.publish(subject, encodeState(streamId, next), {
          expect: { lastSubjectSequence: head.seq },
        });
        return head;
      } catch (error) {
        if (isWrongLastSequence(error) && attempt < MAX_ATTEMPTS) continue;
        throw natsError('changing a stream', error);
      }
    }
  }

  /**
   * Publishes the events of an append too large for one message (beyond the
   * server's `max_payload`, less room for the stream state) as parts on
   * subjects of their own, outside every stream's subject; the append's
   * message then lists them. Parts of an append that fails stay unreferenced.
   */
  async #parts(list: Uint8Array): Promise<{ subject: string; seqs: number[] } | undefined> {
    const max = this.handle.maxPayload;
    if (list.length <= max - PAYLOAD_HEADROOM) return undefined;
    const size = max - 4096;
    const subject = this.handle.subjects.chunk(crypto.randomUUID());
    const acks = [];
    for (let offset = 0; offset < list.length; offset += size)
      acks.push(this.handle.js.publish(subject, list.subarray(offset, offset + size)));
    try {
      return { subject, seqs: (await Promise.all(acks)).map((ack) => ack.seq) };
    } catch (error) {
      throw natsError('appending a large append', error);
    }
  }

  /** The original result of an idempotent retry, a conflict, or `undefined` (no id stored). */
  #replay(
    entry: PreparedAppend,
    refs: readonly StoredEventRef[],
    actual: number,
  ): AppendResult | undefined {
    const replayed = resolveReplayedUnit(
      [entry],
      [resolveStoredIds(entry, refs, actual)],
      [actual],
    );
    return replayed?.[0];
  }

  /** JetStream dropped the message as a copy of the one at `seq` (same first id, within its duplicate window). */
  async #duplicate(entry: PreparedAppend, message: NatsStoredMessage): Promise<AppendResult> {
    const ids = new Set(entry.events.map((e) => e.id));
    const refs = rowsOf(message).filter((row) => ids.has(row.id));
    const head = await this.headOf(entry.streamId);
    const actual = visibleVersion(head.state);
    const replay = this.#replay(entry, refs, actual);
    if (replay !== undefined) return replay;
    // The copy's first id is stored, but not as a part of this append.
    throw new EventIdConflictError(entry.streamId, entry.expectedVersion, actual, [...ids]);
  }

  /** Whether an event matching the condition's query lies after `after`, up to sequence `to`. */
  async #matches(
    condition: DecodedCondition<NatsCursor>,
    after: NatsCursor | undefined,
    to: number,
  ): Promise<boolean> {
    const [seq, index] = after ?? [0, -1];
    await this.handle.refreshRemovals();
    for await (const message of this.handle.scan(this.handle.subjects.all, Math.max(seq, 1), to)) {
      for (const row of rowsOf(message, message.seq === seq ? index + 1 : 0))
        if (eventMatchesQuery(condition.query, row.type, row.tags)) return true;
    }
    return false;
  }
}
