// The password limiter's store keeps at most maxKeys counters, forgetting the least recently failed first.
import type { Options } from 'express-rate-limit';
import { expect, it, vi } from 'vitest';
import { BoundedMemoryStore } from '../../server/auth/throttle.ts';

it('holds at most maxKeys counters whatever the number of distinct keys', () => {
  const store = new BoundedMemoryStore(1000);
  for (let i = 0; i < 100_000; i++) store.increment(`key${i}`);
  expect(store.size).toBe(1000);
  expect(store.get('key99999')?.totalHits).toBe(1);
  expect(store.get('key0')).toBeUndefined();
});

it('evicts the least recently counted key, keeping one that keeps failing', () => {
  const store = new BoundedMemoryStore(2);
  store.increment('guesser');
  store.increment('other');
  store.increment('guesser'); // now the most recent
  store.increment('third'); // evicts "other"
  expect(store.get('guesser')?.totalHits).toBe(2);
  expect(store.get('other')).toBeUndefined();
  expect(store.get('third')?.totalHits).toBe(1);
});

it('starts a new count once the window has passed, and a success takes its failure back', () => {
  vi.useFakeTimers();
  try {
    const store = new BoundedMemoryStore();
    store.init({ windowMs: 60_000 } as Options);
    store.increment('k');
    store.increment('k');
    store.decrement('k');
    expect(store.get('k')?.totalHits).toBe(1);
    vi.advanceTimersByTime(60_001);
    expect(store.get('k')).toBeUndefined();
    expect(store.increment('k').totalHits).toBe(1);
  } finally {
    vi.useRealTimers();
  }
});
