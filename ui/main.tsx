import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { takeToken } from './api.js';
import {
  FeedPage,
  OverviewPage,
  StreamPage,
  StreamsPage,
  SubscriptionPage,
  SubscriptionsPage,
  TypesPage,
} from './pages.js';

/** The page's route: `#/path?query`. */
interface Route {
  readonly path: string[];
  readonly query: URLSearchParams;
}

function parseRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?', 2);
  return {
    path: path
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p)),
    query: new URLSearchParams(query),
  };
}

const NAV: readonly [string, string][] = [
  ['', 'Overview'],
  ['streams', 'Streams'],
  ['feed', 'Feed'],
  ['types', 'Event types'],
  ['subscriptions', 'Subscriptions'],
];

function App() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const onChange = () => setRoute(parseRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const [top = '', arg] = route.path;
  const section = top === 'stream' ? 'streams' : top === 'subscription' ? 'subscriptions' : top;
  return (
    <>
      <header>
        <a class="brand" href="#/">
          eventfold
        </a>
        <nav>
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} class={section === path ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {top === '' && <OverviewPage />}
        {top === 'streams' && <StreamsPage query={route.query} />}
        {top === 'stream' && arg !== undefined && <StreamPage id={arg} query={route.query} />}
        {top === 'feed' && <FeedPage query={route.query} />}
        {top === 'types' && <TypesPage />}
        {top === 'subscriptions' && <SubscriptionsPage />}
        {top === 'subscription' && arg !== undefined && <SubscriptionPage name={arg} />}
      </main>
    </>
  );
}

takeToken();
const root = document.getElementById('app');
if (root !== null) render(<App />, root);
