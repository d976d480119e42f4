import { useEffect, useState } from 'preact/hooks';
import { get, live, post, type EventJson, type ParkedJson, type SubscriptionJson } from './api.js';
import { Chart } from './chart.js';
import { duration, minute, pretty, streamLink, subscriptionLink, time } from './format.js';
import { useAction, useApi } from './hooks.js';

interface Overview {
  readonly events: number;
  readonly streams: number;
  readonly headPosition: string | null;
  readonly feedHealth: {
    readonly withheldEvents: number;
    readonly oldestBlockingTransactionAgeMs: number;
  } | null;
  readonly subscriptions: number;
  readonly parked: number;
  readonly actions: boolean;
  readonly rate: readonly { readonly start: string; readonly count: number }[];
}

function Failure(props: { error: string | undefined }) {
  return props.error === undefined ? null : (
    <p class="error" role="alert">
      {props.error}
    </p>
  );
}

function Card(props: {
  label: string;
  value: string | number;
  testId: string;
  warn?: boolean;
  small?: boolean;
}) {
  const classes = ['card', props.warn === true ? 'warn' : '', props.small === true ? 'small' : ''];
  return (
    <div class={classes.join(' ').trim()} data-testid={props.testId}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
    </div>
  );
}

function health(h: Overview['feedHealth']): string {
  if (h === null) return 'ok';
  if (h.withheldEvents === 0 && h.oldestBlockingTransactionAgeMs < 1000) return 'ok';
  return `${h.withheldEvents} held back (${duration(h.oldestBlockingTransactionAgeMs)})`;
}

/** Counts, the append rate of the last 15 minutes, feed health. */
export function OverviewPage() {
  const { data, error } = useApi(() => get<Overview>('/api/overview'), 'overview', 5000);
  return (
    <section>
      <h1>Overview</h1>
      <Failure error={error} />
      {data !== undefined && (
        <>
          <div class="cards">
            <Card label="Events" value={data.events} testId="events" />
            <Card label="Streams" value={data.streams} testId="streams" />
            <Card label="Subscriptions" value={data.subscriptions} testId="subscriptions" />
            <Card label="Parked" value={data.parked} testId="parked" warn={data.parked > 0} />
            <Card
              label="Feed health"
              value={health(data.feedHealth)}
              testId="health"
              warn={health(data.feedHealth) !== 'ok'}
            />
          </div>
          <p class="muted">
            Head position <code>{data.headPosition ?? '(empty)'}</code> ·{' '}
            {data.actions ? 'actions allowed' : 'read-only'}
          </p>
          <h2>Appends per minute</h2>
          <Chart
            kind="bar"
            title="Appends per minute, last 15 minutes"
            testId="rate-chart"
            points={data.rate.map((r) => ({ label: minute(r.start), value: r.count }))}
          />
        </>
      )}
    </section>
  );
}

interface StreamsAnswer {
  readonly streams: readonly { streamId: string; version: number; lastWrite: string }[];
  readonly next: string | null;
}

/** Streams by prefix and category, a page at a time. */
export function StreamsPage(props: { query: URLSearchParams }) {
  const prefix = props.query.get('prefix') ?? '';
  const category = props.query.get('category') ?? '';
  const after = props.query.get('after') ?? '';
  const { data, error } = useApi(
    () => get<StreamsAnswer>('/api/streams', { prefix, category, after }),
    `${prefix}|${category}|${after}`,
  );
  const go = (next: Record<string, string>) => {
    const q = new URLSearchParams(
      Object.entries({ prefix, category, ...next }).filter(([, v]) => v !== ''),
    );
    location.hash = `#/streams?${q.toString()}`;
  };
  return (
    <section>
      <h1>Streams</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          go({
            prefix: (form.get('prefix') as string | null) ?? '',
            category: (form.get('category') as string | null) ?? '',
          });
        }}
      >
        <input name="prefix" placeholder="Stream id prefix" value={prefix} />
        <input name="category" placeholder="Category (Task)" value={category} />
        <button type="submit">Search</button>
      </form>
      <Failure error={error} />
      {data !== undefined && (
        <>
          <table data-testid="streams-table">
            <thead>
              <tr>
                <th>Stream</th>
                <th class="num">Version</th>
                <th>Last write</th>
              </tr>
            </thead>
            <tbody>
              {data.streams.map((s) => (
                <tr key={s.streamId}>
                  <td>
                    <a href={streamLink(s.streamId)}>{s.streamId}</a>
                  </td>
                  <td class="num">{s.version}</td>
                  <td>{time(s.lastWrite)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.streams.length === 0 && <p class="muted">No streams.</p>}
          <div class="pager">
            {after !== '' && <button onClick={() => go({})}>First page</button>}
            {data.next !== null && (
              <button onClick={() => go({ after: data.next ?? '' })}>Next page</button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** One event: where it is, its type and time, its data and metadata as pretty JSON. */
function EventRow(props: { event: EventJson; withStream: boolean }) {
  const e = props.event;
  return (
    <article class="event" data-testid="event">
      <div class="event-head">
        <span class="type">{e.type}</span>
        {props.withStream ? (
          <a href={streamLink(e.streamId)}>
            {e.streamId}@{e.version}
          </a>
        ) : (
          <span>version {e.version}</span>
        )}
        <span class="muted">position {e.position}</span>
        <span class="muted">{time(e.recordedAt)}</span>
      </div>
      <div class="event-body">
        <pre class="json">{pretty(e.data)}</pre>
        <details>
          <summary>metadata · id {e.id}</summary>
          <pre class="json">{pretty({ metadata: e.metadata, tags: e.tags })}</pre>
        </details>
      </div>
    </article>
  );
}

interface StreamAnswer {
  readonly streamId: string;
  readonly version: number;
  readonly events: readonly EventJson[];
  readonly next: number | null;
  /** Whether the console allows actions (deleting the stream). */
  readonly actions: boolean;
}

/** One stream's events. */
export function StreamPage(props: { id: string; query: URLSearchParams }) {
  const from = props.query.get('from') ?? '0';
  const { data, error } = useApi(
    () => get<StreamAnswer>('/api/stream', { id: props.id, from }),
    `${props.id}|${from}`,
  );
  // Once deleted the stream no longer exists to read: the page says so instead of reloading.
  const [deleted, setDeleted] = useState(false);
  const { message, act } = useAction(() => setDeleted(true));
  const remove = (hard: boolean) =>
    act(
      hard
        ? `Delete ${props.id} for good? Every later read or append of it fails.`
        : `Delete ${props.id}? It reads as empty; appending to it again re-creates it.`,
      () => post<Record<string, unknown>>('/api/delete-stream', { name: props.id, hard }),
    );
  return (
    <section>
      <h1>
        Stream <code>{props.id}</code>
      </h1>
      <Failure error={error} />
      <ActionResult message={message} />
      {deleted && <p class="muted">This stream was deleted.</p>}
      {data !== undefined && !deleted && (
        <>
          <p class="muted">Version {data.version}</p>
          {data.actions && (
            <div class="actions">
              <button onClick={() => remove(false)}>Delete</button>
              <button onClick={() => remove(true)}>Delete for good</button>
            </div>
          )}
          {data.events.map((e) => (
            <EventRow key={e.id} event={e} withStream={false} />
          ))}
          <div class="pager">
            {from !== '0' && <a href={streamLink(props.id)}>First page</a>}
            {data.next !== null && (
              <a href={`${streamLink(props.id)}?from=${data.next}`}>Next page</a>
            )}
          </div>
        </>
      )}
    </section>
  );
}

interface FeedAnswer {
  readonly events: readonly EventJson[];
  readonly next: string | null;
  readonly isEnd: boolean;
}

/** The live tail (newest first) and the feed from its start, a page at a time. */
export function FeedPage(props: { query: URLSearchParams }) {
  const after = props.query.get('after') ?? '';
  const type = props.query.get('type') ?? '';
  const typeQuery = type === '' ? '' : `type=${encodeURIComponent(type)}`;
  const [tail, setTail] = useState<EventJson[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = live(undefined);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('append', (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as EventJson;
      setTail((events) => [event, ...events].slice(0, 200));
    });
    return () => source.close();
  }, []);
  const { data, error } = useApi(
    () => get<FeedAnswer>('/api/feed', { after, type, limit: 25 }),
    `feed|${after}|${type}`,
  );
  return (
    <section>
      <h1>Global feed</h1>
      <h2>
        Live tail{' '}
        <span class={connected ? 'pill ok' : 'pill'} data-testid="live-state">
          {connected ? 'live' : 'connecting'}
        </span>
      </h2>
      <div data-testid="live-tail">
        {tail.length === 0 && <p class="muted">Waiting for appends…</p>}
        {tail.map((e) => (
          <EventRow key={e.position} event={e} withStream={true} />
        ))}
      </div>
      <h2>From the start{type === '' ? '' : ` · ${type} only`}</h2>
      <Failure error={error} />
      {data !== undefined && (
        <div data-testid="feed-page">
          {data.events.map((e) => (
            <EventRow key={e.position} event={e} withStream={true} />
          ))}
          <div class="pager">
            {after !== '' && <a href={`#/feed?${typeQuery}`}>First page</a>}
            {!data.isEnd && data.next !== null && (
              <a href={`#/feed?${typeQuery}&after=${encodeURIComponent(data.next)}`}>Next page</a>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

interface TypesAnswer {
  readonly types: readonly { type: string; count: number }[];
  readonly counted: number;
  readonly complete: boolean;
}

/** Event types with their counts. */
export function TypesPage() {
  const { data, error } = useApi(() => get<TypesAnswer>('/api/types'), 'types', 5000);
  return (
    <section>
      <h1>Event types</h1>
      <Failure error={error} />
      {data !== undefined && (
        <>
          <p class="muted">
            {data.complete
              ? `Counted over the whole feed (${data.counted} events).`
              : `The feed was too long to count at start: counted over the ${data.counted} events appended since the console started.`}
          </p>
          <table data-testid="types-table">
            <thead>
              <tr>
                <th>Type</th>
                <th class="num">Events</th>
              </tr>
            </thead>
            <tbody>
              {data.types.map((t) => (
                <tr key={t.type}>
                  <td>
                    <a href={`#/feed?type=${encodeURIComponent(t.type)}`}>{t.type}</a>
                  </td>
                  <td class="num">{t.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function lag(s: SubscriptionJson): string {
  return `${s.lag.events}${s.lag.capped ? '+' : ''} ${s.lag.events === 1 ? 'event' : 'events'}${s.lag.events > 0 ? ` · ${duration(s.lag.ms)}` : ''}`;
}

/** Every subscription: state, checkpoint, lag, parked. */
export function SubscriptionsPage() {
  const { data, error } = useApi(
    () => get<{ subscriptions: SubscriptionJson[] }>('/api/subscriptions'),
    'subscriptions',
    3000,
  );
  return (
    <section>
      <h1>Subscriptions and projections</h1>
      <Failure error={error} />
      {data !== undefined && (
        <>
          <table data-testid="subscriptions-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Checkpoint</th>
                <th>Lag</th>
                <th class="num">Parked</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {data.subscriptions.map((s) => (
                <tr key={s.name}>
                  <td>
                    <a href={subscriptionLink(s.name)}>{s.name}</a>
                  </td>
                  <td>
                    <span class={s.state === 'running' ? 'pill ok' : 'pill'}>{s.state}</span>
                  </td>
                  <td>
                    <code>{s.checkpoint ?? '(start)'}</code>
                  </td>
                  <td>{lag(s)}</td>
                  <td class={s.parked > 0 ? 'num warn' : 'num'}>{s.parked}</td>
                  <td>{time(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.subscriptions.length === 0 && <p class="muted">No subscriptions yet.</p>}
        </>
      )}
    </section>
  );
}

interface SubscriptionAnswer extends SubscriptionJson {
  readonly actions: boolean;
  readonly parkedEvents: readonly ParkedJson[];
}

/** One subscription: its checkpoint, lag chart, state and parked events, with the actions. */
export function SubscriptionPage(props: { name: string }) {
  const { data, error, reload } = useApi(
    () => get<SubscriptionAnswer>('/api/subscription', { name: props.name }),
    props.name,
    3000,
  );
  const action = useAction(reload);
  const { message } = action;
  const act = (question: string, path: string, body: Record<string, string>) =>
    action.act(question, () => post<Record<string, unknown>>(path, body));
  return (
    <section>
      <h1>
        Subscription <code>{props.name}</code>
      </h1>
      <Failure error={error} />
      <ActionResult message={message} />
      {data !== undefined && (
        <>
          <div class="cards">
            <Card label="State" value={data.state} testId="state" />
            <Card
              label="Checkpoint"
              value={data.checkpoint ?? '(start)'}
              testId="checkpoint"
              small={true}
            />
            <Card label="Lag" value={lag(data)} testId="lag" warn={data.lag.events > 0} />
            <Card label="Parked" value={data.parked} testId="parked" warn={data.parked > 0} />
          </div>
          <p class="muted">
            {data.lease === undefined
              ? 'No instance holds its lease.'
              : `Lease held by ${data.lease.holder ?? '?'}.`}{' '}
            Checkpoint written {time(data.updatedAt) || 'never'}.
          </p>
          {data.actions && data.projection && (
            <div class="actions">
              <button
                onClick={() =>
                  act(
                    `Reset "${props.name}"? Its reset hook runs and it starts over at its next commit.`,
                    '/api/reset',
                    { name: props.name },
                  )
                }
              >
                Reset
              </button>
              <button
                onClick={() =>
                  act(
                    `Rebuild "${props.name}"? It is reset, then run here until it has caught up.`,
                    '/api/rebuild',
                    { name: props.name },
                  )
                }
              >
                Rebuild
              </button>
            </div>
          )}
          <h2>Lag (events behind the head)</h2>
          <Chart
            kind="line"
            title={`Lag of ${props.name}`}
            testId="lag-chart"
            points={data.lagHistory.map((s) => ({ label: time(s.at), value: s.events }))}
          />
          <h2>Parked events</h2>
          {data.parkedEvents.length === 0 ? (
            <p class="muted" data-testid="no-parked">
              No parked events.
            </p>
          ) : (
            <table data-testid="parked-table">
              <thead>
                <tr>
                  <th>Event</th>
                  <th>Type</th>
                  <th>Error</th>
                  <th class="num">Attempts</th>
                  <th>Parked</th>
                  {data.actions && <th />}
                </tr>
              </thead>
              <tbody>
                {data.parkedEvents.map((p) => (
                  <tr key={p.eventId}>
                    <td>
                      <a href={streamLink(p.streamId)}>
                        {p.streamId}@{p.version}
                      </a>
                    </td>
                    <td>{p.type}</td>
                    <td class="error-text">
                      {p.error.name}: {p.error.message}
                    </td>
                    <td class="num">{p.attempts}</td>
                    <td>{time(p.parkedAt)}</td>
                    {data.actions && (
                      <td>
                        <div class="row-actions">
                          {data.projection && (
                            <button
                              onClick={() =>
                                act(
                                  `Replay ${p.streamId}@${p.version} through "${props.name}"?`,
                                  '/api/replay',
                                  { name: props.name, eventId: p.eventId },
                                )
                              }
                            >
                              Replay
                            </button>
                          )}
                          <button
                            onClick={() =>
                              act(
                                `Skip ${p.streamId}@${p.version}? It is unparked without being handled.`,
                                '/api/skip',
                                { name: props.name, eventId: p.eventId },
                              )
                            }
                          >
                            Skip
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** The outcome of the last action, when there was one. */
function ActionResult(props: { message: string | undefined }) {
  if (props.message === undefined) return null;
  return (
    <p class="notice" role="status" data-testid="action-result">
      {props.message}
    </p>
  );
}
