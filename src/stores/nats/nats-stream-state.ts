import { StreamDeletedError } from '../../core/errors.js';
import { visibleStream } from '../../core/stream-deletion.js';
import { expiryCutoff, retainedFrom } from '../../core/stream-metadata.js';
import {
  EMPTY_STATE,
  firstVersionOf,
  type NatsStoredMessage,
  type NatsStreamState,
} from './nats-rows.js';

/** A stream's state and the sequence of its subject's last message (0: none), which its next write expects. */
export interface NatsStreamHead {
  readonly seq: number;
  readonly state: NatsStreamState;
  /** When its last event was recorded (`undefined`: none). */
  readonly lastWrite: Date | undefined;
}

/** The head of a stream from its subject's last message. */
export function headOf(last: NatsStoredMessage | undefined): NatsStreamHead {
  if (last === undefined) return { seq: 0, state: EMPTY_STATE, lastWrite: undefined };
  const { body } = last;
  const lt = body.e.length > 0 ? last.time.getTime() : (body.st.lt ?? null);
  return { seq: last.seq, state: body.st, lastWrite: lt === null ? undefined : new Date(lt) };
}

/** The state a state change publishes: `state` changed by `change`, keeping when the last event was recorded. */
export function nextState(head: NatsStreamHead, change: Partial<NatsStreamState>): NatsStreamState {
  return { ...head.state, ...change, lt: head.lastWrite?.getTime() ?? null };
}

/** Throws a `StreamDeletedError` when the stream is tombstoned. */
export function assertNotTombstoned(streamId: string, state: NatsStreamState): void {
  if (state.h) throw new StreamDeletedError(streamId);
}

/** The stream's visible version (0 when soft-deleted and not written since). */
export function visibleVersion(state: NatsStreamState): number {
  return visibleStream(state.v, state.d, state.t).version;
}

/**
 * The first visible version and the visible version of a stream whose
 * messages are `messages` (every one of its subject, in order): deletion,
 * truncation and retention (`maxCount`, and `maxAge` measured now).
 */
export function visibilityOf(
  state: NatsStreamState,
  messages: readonly NatsStoredMessage[],
): { readonly start: number; readonly version: number } {
  let expired = 0;
  if (state.ma !== null) {
    const cutoff = expiryCutoff(state.ma);
    for (let k = messages.length - 1; k >= 0; k--) {
      const message = messages[k] as NatsStoredMessage;
      if (message.body.e.length > 0 && message.time.getTime() < cutoff) {
        expired = message.body.st.v;
        break;
      }
    }
  }
  const firstStored = messages.find((m) => m.body.e.length > 0);
  const removed = firstStored === undefined ? state.v : firstVersionOf(firstStored.body) - 1;
  const retain = Math.max(
    removed + 1,
    retainedFrom(state.v, { maxAge: state.ma, maxCount: state.mc }, expired),
  );
  return visibleStream(state.v, state.d, state.t, retain);
}
