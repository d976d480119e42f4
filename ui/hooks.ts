import { useCallback, useEffect, useState } from 'preact/hooks';

/** What {@link useApi} holds: the last answer, the last error, and a way to load again. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly reload: () => void;
}

/** Loads with `load` when `key` changes, and every `refreshMs` when given. */
export function useApi<T>(load: () => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      },
      (e: unknown) => {
        if (live) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  useEffect(() => {
    if (refreshMs === undefined) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);
  return { data, error, reload };
}

/** What {@link useAction} gives: the last action's outcome, and a way to run one. */
export interface Action {
  readonly message: string | undefined;
  /** Asks `question` in the page; when confirmed, runs `run` and shows its result, then `after()`. */
  readonly act: (question: string, run: () => Promise<unknown>) => void;
}

/** An action confirmed in the page, whose outcome is shown (`Done: …` or `Failed: …`). */
export function useAction(after: () => void): Action {
  const [message, setMessage] = useState<string | undefined>(undefined);
  const act = (question: string, run: () => Promise<unknown>): void => {
    if (!confirm(question)) return;
    run().then(
      (result) => {
        setMessage(`Done: ${JSON.stringify(result)}`);
        after();
      },
      (e: unknown) => setMessage(`Failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return { message, act };
}
