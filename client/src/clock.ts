// One shared one-second tick for everything on screen that counts (waiting times, SLA countdowns). A long
// worklist runs one timer, not one per cell, and a cell re-renders only when its own text changes.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function subscribe(onTick: () => void): () => void {
  listeners.add(onTick);
  if (!timer) {
    now = Date.now(); // the clock stood still while nothing watched it; React re-reads it after subscribing
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(onTick);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * A value derived from the current time, recomputed every second. `derive` must return a primitive (a
 * string, a number, a boolean): the component re-renders only when that value changes.
 */
export function useTicking<T extends string | number | boolean>(derive: (now: number) => T): T {
  return useSyncExternalStore(subscribe, () => derive(now));
}

/** Whether the moment has come (a deadline passed); updates itself when it does. */
export function useIsPast(iso: string | null): boolean {
  return useTicking((t) => iso !== null && t >= Date.parse(iso));
}
