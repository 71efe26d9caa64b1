// Beat classes, rhythm statements and trustworthy intervals on synthetic ECGs the project generates: ventricular
// ectopic beats (single, bigeminy, trigeminy), irregular RR with and without P waves, a wide QRS with a long QT, and
// a T-wave end that runs into the next P wave. Each case is one the analysis got wrong before beat classes and
// interval checks (AF called on sinus rhythm with ectopics, QTc critical flags on wide QRS or bigeminy).
import { describe, expect, it } from 'vitest';
import { timelyVentricularAsNormal } from '../../server/ecg/beat-classes.ts';
import { measureEcg } from '../../server/ecg/measure.ts';
import { shortestQtMs, untrustedIntervals } from '../../server/ecg/interval-trust.ts';
import type { Delineation } from '../../server/ecg/delineate.ts';
import { randomParams, synthesizeEcg, type SynthParams } from '../fixtures/ecg-synth.ts';

const NOISES = ['clean', 'moderate'] as const;
const measure = (overrides: Partial<SynthParams>) => {
  const { recording, truth } = synthesizeEcg(overrides);
  return { measured: measureEcg(recording), truth };
};

/** The measured class of each true beat (matched within 150 ms at 500 Hz). */
function classesOfTrueBeats(overrides: Partial<SynthParams>): { truth: string; measured: string } {
  const { measured, truth } = measure(overrides);
  const classes = truth.beats.map((beat) => {
    const i = measured.beatSamples.findIndex((s) => Math.abs(s - beat.fiducial) <= 75);
    return i < 0 ? '-' : measured.beatClasses![i]!;
  });
  return { truth: truth.beats.map((b) => b.kind).join(''), measured: classes.join('') };
}

describe('ventricular ectopic beats', () => {
  it.each(NOISES)('single PVCs in sinus rhythm (%s): classed V, sinus rhythm with PVCs, not atrial fibrillation', (noise) => {
    const overrides: Partial<SynthParams> = { noise, ventricular: { at: [3, 8] } };
    const { truth, measured } = classesOfTrueBeats(overrides);
    expect(measured).toBe(truth);
    const m = measure(overrides).measured;
    expect(m.rhythm.hints[0]).toBe('SINUS_RHYTHM');
    expect(m.rhythm.hints).toContain('FREQUENT_VENTRICULAR_ECTOPICS');
    expect(m.rhythm.hints).not.toContain('POSSIBLE_ATRIAL_FIBRILLATION');
    expect(m.rhythm.evidence!.map((e) => e.hint)).toEqual(m.rhythm.hints);
    expect(m.rhythm.evidence![1]!.text).toMatch(/2 of 12 beats ventricular/);
  });

  it.each(NOISES)('bigeminy (%s): every other beat V, named, and no QTc critical flag from the ectopic beat', (noise) => {
    const overrides: Partial<SynthParams> = { noise, ventricular: { every: 2 } };
    const { truth, measured } = classesOfTrueBeats(overrides);
    expect(measured).toBe(truth);
    const m = measure(overrides).measured;
    expect(m.rhythm.hints).toContain('VENTRICULAR_BIGEMINY');
    expect(m.critical).toEqual([]);
  });

  it.each(NOISES)('trigeminy and bigeminy with PVCs three times the normal QRS (%s): the small normal beats are found', (noise) => {
    // The PVCs' slope energy is ~20 times the normal beats': one adaptive threshold follows them and missed every
    // normal beat (trigeminy measured as 25 bpm of N beats).
    for (const every of [3, 2]) {
      const overrides: Partial<SynthParams> = { noise, heartRateBpm: 75, seed: 1, ventricular: { every, amplitudeScale: 3 } };
      const { truth, measured } = classesOfTrueBeats(overrides);
      expect(measured, `every ${every}`).toBe(truth);
      const m = measure(overrides);
      expect(m.measured.beatSamples).toHaveLength(m.truth.beats.length);
      expect(Math.abs(m.measured.heartRateBpm! - m.truth.heartRateBpm)).toBeLessThan(2);
      expect(m.measured.rhythm.hints).toContain(every === 3 ? 'VENTRICULAR_TRIGEMINY' : 'VENTRICULAR_BIGEMINY');
    }
  });

  it('slow sinus rhythm with a long PR: the P waves, alike and below the threshold, are not taken for small beats', () => {
    for (const seed of [11, 39]) {
      const params = randomParams(seed, 'clean', { afShare: 0.2 });
      expect(params.heartRateBpm).toBeLessThan(50);
      const { measured, truth } = measure(params);
      expect(measured.beatSamples, `seed ${seed}`).toHaveLength(truth.beats.length);
    }
  });

  it('a beat of another shape on time is not a ventricular ectopic beat; premature ones, bigeminy and couplets are', () => {
    const onTime = [0, 1000, 2000, 3000, 4000, 5000, 6000];
    expect(timelyVentricularAsNormal(onTime, ['N', 'N', 'N', 'V', 'N', 'N', 'N'])).toEqual(['N', 'N', 'N', 'N', 'N', 'N', 'N']);
    const premature = [0, 1000, 2000, 2650, 4000, 5000, 6000];
    expect(timelyVentricularAsNormal(premature, ['N', 'N', 'N', 'V', 'N', 'N', 'N'])).toEqual(['N', 'N', 'N', 'V', 'N', 'N', 'N']);
    const bigeminy = [0, 650, 2000, 2650, 4000, 4650, 6000];
    expect(timelyVentricularAsNormal(bigeminy, ['N', 'V', 'N', 'V', 'N', 'V', 'N'])).toEqual(['N', 'V', 'N', 'V', 'N', 'V', 'N']);
    const couplet = [0, 1000, 2000, 2650, 3300, 4600, 5600];
    expect(timelyVentricularAsNormal(couplet, ['N', 'N', 'N', 'V', 'V', 'N', 'N'])).toEqual(['N', 'N', 'N', 'V', 'V', 'N', 'N']);
  });

  it('trigeminy: every third beat V, named', () => {
    const m = measure({ ventricular: { every: 3 } }).measured;
    expect(m.rhythm.hints).toContain('VENTRICULAR_TRIGEMINY');
    expect(m.rhythm.hints).not.toContain('POSSIBLE_ATRIAL_FIBRILLATION');
    expect(classesOfTrueBeats({ ventricular: { every: 3 } })).toMatchObject({ measured: 'NVNNVNNVNNVN' });
  });
});

describe('irregular RR', () => {
  it.each(NOISES)('with a P wave before every QRS (%s): irregular rhythm, not atrial fibrillation', (noise) => {
    for (const seed of [1, 2, 3]) {
      const m = measure({ seed, noise, irregularWithP: true }).measured;
      expect(m.rhythm.hints, `seed ${seed}`).not.toContain('POSSIBLE_ATRIAL_FIBRILLATION');
      expect(m.rhythm.pWavesPresent).toBe(true);
    }
  });

  it.each(NOISES)('without P waves (%s): possible atrial fibrillation, with its evidence', (noise) => {
    for (const seed of [1, 2, 3]) {
      const m = measure({ seed, noise, atrialFibrillation: true }).measured;
      expect(m.rhythm.hints, `seed ${seed}`).toEqual(['POSSIBLE_ATRIAL_FIBRILLATION']);
      expect(m.rhythm.evidence![0]!.text).toMatch(/no consistent P wave; irregularly irregular/);
      expect(m.beatClasses!.filter((c) => c === 'V' || c === 'S')).toEqual([]);
    }
  });
});

describe('QT and the QTc critical flag', () => {
  it.each(NOISES)('a wide QRS (170 ms) with QT 540 ms at 60 bpm (%s): QT measured, no critical flag once adjusted for the QRS', (noise) => {
    const { measured, truth } = measure({ noise, qrsMs: 170, qtMs: 540, heartRateBpm: 60, stSegmentMs: 20 });
    expect(Math.abs(measured.intervals.qrsMs! - truth.qrsMs)).toBeLessThanOrEqual(12);
    expect(measured.intervals.qtcBazettMs).toBeGreaterThan(500); // Bazett's QTc as such, for the reader
    expect(measured.critical).toEqual([]);
  });

  it('still flags a truly long QT with a wide QRS', () => {
    const { measured } = measure({ qrsMs: 150, qtMs: 640, heartRateBpm: 60, stSegmentMs: 20 });
    expect(measured.critical.map((c) => c.code)).toEqual(['QTC_LONG']);
    expect(measured.critical[0]!.message).toMatch(/adjusted for the wide QRS/);
  });

  it('judges the QTc critical flag at the earlier T end of the two halves of the beats (record 105: QTc 510 ms)', () => {
    // halves 55 ms apart: the even beats end T at the median's T end, the odd ones 55 ms earlier
    const median = points({});
    const halves: [Delineation, Delineation] = [points({}), points({ tEnd: 380 - Math.round(0.055 * 500) })];
    expect(shortestQtMs(400, median, halves, 500)).toBe(344); // (352 − 180) samples at 500 Hz
    expect(shortestQtMs(400, median, [points({}), points({ tEnd: 400 })], 500)).toBe(400);
    expect(shortestQtMs(400, median, null, 500)).toBe(400);
    // through measureEcg: a long QT the halves agree on is still flagged, with no such warning
    const { measured } = measure({ qtMs: 560, heartRateBpm: 70 });
    expect(measured.critical.map((c) => c.code)).toEqual(['QTC_LONG']);
    expect(measured.warnings.join(' ')).not.toMatch(/not flagged as critical/);
  });

  const points = (overrides: Partial<Delineation>): Delineation => ({
    pOnset: 100,
    pPeak: 130,
    qrsOnset: 180,
    qrsOffset: 225,
    tPeak: 330,
    tEnd: 380,
    isoelectric: [0],
    isoelectricIndex: 170,
    pAmplitude: 100,
    magnitudeNoise: 5,
    ...overrides,
  });
  // 500 Hz, fiducial at sample 200: P onset −200 ms, QRS onset −40 ms; RR 733 ms puts the next P at +533 ms.
  const check = (over: Partial<Delineation>, halves: [Delineation, Delineation] | null = null) =>
    untrustedIntervals({ points: points(over), halves, fiducialIndex: 200, beatLength: 600, rrMs: 733, sampleRateHz: 500 });

  it('says QT is not measurable when the T end found falls on the next P wave (QT 628 ms at RR 733 ms)', () => {
    expect(check({})).toEqual([]);
    const late = check({ tEnd: 180 + 314 }); // QT 628 ms
    expect(late).toEqual([{ interval: 'QT', reason: expect.stringMatching(/runs into the next beat's P wave/) }]);
  });

  it('says why when the two halves of the beats disagree, or a wave is missing', () => {
    const halves: [Delineation, Delineation] = [points({}), points({ tEnd: 380 + 40 })];
    expect(check({}, halves)).toEqual([{ interval: 'QT', reason: expect.stringMatching(/halves of the beats .* 80 ms apart/) }]);
    expect(check({ pOnset: null })).toEqual([{ interval: 'PR', reason: 'no P wave found in the median beat' }]);
    expect(check({ tEnd: 595 })[0]!.reason).toMatch(/does not end within the beat/);
  });
});

describe('a window starting on a T wave', () => {
  it.each([-150, -200, -250, -300])('first QRS onset at %i ms: no beat detected on the T wave', (firstOnsetMs) => {
    for (const noise of NOISES) {
      const { measured, truth } = measure({ noise, firstOnsetMs, heartRateBpm: 70 });
      const trueFirst = truth.beats[0]!.fiducial;
      const early = measured.beatSamples.filter((s) => s < trueFirst - 75);
      expect(early, `${noise}`).toEqual([]);
    }
  });

  it.each([-150, -200, -250])('first QRS onset at %i ms, a T wave as tall as a low-voltage QRS: not taken for a beat', (firstOnsetMs) => {
    // With no beat before it, Pan & Tompkins' T-wave test could not apply: the T wave was the first detection.
    for (const noise of NOISES) {
      const { measured, truth } = measure({ noise, firstOnsetMs, heartRateBpm: 70, qrsAmplitudeUv: 600, tAmplitudeUv: 600 });
      const trueFirst = truth.beats[0]!.fiducial;
      expect(
        measured.beatSamples.filter((s) => s < trueFirst - 75),
        `${noise}`,
      ).toEqual([]);
      expect(Math.abs(measured.heartRateBpm! - truth.heartRateBpm), `${noise}`).toBeLessThan(2);
    }
  });

  it('a QRS cut by the start is still a beat', () => {
    const { measured, truth } = measure({ noise: 'clean', firstOnsetMs: -30, heartRateBpm: 70, qrsAmplitudeUv: 600, tAmplitudeUv: 600 });
    const early = measured.beatSamples.filter((s) => s < truth.beats[0]!.fiducial - 75);
    expect(early).toHaveLength(1);
    expect(early[0]!).toBeLessThan(50);
  });
});
