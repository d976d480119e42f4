import {
  defineEvent,
  EventRegistry,
  payload,
  upcastFrom,
  type EventStore,
  type Position,
} from '../../src/index.js';
import type { Workload } from './measure.js';
import { NotSupportedError } from './support.js';
import type { BenchTarget, TargetSession } from './targets.js';
import { size, type WorkloadSpec } from './workloads.js';

/**
 * The read cost of upcasting: the same reads (every stream in full, then the
 * global feed in pages of 500) of events of the same size, once stored at the
 * current version and read through a registry without upcasters (U-plain),
 * once stored at version 1 and upcast to version 3 on every read (U-upcast).
 * eventfold targets only: peers and floors have no upcasting.
 */

interface ItemV1 {
  index: number;
  name: string;
  text: string;
}
interface ItemV2 {
  index: number;
  title: string;
  text: string;
}
interface ItemV3 {
  index: number;
  title: string;
  text: string;
  priority: number;
}

const TEXT = 'x'.repeat(150);

/** Version 1 data: about 200 bytes of JSON, like the other read workloads. */
const v1 = (i: number): ItemV1 => ({ index: i, name: `item ${i}`, text: TEXT });
/** The same item at version 3. */
const v3 = (i: number): ItemV3 => ({ index: i, title: `item ${i}`, text: TEXT, priority: 0 });

const ItemV1Event = defineEvent('ItemAdded', payload<ItemV1>());
const ItemV3Plain = defineEvent('ItemAdded', payload<ItemV3>());
const ItemV3Upcast = defineEvent('ItemAdded', payload<ItemV3>(), {
  upcasters: upcastFrom<ItemV1>()
    .to((d): ItemV2 => ({ index: d.index, title: d.name, text: d.text }))
    .to((d): ItemV3 => ({ ...d, priority: 0 })),
});

const EVENTS_PER_STREAM = 100;

/** Fills a store once (streams × 100 events, through `write`'s registry), then reads it through `read`'s every run. */
function upcastRead(
  target: BenchTarget,
  name: string,
  streams: number,
  stored: 'v1' | 'v3',
  reading: () => EventRegistry,
) {
  let session: Promise<TargetSession> | undefined;
  const fill = async () => {
    if (target.openWith === undefined) throw new NotSupportedError('upcasting');
    const registry = new EventRegistry([stored === 'v1' ? ItemV1Event : ItemV3Plain]);
    const opened = await target.openWith({ registry });
    const store = opened.store;
    if (store === undefined) throw new NotSupportedError('upcasting');
    for (let s = 0; s < streams; s++) {
      const base = s * EVENTS_PER_STREAM;
      await store.append(
        `Item-${s}`,
        Array.from({ length: EVENTS_PER_STREAM }, (_, k) =>
          stored === 'v1' ? ItemV1Event(v1(base + k)) : ItemV3Plain(v3(base + k)),
        ),
      );
    }
    // The program reading is a later one: swap the definition in place.
    registry.unregister('ItemAdded');
    for (const definition of reading().list()) registry.register(definition);
    return opened;
  };
  const workload: Workload<TargetSession> = {
    name,
    count: 2 * streams * EVENTS_PER_STREAM,
    setup: () => (session ??= fill()),
    run: async (opened) => {
      const store = opened.store as EventStore;
      let read = 0;
      for (let s = 0; s < streams; s++) {
        const { events } = await store.read(`Item-${s}`);
        const last = events.at(-1)?.data as ItemV3 | undefined;
        if (events.length !== EVENTS_PER_STREAM || last?.priority !== 0)
          throw new Error('short or stale read');
        read += events.length;
      }
      let after: Position | undefined;
      for (;;) {
        const page = await store.readAllPage({ after, limit: 500 });
        read += page.events.length;
        if (page.isEnd) break;
        after = page.next;
      }
      if (read !== 2 * streams * EVENTS_PER_STREAM) throw new Error(`read ${read} events`);
    },
  };
  return {
    workload,
    done: async () => {
      if (session !== undefined) await (await session).close();
    },
  };
}

/** U-plain and U-upcast: the read cost of upcasting. */
export const UPCAST_WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'U-plain',
    title:
      'full reads of 200 streams of 100 events, then the feed: stored at the current version, registry without upcasters',
    build: (t, scale) =>
      upcastRead(t, 'U-plain', size(200, scale), 'v3', () => new EventRegistry([ItemV3Plain])),
  },
  {
    id: 'U-upcast',
    title: 'the same reads of the same events stored at version 1, upcast to version 3 on read',
    build: (t, scale) =>
      upcastRead(t, 'U-upcast', size(200, scale), 'v1', () => new EventRegistry([ItemV3Upcast])),
  },
];
