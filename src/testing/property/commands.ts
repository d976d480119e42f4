import assert from 'node:assert/strict';
import type { Arbitrary, AsyncCommand } from 'fast-check';
import type { FastCheck } from './fast-check.js';
import { ConcurrencyError } from '../../core/errors.js';
import type { ExpectedVersion } from '../../core/expected-version.js';
import type { RecordedEvent } from '../../core/events.js';
import type { RealSystem, StoreModel } from './model.js';

type Cmd = AsyncCommand<StoreModel, RealSystem>;

const STREAMS = ['Task-1', 'Task-2', 'User-1', 'Audit'] as const;
const TYPES = ['Created', 'Updated', 'Closed'] as const;
const CATEGORIES = ['Task', 'User', 'Audit', 'None'] as const;

const summary = (e: RecordedEvent) => ({
  streamId: e.streamId,
  version: e.version,
  type: e.type,
  n: (e.data as { n: number }).n,
});

type ExpectedChoice =
  { kind: 'any' | 'no_stream' | 'stream_exists' | 'current' } | { kind: 'offset'; offset: number };

class AppendCommand implements Cmd {
  constructor(
    readonly stream: string,
    readonly types: readonly string[],
    readonly expected: ExpectedChoice,
    readonly withIds: boolean,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: RealSystem): Promise<void> {
    const current = model.version(this.stream);
    const e = this.expected;
    const expectedVersion: ExpectedVersion =
      e.kind === 'current'
        ? current
        : e.kind === 'offset'
          ? Math.max(0, current + e.offset)
          : e.kind;
    const planned = this.types.map((type) => ({
      type,
      n: model.counter++,
      id: this.withIds ? crypto.randomUUID() : undefined,
    }));
    const events = planned.map((p) =>
      p.id === undefined
        ? { type: p.type, data: { n: p.n } }
        : { type: p.type, data: { n: p.n }, id: p.id },
    );
    if (!model.accepts(this.stream, expectedVersion)) {
      const error = await real.store.append(this.stream, events, { expectedVersion }).then(
        () =>
          assert.fail(
            `append to ${this.stream} with ${String(expectedVersion)} at ${current} should conflict`,
          ),
        (err: unknown) => err,
      );
      assert.ok(ConcurrencyError.is(error), String(error));
      assert.equal(error.code, 'CONCURRENCY', 'new ids never conflict');
      assert.equal(error.streamId, this.stream);
      assert.equal(error.expectedVersion, expectedVersion);
      assert.equal(error.actualVersion, current);
      return;
    }
    const result = await real.store.append(this.stream, events, { expectedVersion });
    assert.equal(result.version, current + events.length);
    assert.equal(result.streamId, this.stream);
    const last = real.positions.at(-1);
    assert.ok(last === undefined || last < result.position, 'positions increase');
    model.append(this.stream, planned);
    const written = await real.store.read(this.stream, { from: current + 1 });
    real.positions.push(...written.events.map((w) => w.position));
    assert.equal(written.events.at(-1)?.position, result.position);
    if (this.withIds)
      model.lastWithIds = { streamId: this.stream, events, expectedVersion, result };
  }
  toString = () =>
    `append(${this.stream}, [${this.types.join()}], ${JSON.stringify(this.expected)}${this.withIds ? ', ids' : ''})`;
}

class RetryCommand implements Cmd {
  check = (model: Readonly<StoreModel>) => model.lastWithIds !== undefined;
  async run(model: StoreModel, real: RealSystem): Promise<void> {
    const last = model.lastWithIds;
    assert.ok(last !== undefined);
    const again = await real.store.append(last.streamId, last.events, {
      expectedVersion: last.expectedVersion,
    });
    assert.deepEqual(again, last.result, 'an idempotent retry returns the original result');
  }
  toString = () => 'retryLastAppendWithIds()';
}

class ReadCommand implements Cmd {
  constructor(
    readonly stream: string,
    readonly backward: boolean,
    readonly from: number | undefined,
    readonly limit: number | undefined,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: RealSystem): Promise<void> {
    const list = model.streams.get(this.stream) ?? [];
    let expected = this.backward ? [...list].reverse() : list;
    if (this.from !== undefined) {
      const from = this.from;
      expected = expected.filter((e) => (this.backward ? e.version <= from : e.version >= from));
    }
    if (this.limit !== undefined) expected = expected.slice(0, this.limit);
    const options = {
      direction: this.backward ? ('backward' as const) : ('forward' as const),
      ...(this.from === undefined ? {} : { from: this.from }),
      ...(this.limit === undefined ? {} : { limit: this.limit }),
    };
    const result = await real.store.read(this.stream, options);
    assert.equal(result.version, list.length);
    assert.deepEqual(
      result.events.map(summary),
      expected.map(({ streamId, version, type, n }) => ({ streamId, version, type, n })),
    );
    assert.equal(await real.store.getVersion(this.stream), list.length);
    assert.equal(await real.store.exists(this.stream), list.length > 0);
  }
  toString = () =>
    `read(${this.stream}, ${this.backward ? 'backward' : 'forward'}, from=${this.from}, limit=${this.limit})`;
}

class ReadAllCommand implements Cmd {
  constructor(
    readonly afterFraction: number | undefined,
    readonly limit: number | undefined,
    readonly types: readonly string[] | undefined,
    readonly categories: readonly string[] | undefined,
    readonly batchSize: number,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: RealSystem): Promise<void> {
    const afterIndex =
      this.afterFraction === undefined || model.all.length === 0
        ? -1
        : Math.floor(this.afterFraction * model.all.length) - 1;
    const after = afterIndex < 0 ? undefined : real.positions[afterIndex];
    let expected = model
      .matching(this.types, this.categories)
      .filter((e) => model.all.indexOf(e) > afterIndex);
    if (this.limit !== undefined) expected = expected.slice(0, this.limit);
    const events = await real.store
      .readAll({
        after,
        batchSize: this.batchSize,
        ...(this.limit === undefined ? {} : { limit: this.limit }),
        ...(this.types === undefined ? {} : { types: this.types }),
        ...(this.categories === undefined ? {} : { categories: this.categories }),
      })
      .toArray();
    assert.deepEqual(
      events.map(summary),
      expected.map(({ streamId, version, type, n }) => ({ streamId, version, type, n })),
    );
    assert.deepEqual(
      events.map((e) => e.position),
      expected.map((e) => real.positions[model.all.indexOf(e)]),
    );
  }
  toString = () =>
    `readAll(after=${this.afterFraction}, limit=${this.limit}, types=${this.types?.join('|')}, categories=${this.categories?.join('|')}, batch=${this.batchSize})`;
}

class FeedStatsCommand implements Cmd {
  constructor(
    readonly afterFraction: number | undefined,
    readonly types: readonly string[] | undefined,
    readonly categories: readonly string[] | undefined,
    readonly cap: number,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: RealSystem): Promise<void> {
    assert.equal(await real.store.headPosition(), real.positions.at(-1), 'headPosition');
    const afterIndex =
      this.afterFraction === undefined || model.all.length === 0
        ? -1
        : Math.floor(this.afterFraction * model.all.length) - 1;
    const after = afterIndex < 0 ? undefined : real.positions[afterIndex];
    const filter = {
      ...(this.types === undefined ? {} : { types: this.types }),
      ...(this.categories === undefined ? {} : { categories: this.categories }),
    };
    const matching = model
      .matching(this.types, this.categories)
      .filter((e) => model.all.indexOf(e) > afterIndex).length;
    assert.equal(
      await real.store.countEventsAfter(after, filter, this.cap),
      Math.min(matching, this.cap),
      'countEventsAfter',
    );
    assert.equal(await real.store.hasPendingEvents(after, filter), false, 'hasPendingEvents');
  }
  toString = () =>
    `feedStats(after=${this.afterFraction}, types=${this.types?.join('|')}, categories=${this.categories?.join('|')}, cap=${this.cap})`;
}

const optionalSubset = <T>(fc: FastCheck, values: readonly T[]) =>
  fc.option(fc.subarray([...values], { minLength: 1 }), { nil: undefined });

/** The arbitrary commands of the property test, made with `fc` (the loaded fast-check). */
export function commandArbitraries(fc: FastCheck): Arbitrary<Cmd>[] {
  const expected: Arbitrary<ExpectedChoice> = fc.oneof(
    fc.constantFrom<ExpectedChoice>(
      { kind: 'any' },
      { kind: 'no_stream' },
      { kind: 'stream_exists' },
      { kind: 'current' },
      { kind: 'current' },
    ),
    fc.integer({ min: -2, max: 2 }).map((offset): ExpectedChoice => ({ kind: 'offset', offset })),
  );
  return [
    fc
      .tuple(
        fc.constantFrom(...STREAMS),
        fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 4 }),
        expected,
        fc.boolean(),
      )
      .map(([s, t, e, ids]) => new AppendCommand(s, t, e, ids)),
    fc.constant(new RetryCommand()),
    fc
      .tuple(
        fc.constantFrom(...STREAMS),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      )
      .map(([s, b, f, l]) => new ReadCommand(s, b, f, l)),
    fc
      .tuple(
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        optionalSubset(fc, TYPES),
        optionalSubset(fc, CATEGORIES),
        fc.integer({ min: 1, max: 7 }),
      )
      .map(([a, l, t, c, b]) => new ReadAllCommand(a, l, t, c, b)),
    fc
      .tuple(
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        optionalSubset(fc, TYPES),
        optionalSubset(fc, CATEGORIES),
        fc.integer({ min: 0, max: 12 }),
      )
      .map(([a, t, c, cap]) => new FeedStatsCommand(a, t, c, cap)),
  ];
}
