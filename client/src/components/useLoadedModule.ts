// A code-split module for a screen, without React.lazy: React 19 holds back the reveal of a Suspense boundary's
// content for up to 300 ms after its fallback showed (to avoid flicker), which measured as ~200 ms of idle time
// between the viewer's code arriving and its first image. A module kept in state appears as soon as it loads.
import { useEffect, useState } from 'react';

/** The module once `load` resolves (import() loads a module once; later screens get it at once). */
export function useLoadedModule<T>(load: () => Promise<T>): T | null {
  const [loaded, setLoaded] = useState<T | null>(null);
  useEffect(() => {
    let current = true;
    void load().then((module) => {
      if (current) setLoaded(() => module);
    });
    return () => {
      current = false;
    };
  }, [load]);
  return loaded;
}
