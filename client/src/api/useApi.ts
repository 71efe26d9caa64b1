import { useCallback, useEffect, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  reload: () => void;
  /** replace the data with a fresher copy the server returned from an action (or patch it, from an event) */
  setData: Dispatch<SetStateAction<T | undefined>>;
}

/** Loads on mount and when deps change; a reload keeps showing the old data until the new arrives. */
export function useApi<T>(load: () => Promise<T>, deps: DependencyList): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      },
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render; the caller's deps say when it really changes
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload, setData };
}
