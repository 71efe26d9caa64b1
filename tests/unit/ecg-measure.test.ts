// Accuracy of the automatic ECG measurements on seeded synthetic ECGs with known truth, rhythm hints, critical
// flags, and plausibility on the real Mortara ECG of the pydicom corpus. Accuracy only: timing is the benchmark's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEcg } from '../../server/ecg/decode.ts';
import { measureEcg } from '../../server/ecg/measure.ts';
import { ecgMeasurementsSchema, type EcgMeasurements, type EcgRecording } from '../../shared/ecg/types.ts';
import { corpusFile } from '../fixtures/corpus.ts';
import {
  addScores,
  deviceAnnotations,
  measurementErrors,
  NO_BEATS,
  positivePredictivity,
  scoreBeats,
  sensitivity,
  summariseErrors,
  type MeasurementErrors,
} from '../fixtures/ecg-accuracy.ts';
import { NORMAL_ECG, randomParams, synthesizeEcg, type NoiseLevel, type SynthParams } from '../fixtures/ecg-synth.ts';

const SET_SIZE = 30;

describe.each<NoiseLevel>(['clean', 'moderate'])('a seeded set of %s synthetic ECGs (20 % AF)', (level) => {
  const cases = Array.from({ length: SET_SIZE }, (_, i) => {
    const params = randomParams(1000 + i, level, { afShare: 0.2 });
    const { recording, truth } = synthesizeEcg(params);
    return { params, recording, truth, measured: measureEcg(recording) };
  });
  const errors = cases.map((c) => measurementErrors(c.measured, c.truth));
  const summary = (key: keyof MeasurementErrors) => summariseErrors(errors.map((e) => e[key]));

  it('finds the beats: sensitivity and positive predictivity ≥ 99.5 %', () => {
    const score = cases.reduce(
      (total, c) =>
        addScores(
          total,
          scoreBeats(
            c.measured.beatSamples,
            c.truth.beats.map((b) => b.fiducial),
            c.recording.sampleRateHz,
            c.recording.leads[0]!.microvolts.length,
          ),
        ),
      NO_BEATS,
    );
    expect(score.truePositives).toBeGreaterThan(300);
    expect(sensitivity(score)).toBeGreaterThanOrEqual(0.995);
    expect(positivePredictivity(score)).toBeGreaterThanOrEqual(0.995);
  });

  it('measures PR and QRS within ±10 ms and QT within ±25 ms on average', () => {
    const [pr, qrs, qt] = [summary('prMs'), summary('qrsMs'), summary('qtMs')];
    expect(Math.abs(pr.mean)).toBeLessThanOrEqual(10);
    expect(Math.abs(qrs.mean)).toBeLessThanOrEqual(10);
    expect(Math.abs(qt.mean)).toBeLessThanOrEqual(25);
    expect([qrs.missing, qt.missing]).toEqual([0, 0]);
    expect(pr.missing).toBeLessThanOrEqual(1); // PR is only expected where there are P waves
  });

  it('gets every heart rate within ±2 bpm and every QRS axis within ±15°', () => {
    expect(summary('heartRateBpm').maxAbs).toBeLessThanOrEqual(2);
    expect(summary('axisDeg').maxAbs).toBeLessThanOrEqual(15);
  });

  it('names the rhythm: sinus (by rate) or possible atrial fibrillation', () => {
    for (const { params, truth, measured } of cases) {
      const rate = truth.heartRateBpm;
      const expected = params.atrialFibrillation
        ? 'POSSIBLE_ATRIAL_FIBRILLATION'
        : rate > 100
          ? 'SINUS_TACHYCARDIA'
          : rate < 60
            ? 'SINUS_BRADYCARDIA'
            : 'SINUS_RHYTHM';
      // A rate within 1 bpm of a boundary may fall either side.
      if (Math.abs(rate - 100) < 1 || Math.abs(rate - 60) < 1) continue;
      expect(measured.rhythm.hints, `seed ${params.seed}`).toEqual([expected]);
    }
  });

  it('raises no critical flag on these ECGs (rates 45–110, QTc ≤ 460 ms, no ST elevation)', () => {
    for (const { params, measured } of cases) expect(measured.critical, `seed ${params.seed}`).toEqual([]);
  });
});

describe('rhythm hints and critical values', () => {
  const measure = (overrides: Partial<SynthParams>) => measureEcg(synthesizeEcg(overrides).recording);
  const codes = (m: EcgMeasurements) => m.critical.map((c) => c.code);

  it.each<[string, Partial<SynthParams>, string]>([
    ['sinus rhythm at 72', {}, 'SINUS_RHYTHM'],
    ['sinus tachycardia at 115', { heartRateBpm: 115, qtMs: 320, prMs: 140 }, 'SINUS_TACHYCARDIA'],
    ['sinus bradycardia at 50', { heartRateBpm: 50, qtMs: 420 }, 'SINUS_BRADYCARDIA'],
    ['atrial fibrillation at 90', { atrialFibrillation: true, heartRateBpm: 90 }, 'POSSIBLE_ATRIAL_FIBRILLATION'],
  ])('%s', (_, overrides, hint) => {
    for (const noise of ['clean', 'moderate'] as const) expect(measure({ ...overrides, noise }).rhythm.hints).toEqual([hint]);
  });

  it.each<[string, Partial<SynthParams>, string]>([
    ['rate 35 bpm', { heartRateBpm: 35, qtMs: 460 }, 'RATE_LOW'],
    ['rate 160 bpm', { heartRateBpm: 160, qtMs: 250, prMs: 120, pDurationMs: 80, stSegmentMs: 10 }, 'RATE_HIGH'],
    ['QTc above 500 ms (QT 560 at 65 bpm)', { heartRateBpm: 65, qtMs: 560 }, 'QTC_LONG'],
    ['inferior ST elevation (0.2 mV)', { stElevation: { territory: 'inferior', microvolts: 200 } }, 'ST_ELEVATION'],
    ['anterior ST elevation (0.25 mV)', { stElevation: { territory: 'anterior', microvolts: 250 } }, 'ST_ELEVATION'],
  ])('%s raises %s, and only that', (_, overrides, code) => {
    for (const noise of ['clean', 'moderate'] as const) expect(codes(measure({ ...overrides, noise }))).toEqual([code]);
  });

  it('names the leads with ST elevation', () => {
    const inferior = measure({ stElevation: { territory: 'inferior', microvolts: 200 } }).critical[0]!;
    expect(inferior.leads).toEqual(['II', 'III', 'aVF']);
    const anterior = measure({ stElevation: { territory: 'anterior', microvolts: 250 } }).critical[0]!;
    expect(anterior.leads).toEqual(expect.arrayContaining(['V2', 'V3']));
  });

  it('a normal ECG raises none', () => {
    expect(codes(measure(NORMAL_ECG))).toEqual([]);
    expect(codes(measure({ ...NORMAL_ECG, noise: 'moderate' }))).toEqual([]);
  });

  it.each([250, 1000])('works at %i Hz', (sampleRateHz) => {
    const { recording, truth } = synthesizeEcg({ sampleRateHz, noise: 'moderate' });
    const errors = measurementErrors(measureEcg(recording), truth);
    expect(Math.abs(errors.prMs!)).toBeLessThanOrEqual(12);
    expect(Math.abs(errors.qrsMs!)).toBeLessThanOrEqual(12);
    expect(Math.abs(errors.qtMs!)).toBeLessThanOrEqual(25);
  });
});

describe('the result', () => {
  it('is labelled automatic and survives JSON as the schema describes it', () => {
    const measured = measureEcg(synthesizeEcg().recording);
    expect(measured.automatic).toBe(true);
    const parsed = ecgMeasurementsSchema.parse(JSON.parse(JSON.stringify(measured)));
    expect(parsed).toEqual(measured);
  });

  it('says why when there are too few beats to measure', () => {
    const flat: EcgRecording = { sampleRateHz: 500, durationMs: 2000, leads: [{ name: 'II', microvolts: new Float32Array(1000) }] };
    const measured = measureEcg(flat);
    expect(measured.heartRateBpm).toBeNull();
    expect(measured.intervals.qtMs).toBeNull();
    expect(measured.warnings[0]).toMatch(/too few/);
    expect(ecgMeasurementsSchema.safeParse(measured).success).toBe(true);
  });
});

describe('the real 12-lead ECG of the pydicom corpus', () => {
  // The Mortara ELI 250 that recorded it stored its own beat marks and measurements in the file (Waveform
  // Annotation Sequence): RR 982 ms, PR 161, QRS 75, QT 368, QRS axis 52°. Two algorithms differ on real data;
  // the tolerances are IEC 60601-2-25's for mean differences (QRS ±10 ms, QT ±25 ms), PR's doubled for one record.
  const bytes = readFileSync(corpusFile('test_files/waveform_ecg.dcm'));
  const decoded = decodeEcg(bytes, 'dicom');
  if ('problem' in decoded) throw new Error(decoded.problem.reason);
  const measured = measureEcg(decoded.recording);
  const device = deviceAnnotations(bytes);

  it('has 12 leads and a plausible sinus rate', () => {
    expect(decoded.recording.leads).toHaveLength(12);
    expect(measured.heartRateBpm).toBeGreaterThanOrEqual(40);
    expect(measured.heartRateBpm).toBeLessThanOrEqual(120);
    expect(measured.rhythm.hints).toEqual(['SINUS_RHYTHM']);
    expect(measured.critical).toEqual([]);
  });

  it('finds the same beats as the cart, within 10 ms', () => {
    expect(measured.beatSamples).toHaveLength(device.beatFiducials.length);
    measured.beatSamples.forEach((beat, i) => expect(Math.abs(beat - device.beatFiducials[i]!)).toBeLessThanOrEqual(10));
  });

  it('agrees with the cart on RR, PR, QRS, QT and axis', () => {
    expect(Math.abs(measured.rrMeanMs! - device.measurements['RR Interval']!)).toBeLessThanOrEqual(5);
    expect(Math.abs(measured.intervals.prMs! - device.measurements['PR Interval']!)).toBeLessThanOrEqual(20);
    expect(Math.abs(measured.intervals.qrsMs! - device.measurements['QRS Duration']!)).toBeLessThanOrEqual(10);
    expect(Math.abs(measured.intervals.qtMs! - device.measurements['QT Interval']!)).toBeLessThanOrEqual(25);
    expect(Math.abs(measured.qrsAxisDeg! - device.measurements['QRS Axis']!)).toBeLessThanOrEqual(15);
  });
});
