// The window's heart rate from its beats (server/ecg/heart-rate.ts), on generated beat trains at 360 Hz: beats over
// the time they span, without a detection inside the previous beat's refractory period.
import { describe, expect, it } from 'vitest';
import { REFRACTORY_RR_MS, windowRate } from '../../server/ecg/heart-rate.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const FS = 360;
const bpm = (beats: number[]) => (60 * FS) / windowRate(beats, FS).rrMeanSamples;

/** Beats every `rrMs` (± `jitter` of it) from `firstMs` to the end of a 10 s window. */
function train(rrMs: number, { firstMs = 300, jitter = 0.03, seed = 1 } = {}): number[] {
  const random = seededRandom(seed);
  const beats: number[] = [];
  for (let t = firstMs; t < 10000; t += rrMs * (1 + jitter * (2 * random() - 1))) beats.push(Math.round((t * FS) / 1000));
  return beats;
}
const withExtra = (beats: number[], after: number, ms: number) =>
  [...beats, beats[after]! + Math.round((ms * FS) / 1000)].sort((a, b) => a - b);
const meanRate = (beats: number[]) => (60 * FS * (beats.length - 1)) / (beats[beats.length - 1]! - beats[0]!);

describe('the heart rate of a 10 s window', () => {
  it('one noise detection 120–290 ms after a beat does not add a beat (record 105: 6–7 bpm high)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const beats = train(650, { seed });
      const truth = meanRate(beats);
      for (const ms of [120, 200, 250, 290])
        for (const after of [0, 3, 7, beats.length - 2]) {
          const noisy = withExtra(beats, after, ms);
          expect(meanRate(noisy) - truth, 'counting every detection').toBeGreaterThan(5);
          expect(Math.abs(bpm(noisy) - truth), `seed ${seed}, ${ms} ms after beat ${after}`).toBeLessThan(2.5);
          expect(windowRate(noisy, FS).leftOut).toHaveLength(1);
        }
    }
  });

  it('several such detections, one after another, are left out together', () => {
    const beats = train(640);
    const noisy = withExtra(withExtra(withExtra(beats, 4, 230), 4, 120), 9, 260);
    expect(windowRate(noisy, FS).leftOut).toHaveLength(3);
    expect(Math.abs(bpm(noisy) - meanRate(beats))).toBeLessThan(1.5);
  });

  it('counts every beat of a regular rhythm, bigeminy and premature beats: the mean RR, not the median', () => {
    const regular = train(800);
    expect(bpm(regular)).toBeCloseTo(meanRate(regular), 6);
    // Bigeminy, coupling 420 ms and pause 900 ms: 92 bpm counted; a median RR would say 67 or 143.
    const bigeminy: number[] = [];
    for (let t = 200, i = 0; t < 10000; t += i++ % 2 ? 900 : 420) bigeminy.push(Math.round((t * FS) / 1000));
    expect(windowRate(bigeminy, FS).leftOut).toEqual([]);
    expect(bpm(bigeminy)).toBeCloseTo(meanRate(bigeminy), 6);
    // A premature beat at 320 ms, an R-on-T just past the refractory period, counts.
    const premature = withExtra(train(700), 5, REFRACTORY_RR_MS + 20);
    expect(windowRate(premature, FS).leftOut).toEqual([]);
  });

  it('a fast rhythm with intervals under 300 ms keeps every beat (flutter, VT at 200–260 bpm)', () => {
    for (const rr of [230, 260, 290]) {
      const fast = train(rr, { jitter: 0.05 });
      expect(windowRate(fast, FS).leftOut, `${rr} ms`).toEqual([]);
      expect(bpm(fast)).toBeCloseTo(meanRate(fast), 6);
    }
  });

  it('two beats or fewer', () => {
    expect(windowRate([100, 400], FS).counted).toBe(2);
    expect(bpm([100, 460])).toBeCloseTo(60, 6);
    expect(Number.isNaN(windowRate([100], FS).rrMeanSamples)).toBe(true);
  });
});
