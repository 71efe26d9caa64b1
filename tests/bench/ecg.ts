// npm run bench:ecg -- [--count N (0: no synthetic set)] [--runs N] [--mitdb DIR [--details]]
//
// Accuracy and speed of the ECG core. Accuracy: N synthetic 10 s 12-lead ECGs (500 Hz, varied rate, PR, QRS, QT,
// axis, amplitudes; 20 % atrial fibrillation) per noise level, measured against the exact wave boundaries they were
// synthesised with: beat sensitivity / positive predictivity (ANSI/AAMI EC57 matching, 150 ms), mean ± SD error of
// PR, QRS, QT, heart rate and QRS axis, rhythm hints. Then the one real annotated ECG available offline (pydicom's
// Mortara ELI 250 file) against the cart's own beat marks and measurements. Speed: DICOM bytes → recording and
// recording → measurements for one 10 s 12-lead ECG at 500 Hz, median over many runs. With --mitdb DIR: the WFDB
// records in DIR (PhysioNet's MIT-BIH Arrhythmia Database, not shipped with the project) in consecutive 10 s
// windows against their reference annotations (tests/bench/ecg-mitdb.ts).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeEcg } from '../../server/ecg/decode.ts';
import { measureEcg } from '../../server/ecg/measure.ts';
import type { EcgMeasurements, EcgRecording } from '../../shared/ecg/types.ts';
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
import { writeAecg, writeDicomEcg } from '../fixtures/ecg-files.ts';
import { randomParams, synthesizeEcg, type NoiseLevel, type SynthParams } from '../fixtures/ecg-synth.ts';
import { benchMitdb } from './ecg-mitdb.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    runs: { type: 'string', default: '50' },
    mitdb: { type: 'string' },
    details: { type: 'boolean', default: false },
  },
});
const COUNT = Number(args.count);
const RUNS = Number(args.runs);
const AF_SHARE = 0.2;

const percent = (value: number) => `${(100 * value).toFixed(2)} %`;
const signed = (value: number, digits = 1) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function lengthOf(recording: EcgRecording): number {
  return recording.leads[0]!.microvolts.length;
}

/** The rhythm hint a synthetic ECG should get. */
function expectedHint(params: SynthParams, heartRateBpm: number): string {
  if (params.atrialFibrillation) return 'POSSIBLE_ATRIAL_FIBRILLATION';
  return heartRateBpm > 100 ? 'SINUS_TACHYCARDIA' : heartRateBpm < 60 ? 'SINUS_BRADYCARDIA' : 'SINUS_RHYTHM';
}

function accuracy(level: NoiseLevel, sampleRateHz: number, count: number): void {
  let beats = NO_BEATS;
  const errors: MeasurementErrors[] = [];
  let hintsRight = 0;
  for (let seed = 1; seed <= count; seed++) {
    const params = randomParams(seed, level, { afShare: AF_SHARE, sampleRateHz });
    const { recording, truth } = synthesizeEcg(params);
    const measured = measureEcg(recording);
    beats = addScores(
      beats,
      scoreBeats(
        measured.beatSamples,
        truth.beats.map((b) => b.fiducial),
        sampleRateHz,
        lengthOf(recording),
      ),
    );
    errors.push(measurementErrors(measured, truth));
    if (measured.rhythm.hints.join() === expectedHint(params, truth.heartRateBpm)) hintsRight++;
  }
  const line = (label: string, key: keyof MeasurementErrors, unit: string, target: string) => {
    const s = summariseErrors(errors.map((e) => e[key]));
    const missing = s.missing ? `, ${s.missing} not measured` : '';
    console.log(
      `    ${label.padEnd(6)} ${signed(s.mean).padStart(6)} ± ${s.sd.toFixed(1).padEnd(5)} ${unit.padEnd(4)} (max |error| ${s.maxAbs.toFixed(0)}${missing})   target mean within ±${target}`,
    );
  };
  console.log(
    `  ${level}, ${sampleRateHz} Hz, ${count} ECGs (${Math.round(AF_SHARE * 100)} % AF): ${beats.truePositives + beats.falseNegatives} beats`,
  );
  console.log(
    `    beats  Se ${percent(sensitivity(beats))}, PPV ${percent(positivePredictivity(beats))} (${beats.falseNegatives} missed, ${beats.falsePositives} false)   target ≥ 99.5 %`,
  );
  line('PR', 'prMs', 'ms', '10 ms');
  line('QRS', 'qrsMs', 'ms', '10 ms');
  line('QT', 'qtMs', 'ms', '25 ms');
  line('HR', 'heartRateBpm', 'bpm', '2 bpm');
  line('axis', 'axisDeg', '°', '15°');
  console.log(`    rhythm hint as expected in ${hintsRight}/${count}`);
}

function realRecord(): void {
  const bytes = readFileSync(corpusFile('test_files/waveform_ecg.dcm'));
  const decoded = decodeEcg(bytes, 'dicom');
  if ('problem' in decoded) throw new Error(decoded.problem.reason);
  const measured = measureEcg(decoded.recording);
  const device = deviceAnnotations(bytes);
  const score = scoreBeats(measured.beatSamples, device.beatFiducials, 1000, lengthOf(decoded.recording));
  const offsets = measured.beatSamples.map((b) => Math.min(...device.beatFiducials.map((d) => Math.abs(d - b))));
  const compare = (label: string, ours: number | null, theirs: number | undefined, unit: string) =>
    console.log(
      `    ${label.padEnd(6)} ${String(ours).padStart(6)} ${unit.padEnd(3)} cart ${String(theirs).padStart(4)}  (${ours === null || theirs === undefined ? '—' : signed(ours - theirs, 0)})`,
    );
  console.log("  real ECG: pydicom corpus waveform_ecg.dcm (Mortara ELI 250, 12 leads, 1000 Hz, 10 s) vs the cart's own annotations");
  console.log(
    `    beats  ${measured.beatSamples.length} found, cart marks ${device.beatFiducials.length}: Se ${percent(sensitivity(score))}, PPV ${percent(positivePredictivity(score))} (largest offset ${Math.max(...offsets)} ms)`,
  );
  compare('RR', measured.rrMeanMs, device.measurements['RR Interval'], 'ms');
  compare('PR', measured.intervals.prMs, device.measurements['PR Interval'], 'ms');
  compare('QRS', measured.intervals.qrsMs, device.measurements['QRS Duration'], 'ms');
  compare('QT', measured.intervals.qtMs, device.measurements['QT Interval'], 'ms');
  compare('QTc', measured.intervals.qtcBazettMs, device.measurements['QTc Interval'], 'ms');
  compare('axis', measured.qrsAxisDeg, device.measurements['QRS Axis'], '°');
  console.log(
    `    HR ${measured.heartRateBpm} bpm, rhythm ${measured.rhythm.hints.join(', ') || '—'}, critical ${measured.critical.map((c) => c.code).join(', ') || 'none'}`,
  );
}

function timed<T>(work: () => T): { result: T; ms: number[] } {
  for (let i = 0; i < 5; i++) work(); // warm up the JIT
  const ms: number[] = [];
  let result = work();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = work();
    ms.push(performance.now() - start);
  }
  return { result, ms };
}

function speed(): void {
  const { recording } = synthesizeEcg({ ...randomParams(1, 'moderate'), atrialFibrillation: false });
  const dicom = writeDicomEcg(recording).bytes;
  const aecg = writeAecg(recording);
  const decodeDicom = timed(() => decodeEcg(dicom, 'dicom'));
  const decodeAecg = timed(() => decodeEcg(aecg, 'aecg'));
  const decoded = decodeDicom.result;
  if ('problem' in decoded) throw new Error(decoded.problem.reason);
  const measure = timed((): EcgMeasurements => measureEcg(decoded.recording));
  const total = decodeDicom.ms.map((ms, i) => ms + measure.ms[i]!);
  console.log(`  speed: one 10 s 12-lead ECG at 500 Hz (median of ${RUNS} runs)`);
  console.log(`    DICOM bytes (${(dicom.length / 1024).toFixed(0)} KiB) → recording  ${median(decodeDicom.ms).toFixed(1)} ms`);
  console.log(`    aECG bytes (${(aecg.length / 1024).toFixed(0)} KiB) → recording   ${median(decodeAecg.ms).toFixed(1)} ms`);
  console.log(`    recording → measurements        ${median(measure.ms).toFixed(1)} ms`);
  console.log(`    DICOM parse + measure           ${median(total).toFixed(1)} ms   target < 50 ms`);
}

console.log('ECG core benchmark: automatic measurements vs known truth (all figures are automatic suggestions)');
if (COUNT > 0) {
  for (const level of ['clean', 'moderate', 'strong'] as NoiseLevel[]) accuracy(level, 500, COUNT);
  for (const rate of [250, 1000]) accuracy('moderate', rate, Math.max(1, Math.round(COUNT / 4)));
}
realRecord();
speed();
if (args.mitdb) benchMitdb(args.mitdb, { details: args.details });
else console.log('  annotated records (MIT-BIH, PhysioNet): none given; pass --mitdb DIR (a folder of WFDB records with .atr annotations)');
