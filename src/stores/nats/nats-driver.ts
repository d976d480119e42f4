import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import type { StreamSummary } from '../../core/event-store.js';
import { eventMatchesQuery, type NormalizedQuery } from '../../core/event-query.js';
import type { RecordedEvent } from '../../core/events.js';
import { compareCodePoints, type NormalizedListStreamsOptions } from '../../core/list-streams.js';
import type { PersonalDataCipher } from '../../core/personal-data.js';
import { encodePosition, type Position } from '../../core/position.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import { toRecordedEvents } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import {
  scavengeBelow,
  streamDeletedAppend,
  type DeleteStreamResult,
  type PreparedDeletion,
} from '../../core/stream-deletion.js';
import { checkMetadataVersion, type PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type {
  EventStoreDriver,
  FeedFilterQuery,
  GroupLimits,
  QueryReadSlice,
  StoredStreamMetadata,
  StreamSlice,
  WriteOutcome,
  WriteUnit,
} from '../kernel/event-store-driver.js';
import { NatsWriter } from './nats-append.js';
import type { NatsStreamHandle } from './nats-connection.js';
import { natsError } from './nats-errors.js';
import { feedQuery } from './nats-feed-query.js';
import type { NatsIdIndex } from './nats-id-index.js';
import { NATS_CAPABILITIES, natsPositions, type NatsCursor } from './nats-positions.js';
import { firstVersionOf, rowsOf, type NatsRow, type NatsStoredMessage } from './nats-rows.js';
import {
  assertNotTombstoned,
  headOf,
  nextState,
  visibilityOf,
  visibleVersion,
} from './nats-stream-state.js';

/** What the driver needs besides the stream. */
export interface NatsDriverSettings {
  readonly registry: EventRegistry | undefined;
  readonly personalData: PersonalDataCipher | undefined;
  /** Creates or checks the stream and the id bucket (once). */
  readonly ready: () => Promise<void>;
  /** Releases what the store owns (its connection) after the driver closed. */
  readonly release: () => Promise<void>;
}

/**
 * The NATS JetStream driver: one message per append on the stream's own
 * subject, positions from the stream sequence, reads by direct gets and
 * ordered consumers (see {@link NatsWriter} for the write path).
 */
export class NatsDriver implements EventStoreDriver<NatsCursor> {
  readonly capabilities = NATS_CAPABILITIES;
  readonly positions = natsPositions;
  readonly synchronousCommit = false;
  readonly groupLimits: GroupLimits = { maxCommitsInFlight: 4 };
  readonly #handle: NatsStreamHandle;
  readonly #writer: NatsWriter;
  readonly #settings: NatsDriverSettings;
  readonly #signal = new AppendSignal();
  #listeners = 0;
  #subscription: { unsubscribe(): void } | undefined;

  constructor(handle: NatsStreamHandle, index: NatsIdIndex, settings: NatsDriverSettings) {
    this.#handle = handle;
    this.#writer = new NatsWriter(handle, index);
    this.#settings = settings;
  }

  /** Writes the units, those of distinct streams at once, those of one stream in order. */
  async commit(units: readonly WriteUnit<NatsCursor>[]): Promise<readonly WriteOutcome[]> {
    await this.#settings.ready();
    const chains = new Map<string, Promise<unknown>>();
    const outcomes = units.map((unit) => {
      const key = unit.entries[0]?.streamId ?? '';
      const previous = chains.get(key) ?? Promise.resolve();
      const outcome: Promise<WriteOutcome> = previous.then(() =>
        this.#writer.writeUnit(unit).then(
          (results) => ({ ok: true, results }),
          (error: unknown) => ({ ok: false, error }),
        ),
      );
      chains.set(key, outcome);
      return outcome;
    });
    // Listeners hear the appends through the core NATS subscription (this process's too).
    return Promise.all(outcomes);
  }

  async readByQuery(
    query: NormalizedQuery,
    after: NatsCursor | undefined,
    limit: number | undefined,
  ): Promise<QueryReadSlice> {
    await this.#settings.ready();
    const head = await this.#handle.lastSeq();
    await this.#handle.refreshRemovals();
    const max = limit ?? Number.POSITIVE_INFINITY;
    const rows: NatsRow[] = [];
    let seen: Position | undefined;
    if (max > 0) {
      for await (const row of this.#rowsAfter(this.#handle.subjects.all, after, head)) {
        if (row.seq > head) break;
        seen = row.position;
        if (!eventMatchesQuery(query, row.type, row.tags)) continue;
        rows.push(row);
        if (rows.length >= max) break;
      }
    }
    if (rows.length < max) seen = await this.#positionAtOrBefore(head, after);
    const events = await toRecordedEvents(
      rows,
      this.#settings.registry,
      this.#settings.personalData,
    );
    return { events, position: seen };
  }

  async readStream(streamId: string, range: NormalizedReadOptions): Promise<StreamSlice> {
    await this.#settings.ready();
    const subject = this.#handle.subjects.ofStream(streamId);
    const last = await this.#handle.lastOf(subject);
    const { state } = headOf(last);
    assertNotTombstoned(streamId, state);
    if (last === undefined || state.v === 0) return { version: 0, events: [] };
    const messages: NatsStoredMessage[] = [];
    for await (const message of this.#handle.scan(subject, 1, last.seq)) messages.push(message);
    const visible = visibilityOf(state, messages);
    const rows: NatsRow[] = [];
    for (const message of messages)
      for (const row of rowsOf(message)) if (row.version >= visible.start) rows.push(row);
    const { from, backward, limit } = range;
    let selected: NatsRow[];
    if (backward) {
      const top = Math.min(from ?? state.v, state.v);
      const below = rows.filter((r) => r.version <= top).reverse();
      selected = limit === Number.POSITIVE_INFINITY ? below : below.slice(0, limit);
    } else {
      const start = from ?? 1;
      const above = rows.filter((r) => r.version >= start);
      selected = limit === Number.POSITIVE_INFINITY ? above : above.slice(0, limit);
    }
    return {
      version: visible.version,
      events: toRecordedEvents(selected, this.#settings.registry, this.#settings.personalData),
    };
  }

  async deleteStream(deletion: PreparedDeletion): Promise<DeleteStreamResult> {
    await this.#settings.ready();
    const { streamId, expectedVersion, hard } = deletion;
    const head = await this.#writer.writeState(streamId, (h) => {
      assertNotTombstoned(streamId, h.state);
      const visible = visibleVersion(h.state);
      checkExpectedVersion(streamId, expectedVersion, visible);
      if (!hard && visible === 0) return undefined;
      return nextState(h, hard ? { h: true } : { d: h.state.v });
    });
    const last = head.state.v;
    if (!hard && visibleVersion(head.state) === 0)
      return { streamId, version: last, position: undefined };
    const { position } = await this.#writer.append(streamDeletedAppend(streamId, last, hard));
    return { streamId, version: last, position };
  }

  async truncateStream(streamId: string, before: number): Promise<void> {
    await this.#settings.ready();
    await this.#writer.writeState(streamId, (h) => {
      assertNotTombstoned(streamId, h.state);
      const t = Math.max(h.state.t ?? 1, before);
      return t === h.state.t ? undefined : nextState(h, { t });
    });
  }

  async getStreamMetadata(streamId: string): Promise<StoredStreamMetadata> {
    await this.#settings.ready();
    const { state } = await this.#writer.headOf(streamId);
    assertNotTombstoned(streamId, state);
    return { json: state.m, version: state.mv };
  }

  async setStreamMetadata(metadata: PreparedStreamMetadata): Promise<number> {
    await this.#settings.ready();
    const { streamId } = metadata;
    const head = await this.#writer.writeState(streamId, (h) => {
      assertNotTombstoned(streamId, h.state);
      checkMetadataVersion(streamId, metadata.expectedMetadataVersion, h.state.mv);
      return nextState(h, {
        m: metadata.json,
        mv: h.state.mv + 1,
        ma: metadata.maxAge,
        mc: metadata.maxCount,
      });
    });
    return head.state.mv + 1;
  }

  /**
   * Reads every stream's subject (JetStream's per-subject counts) and the
   * state of each one after `after`, until `limit` need cleaning: a cost in
   * the number of streams.
   */
  async scavengeTargets(after: string | undefined, limit: number): Promise<string[]> {
    await this.#settings.ready();
    const ids = (await this.#streamIds(this.#handle.subjects.all)).filter(
      (id) => after === undefined || compareCodePoints(id, after) > 0,
    );
    const targets: string[] = [];
    for (const id of ids) {
      const { state } = await this.#writer.headOf(id);
      if (state.h || state.d !== null || state.t !== null || state.ma !== null || state.mc !== null)
        targets.push(id);
      if (targets.length >= limit) break;
    }
    return targets;
  }

  /**
   * Removes the stream's lowest events that `scavengeBelow` gives: messages
   * whose events all go are purged (with the parts of a large append and the
   * records below), never the subject's last message (it holds the stream's
   * state and its tombstone) nor the feed's last event; a message of which only
   * the first events go gets a record (`<stream>.r.<sequence>`: how many) that
   * every reader of the feed applies. Their ids leave the id index.
   */
  async scavengeChunk(streamId: string, limit: number): Promise<ScavengeChunk> {
    await this.#settings.ready();
    const handle = this.#handle;
    await handle.refreshRemovals();
    const subject = handle.subjects.ofStream(streamId);
    const last = await handle.lastOf(subject);
    if (last === undefined) return { removed: 0, tombstoned: false };
    const { state } = headOf(last);
    const head = await this.#positionAtOrBefore(await handle.lastSeq(), undefined);
    const headSeq = head === undefined ? 0 : natsPositions.decode(head)[0];
    const messages: NatsStoredMessage[] = [];
    for await (const message of handle.scan(subject, 1, last.seq)) messages.push(message);
    const visible = visibilityOf(state, messages);
    const below = scavengeBelow(state.v, state.d, state.h, visible.start);
    let removed = 0;
    let purgeTo: number | undefined;
    let record: { seq: number; count: number } | undefined;
    const purged: NatsStoredMessage[] = [];
    const ids: string[] = [];
    for (const message of messages) {
      const { body, seq } = message;
      if (body.e.length === 0) continue;
      const length = body.e.length;
      let count = Math.min(Math.max(below - firstVersionOf(body), 0), length);
      if (seq === headSeq) count = Math.min(count, length - 1);
      const newly = count - message.removed;
      if (newly <= 0 || (removed > 0 && removed + newly > limit)) break;
      removed += newly;
      for (let i = message.removed; i < count; i++) ids.push((body.e[i] as { i: string }).i);
      if (count === length && seq !== last.seq) {
        purgeTo = seq + 1;
        purged.push(message);
        continue;
      }
      record = { seq, count };
      break;
    }
    if (removed === 0) return { removed: 0, tombstoned: state.h };
    // The index first learns every event up to here, so that no later catch-up brings these ids back.
    await this.#writer.index.forget(ids);
    const jsm = await handle.manager();
    try {
      if (record !== undefined) {
        await handle.js.publish(
          handle.subjects.removal(record.seq),
          JSON.stringify({ q: record.seq, n: record.count }),
        );
        handle.removals.set(record.seq, record.count);
      }
      if (purgeTo !== undefined)
        await jsm.streams.purge(handle.name, { filter: subject, seq: purgeTo });
      for (const message of purged) {
        if (message.body.ks !== undefined)
          await jsm.streams.purge(handle.name, { filter: message.body.ks });
        if (handle.removals.delete(message.seq))
          await jsm.streams.purge(handle.name, { filter: handle.subjects.removal(message.seq) });
      }
    } catch (error) {
      throw natsError('removing scavenged events', error);
    }
    return { removed, tombstoned: state.h };
  }

  /** JetStream gives purged space back itself. */
  finishScavenge(): void {}

  async readFeed(
    after: NatsCursor | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): Promise<RecordedEvent[]> {
    await this.#settings.ready();
    const filter = feedQuery(this.#handle.subjects, query);
    await this.#handle.refreshRemovals();
    const rows: NatsRow[] = [];
    if (query.limit > 0)
      for await (const row of this.#rowsAfter(filter.subject, after)) {
        if (!filter.matches(row)) continue;
        rows.push(row);
        if (rows.length >= query.limit) break;
      }
    return toRecordedEvents(rows, this.#settings.registry, this.#settings.personalData);
  }

  async streamVersion(streamId: string): Promise<number> {
    await this.#settings.ready();
    const { state } = await this.#writer.headOf(streamId);
    assertNotTombstoned(streamId, state);
    return visibleVersion(state);
  }

  async headPosition(): Promise<Position | undefined> {
    await this.#settings.ready();
    return this.#positionAtOrBefore(await this.#handle.lastSeq(), undefined);
  }

  /**
   * Reads JetStream's per-subject message counts (stream info with a subject
   * filter, one request per 100,000 subjects), then the last message of each
   * stream listed: a cost in the number of streams of the category.
   */
  async listStreams(query: NormalizedListStreamsOptions): Promise<StreamSummary[]> {
    await this.#settings.ready();
    const subjects = this.#handle.subjects;
    const filter =
      query.category === undefined ? subjects.all : subjects.ofCategory(query.category);
    const ids = (await this.#streamIds(filter)).filter(
      (id) => query.after === undefined || compareCodePoints(id, query.after) > 0,
    );
    const out: StreamSummary[] = [];
    for (let k = 0; k < ids.length && out.length < query.limit; k += 32) {
      const page = ids.slice(k, k + 32);
      const heads = await Promise.all(page.map((id) => this.#writer.headOf(id)));
      heads.forEach((head, j) => {
        const { state, lastWrite } = head;
        if (out.length >= query.limit || state.v === 0 || state.h || lastWrite === undefined)
          return;
        if (state.d !== null && state.v <= state.d) return;
        out.push({ streamId: page[j] as string, version: state.v, lastWrite });
      });
    }
    return out;
  }

  async countEventsAfter(
    after: NatsCursor | undefined,
    filter: FeedFilterQuery,
    cap: number,
  ): Promise<number> {
    await this.#settings.ready();
    const query = feedQuery(this.#handle.subjects, filter);
    await this.#handle.refreshRemovals();
    let count = 0;
    if (cap > 0)
      for await (const row of this.#rowsAfter(query.subject, after)) {
        if (query.matches(row) && ++count >= cap) break;
      }
    return count;
  }

  /** Never: a stored message is visible at once, and in sequence order. */
  hasPendingEvents(): boolean {
    return false;
  }

  /** Listens to the stream's subjects on core NATS while someone listens, so other processes' appends wake it too. */
  onAppended(listener: () => void): AppendSubscription {
    const subscription = this.#signal.add(listener);
    if (this.#listeners++ === 0) {
      this.#subscription = this.#handle.connection.subscribe(this.#handle.subjects.all, {
        callback: () => {
          this.#signal.notify();
        },
      });
    }
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      subscription();
      if (--this.#listeners === 0) {
        this.#subscription?.unsubscribe();
        this.#subscription = undefined;
      }
    };
    return Object.assign(() => stop(), {
      ready: this.#handle.connection.flush().catch(() => undefined),
      [Symbol.dispose]: stop,
      [Symbol.asyncDispose]: () => {
        stop();
        return Promise.resolve();
      },
    });
  }

  close(): Promise<void> {
    this.#signal.clear();
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    return this.#settings.release();
  }

  /** The events of the messages on `subject` after the cursor, up to sequence `to` when given. */
  async *#rowsAfter(
    subject: string,
    after: NatsCursor | undefined,
    to?: number,
  ): AsyncGenerator<NatsRow> {
    const [seq, index] = after ?? [0, -1];
    for await (const message of this.#handle.scan(subject, Math.max(seq, 1), to))
      yield* rowsOf(message, message.seq === seq ? index + 1 : 0);
  }

  /** The position of the last event at or before sequence `seq` (never before `after`). */
  async #positionAtOrBefore(
    seq: number,
    after: NatsCursor | undefined,
  ): Promise<Position | undefined> {
    for (let s = seq; s > 0; s--) {
      if (after !== undefined && s < after[0]) break;
      const message = await this.#handle.at(s);
      if (message !== undefined && message.body.e.length > 0)
        return encodePosition(s, message.body.e.length - 1);
    }
    return after === undefined ? undefined : natsPositions.encode(after);
  }

  /** The stream ids of the subjects matching `filter`, in code point order. */
  async #streamIds(filter: string): Promise<string[]> {
    const jsm = await this.#handle.manager();
    let subjects: Record<string, number>;
    try {
      subjects =
        (await jsm.streams.info(this.#handle.name, { subjects_filter: filter })).state.subjects ??
        {};
    } catch (error) {
      throw natsError('listing streams', error);
    }
    const ids: string[] = [];
    for (const subject of Object.keys(subjects)) {
      const id = this.#handle.subjects.streamIdOf(subject);
      if (id !== undefined) ids.push(id);
    }
    return ids.sort(compareCodePoints);
  }
}
