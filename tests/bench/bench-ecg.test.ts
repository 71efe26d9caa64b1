// The ECG benchmark is a script (npm run bench:ecg), not a timed test; this proves it runs end to end on a small
// load, including its MIT-BIH part, fed a WFDB record folder the test writes itself (synthetic ECGs with their
// true beats as reference annotations, in format 212 and 16), and that the per-record figures add up to the total.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { EDGE_MS } from '../fixtures/ecg-accuracy.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { writeAnnotations, writeRecord, type AnnotationToWrite } from '../fixtures/wfdb.ts';

const FS = 360;
const dir = mkdtempSync(join(tmpdir(), 'teledx-mitdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes one synthetic record; returns how many reference beats the bench should score (inside each window). */
function syntheticRecord(name: string, format: 212 | 16, af: boolean, extra: boolean): number {
  const { recording, truth } = synthesizeEcg({
    seed: af ? 7 : 3,
    sampleRateHz: FS,
    durationS: 25,
    heartRateBpm: 75,
    atrialFibrillation: af,
  });
  const [gain, adcZero] = format === 212 ? [200, 1024] : [1000, 0];
  const adc = (name: string) =>
    Int16Array.from(recording.leads.find((lead) => lead.name === name)!.microvolts, (uv) => Math.round((uv / 1000) * gain) + adcZero);
  const signals = [
    { description: 'MLII', samples: adc('II'), gain, adcZero },
    { description: af ? 'V5' : 'V1', samples: adc(af ? 'V5' : 'V1'), gain, adcZero },
    ...(extra ? [{ description: 'resp', samples: new Int16Array(adc('II').length), gain, adcZero }] : []),
  ];
  const written = writeRecord(name, FS, signals, format);
  writeFileSync(join(dir, `${name}.hea`), written.header);
  writeFileSync(join(dir, written.datFile), written.dat);
  const beats: AnnotationToWrite[] = truth.beats.map((b, i) => ({ sample: b.fiducial, symbol: i === 5 ? 'V' : 'N' }));
  writeFileSync(join(dir, `${name}.atr`), writeAnnotations([{ sample: 0, symbol: '+', aux: af ? '(AFIB' : '(N' }, ...beats]));
  const [length, edge] = [10 * FS, (EDGE_MS * FS) / 1000];
  return truth.beats.filter((b) => b.fiducial < 2 * length && b.fiducial % length >= edge && b.fiducial % length < length - edge).length;
}

it('npm run bench:ecg -- --mitdb DIR runs and its per-record figures add up', async () => {
  const expectedBeats = syntheticRecord('s1', 212, false, false) + syntheticRecord('s2', 16, true, true);
  writeFileSync(join(dir, 'no-annotations.hea'), 'no-annotations 1 360 10\nno-annotations.dat 16 200 16 0\n'); // skipped: no .atr
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/bench/ecg.ts', '--count', '1', '--runs', '1', '--mitdb', dir],
    { cwd: root, timeout: 120_000 },
  );
  // the synthetic and single-record parts still run
  expect(stdout).toMatch(/clean, 500 Hz, 1 ECGs/);
  expect(stdout).toMatch(/real ECG: pydicom corpus waveform_ecg\.dcm/);
  expect(stdout).toMatch(/DICOM parse \+ measure\s+[\d.]+ ms/);

  expect(stdout).toContain(`MIT-BIH / WFDB records in ${dir}: 2 records, consecutive 10 s windows`);
  expect(stdout).toContain('record s1: 2 windows, leads MLII→II, V1, 360 Hz');
  expect(stdout).toContain('record s2: 2 windows, leads MLII→II, V5, resp→(not used), 360 Hz');
  expect(stdout).toContain('total: 2 records, 4 windows, 360 Hz');

  const sections = stdout.split(/\n {2}(?=record |total: )/).slice(1);
  expect(sections).toHaveLength(3);
  const figures = sections.map((text) => {
    const beats = /beats {4}(\d+) reference: Se ([\d.]+) %, \+P ([\d.]+) % \((\d+) missed, (\d+) false\)/.exec(text)!;
    const hr = /HR {7}within ±5 bpm in (\d+) of (\d+) windows/.exec(text)!;
    const af = /AF {7}called in (\d+) of (\d+) windows with AFIB\/AFL; false AF in (\d+) of (\d+) windows without/.exec(text)!;
    const critical = /critical (\d+) of (\d+) windows flagged \(QTC_LONG (\d+),/.exec(text)!;
    const veb = /VEB {6}(\d+) reference V\/E beats: Se ([\d.]+) %, \+P ([\d.—]+)/.exec(text)!;
    expect(veb, text).not.toBeNull();
    expect(text).toMatch(/rhythm {3}reference \(dominant in the window\) → product hints: \(/);
    expect(text).toMatch(/speed {4}[\d.]+ ms per 10 s window/);
    return {
      beats: Number(beats[1]),
      se: Number(beats[2]),
      ppv: Number(beats[3]),
      missed: Number(beats[4]),
      falseBeats: Number(beats[5]),
      hr: [Number(hr[1]), Number(hr[2])],
      af: [1, 2, 3, 4].map((i) => Number(af[i])),
      critical: [1, 2, 3].map((i) => Number(critical[i])),
      veb: Number(veb[1]),
    };
  });
  const [s1, s2, total] = figures as [(typeof figures)[0], (typeof figures)[0], (typeof figures)[0]];
  // every reference beat inside a window is scored, and the records add up to the total
  expect(s1.beats + s2.beats).toBe(expectedBeats);
  expect(total.beats).toBe(expectedBeats);
  expect(total.missed).toBe(s1.missed + s2.missed);
  expect(total.falseBeats).toBe(s1.falseBeats + s2.falseBeats);
  expect(total.hr).toEqual([s1.hr[0]! + s2.hr[0]!, 4]);
  expect(total.af).toEqual(s1.af.map((n, i) => n + s2.af[i]!));
  expect(total.critical).toEqual(s1.critical.map((n, i) => n + s2.critical[i]!));
  // the one V label of each record is a normal synthetic beat: scored as a reference VEB
  expect(total.veb).toBe(s1.veb + s2.veb);
  // the reference rhythm: s1 sinus (2 windows without AF), s2 AFIB (2 windows with)
  expect([s1.af[1], s1.af[3], s2.af[1], s2.af[3]]).toEqual([0, 2, 2, 0]);
  // synthetic ECGs are what the detector was tuned on: its beats and rates are right there
  expect(total.se).toBeGreaterThanOrEqual(99);
  expect(total.ppv).toBeGreaterThanOrEqual(99);
  expect(s1.hr[0]).toBe(2);
}, 130_000);
