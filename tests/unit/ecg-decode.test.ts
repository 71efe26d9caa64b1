// ECG decoding: DICOM waveform (real Mortara file from the pydicom corpus, and files written by dcmjs with every
// sample format), HL7 aECG, lead naming and derivation, and the coded errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aLawToLinear, GENERAL_ECG_STORAGE, muLawToLinear, TWELVE_LEAD_ECG_STORAGE } from '../../server/ecg/decode-dicom.ts';
import { decodeEcg, sniffEcgKind, type EcgDecodeResult } from '../../server/ecg/decode.ts';
import { completeLeads, normaliseLeadName } from '../../shared/ecg/leads.ts';
import { LEAD_NAMES, type EcgRecording, type LeadName } from '../../shared/ecg/types.ts';
import { corpusFile } from '../fixtures/corpus.ts';
import { syntheticCt, writeDicom } from '../fixtures/dicom-writer.ts';
import { IMPLICIT_VR_LE, writeAecg, writeDicomEcg, type DicomEcgOptions } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { tinyAecg, tinyPdf } from '../fixtures/other-files.ts';

const INDEPENDENT: LeadName[] = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function recordingOf(result: EcgDecodeResult): EcgRecording {
  if ('problem' in result) throw new Error(`${result.problem.code}: ${result.problem.reason}`);
  return result.recording;
}

function problemOf(result: EcgDecodeResult): string {
  return 'problem' in result ? result.problem.code : 'decoded';
}

/** Largest |decoded − original| over all leads and samples, µV. */
function largestError(original: EcgRecording, decoded: EcgRecording): number {
  let largest = 0;
  for (const lead of original.leads) {
    const other = decoded.leads.find((l) => l.name === lead.name)!.microvolts;
    for (let s = 0; s < lead.microvolts.length; s++) largest = Math.max(largest, Math.abs(lead.microvolts[s]! - other[s]!));
  }
  return largest;
}

describe('DICOM waveform: the real 12-lead ECG of the pydicom corpus (Mortara ELI 250)', () => {
  const recording = recordingOf(decodeEcg(readFileSync(corpusFile('test_files/waveform_ecg.dcm')), 'dicom'));

  it('takes the 10 s rhythm group (12 channels × 10,000 samples at 1000 Hz), not the 1.2 s median beat group', () => {
    expect(recording.sampleRateHz).toBe(1000);
    expect(recording.durationMs).toBe(10000);
    expect(recording.leads.map((lead) => lead.name)).toEqual([...LEAD_NAMES]);
    for (const lead of recording.leads) expect(lead.microvolts.length).toBe(10000);
  });

  it('gives the same microvolts as pydicom', () => {
    // Provenance: pydicom 2.3.1 (Debian python3-pydicom), ds.waveform_array(0) on this file, which applies Channel
    // Sensitivity 1.25 uV, correction factor 1 and baseline 0; rows are sample indices, columns the channels in
    // file order (I, II, III, aVR, aVL, aVF, V1–V6). Raw first row: 80 90 10 -85 35 50 40 15 -10 -20 -55 -40.
    const pydicom: Record<number, number[]> = {
      0: [100.0, 112.5, 12.5, -106.25, 43.75, 62.5, 50.0, 18.75, -12.5, -25.0, -68.75, -50.0],
      1: [81.25, 106.25, 25.0, -93.75, 27.5, 65.0, 50.0, 25.0, -12.5, -25.0, -75.0, -50.0],
      2500: [603.75, 912.5, 308.75, -757.5, 147.5, 610.0, -812.5, -625.0, -831.25, 893.75, 1662.5, 1206.25],
      5000: [53.75, 68.75, 15.0, -61.25, 18.75, 41.25, 68.75, 31.25, 12.5, -50.0, -87.5, -31.25],
      7777: [68.75, 106.25, 37.5, -87.5, 15.0, 71.25, 50.0, 37.5, 50.0, 37.5, 12.5, 25.0],
      9999: [25.0, 137.5, 112.5, -81.25, -43.75, 125.0, 25.0, -12.5, -112.5, -137.5, -150.0, -112.5],
    };
    for (const [sample, values] of Object.entries(pydicom)) {
      expect(recording.leads.map((lead) => lead.microvolts[Number(sample)])).toEqual(values);
    }
  });
});

describe('DICOM waveform written by dcmjs: synthesise → write → decode', () => {
  const { recording } = synthesizeEcg({ noise: 'moderate', seed: 7 });

  it.each<[string, DicomEcgOptions, number]>([
    // [case, writer options, largest allowed error: half a quantisation step, µV]
    ['SS, explicit VR little endian', {}, 1.25],
    ['SS, implicit VR little endian', { transferSyntaxUid: IMPLICIT_VR_LE }, 1.25],
    ['US with a channel baseline', { interpretation: 'US', baseline: -81920 }, 1.25],
    ['SB', { interpretation: 'SB', sensitivity: 40 }, 20],
    ['sensitivity in mV', { units: 'mV', sensitivity: 0.005 }, 2.5],
    ['sensitivity correction factor', { sensitivity: 5, correctionFactor: 0.5 }, 1.25],
    ['a DERIVED median-beat group before the rhythm', { withMedianBeatGroup: true }, 1.25],
    ['General ECG SOP class', { sopClassUid: GENERAL_ECG_STORAGE }, 1.25],
  ])('%s', (_, options, tolerance) => {
    const decoded = recordingOf(decodeEcg(writeDicomEcg(recording, options).bytes, 'dicom'));
    expect(decoded.sampleRateHz).toBe(500);
    expect(decoded.leads.map((lead) => lead.name)).toEqual([...LEAD_NAMES]);
    expect(largestError(recording, decoded)).toBeLessThanOrEqual(tolerance + 1e-3);
  });

  it.each([
    ['MB', muLawToLinear],
    ['AB', aLawToLinear],
  ] as const)('%s (G.711 companded): within half the gap between the nearest code values', (interpretation, decode) => {
    const sensitivity = 0.2;
    const levels = [...new Set(Array.from({ length: 256 }, (_, byte) => decode(byte)))].sort((a, b) => a - b);
    const halfGap = (linear: number) => {
      const above = levels.findIndex((level) => level >= linear);
      return above <= 0 ? 0 : (levels[above]! - levels[above - 1]!) / 2;
    };
    const decoded = recordingOf(decodeEcg(writeDicomEcg(recording, { interpretation, sensitivity }).bytes, 'dicom'));
    for (const lead of recording.leads) {
      const other = decoded.leads.find((l) => l.name === lead.name)!.microvolts;
      // The writer rounds to a whole linear sample before companding: half a sample more.
      lead.microvolts.forEach((v, s) =>
        expect(Math.abs(other[s]! - v)).toBeLessThanOrEqual((halfGap(v / sensitivity) + 0.5) * sensitivity + 1e-3),
      );
    }
  });

  it('derives III, aVR, aVL and aVF when only the 8 independent leads are stored', () => {
    const decoded = recordingOf(decodeEcg(writeDicomEcg(recording, { leads: INDEPENDENT }).bytes, 'dicom'));
    expect(decoded.leads.map((lead) => lead.name)).toEqual([...LEAD_NAMES]);
    // Each derived lead combines two quantised leads: at most a quantisation step (2.5 µV) off.
    expect(largestError(recording, decoded)).toBeLessThanOrEqual(2.5 + 1e-3);
  });

  it('G.711 decoding matches the ITU-T reference values', () => {
    expect([0xff, 0x80, 0x00, 0x7f].map(muLawToLinear)).toEqual([0, 32124, -32124, 0]);
    expect([0xd5, 0x55, 0xaa, 0x2a].map(aLawToLinear)).toEqual([8, -8, 32256, -32256]);
  });
});

describe('DICOM errors', () => {
  const { bytes } = writeDicomEcg(synthesizeEcg({ durationS: 2 }).recording);

  it('a file that is not DICOM', () => {
    expect(problemOf(decodeEcg(tinyPdf(), 'dicom'))).toBe('NOT_DICOM');
  });

  it('a DICOM image, not an ECG', () => {
    expect(problemOf(decodeEcg(syntheticCt({ rows: 8, columns: 8 }).bytes, 'dicom'))).toBe('NOT_ECG');
  });

  it('an ECG object without a Waveform Sequence', () => {
    const empty = writeDicom(
      [
        { tag: 0x00080016, vr: 'UI', value: TWELVE_LEAD_ECG_STORAGE },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3' },
      ],
      TWELVE_LEAD_ECG_STORAGE,
      '1.2.3',
    );
    expect(problemOf(decodeEcg(empty, 'dicom'))).toBe('NO_WAVEFORM');
  });

  it('a sample interpretation it does not read (SL)', () => {
    // Waveform Sample Interpretation (5400,1006) CS "SS" as written in explicit VR little endian, patched to "SL".
    const element = Buffer.from([0x00, 0x54, 0x06, 0x10, 0x43, 0x53, 0x02, 0x00, 0x53, 0x53]);
    const patched = Buffer.from(bytes);
    const at = patched.indexOf(element);
    expect(at).toBeGreaterThan(0);
    patched[at + 9] = 0x4c; // 'L'
    expect(problemOf(decodeEcg(patched, 'dicom'))).toBe('UNSUPPORTED_INTERPRETATION');
  });

  it('a file cut inside the waveform data', () => {
    expect(problemOf(decodeEcg(bytes.subarray(0, bytes.length - 1000), 'dicom'))).toBe('TRUNCATED');
  });
});

describe('HL7 aECG', () => {
  const { recording } = synthesizeEcg({ noise: 'moderate', seed: 8 });

  it.each<[string, Parameters<typeof writeAecg>[1]]>([
    ['default namespace, µV, increment in s', {}],
    ['prefixed namespace (hl7:)', { prefix: 'hl7' }],
    ['origin and scale in mV, increment in ms', { units: 'mV', incrementUnit: 'ms', originUv: 100 }],
    ['a representative beat series beside the rhythm', { withMedianBeat: true }],
  ])('round trip: %s', (_, options) => {
    const decoded = recordingOf(decodeEcg(writeAecg(recording, options), 'aecg'));
    expect(decoded.sampleRateHz).toBe(500);
    expect(decoded.durationMs).toBe(10000);
    expect(decoded.leads.map((lead) => lead.name)).toEqual([...LEAD_NAMES]);
    expect(largestError(recording, decoded)).toBeLessThanOrEqual(1.25 + 1e-3); // half the 2.5 µV scale
  });

  it('derives the other limb leads from I and II', () => {
    const decoded = recordingOf(decodeEcg(writeAecg(recording, { leads: INDEPENDENT }), 'aecg'));
    expect(decoded.leads.map((lead) => lead.name)).toEqual([...LEAD_NAMES]);
    expect(largestError(recording, decoded)).toBeLessThanOrEqual(2.5 + 1e-3);
  });

  it.each([
    ['not XML', tinyPdf(), 'NOT_AECG'],
    ['XML with another root', Buffer.from('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'), 'NOT_AECG'],
    ['AnnotatedECG outside the HL7 v3 namespace', Buffer.from('<AnnotatedECG xmlns="urn:example"/>'), 'NOT_AECG'],
    ['not well-formed', Buffer.from('<AnnotatedECG xmlns="urn:hl7-org:v3"><component></AnnotatedECG>'), 'NOT_AECG'],
    ['an AnnotatedECG without waveforms', tinyAecg(), 'NO_WAVEFORM'],
    [
      'no sampling increment',
      Buffer.from(
        writeAecg(recording)
          .toString('utf8')
          .replace(/<increment [^>]*\/>/, ''),
      ),
      'MALFORMED',
    ],
  ])('%s → %s', (_, bytes, code) => {
    expect(problemOf(decodeEcg(bytes, 'aecg'))).toBe(code);
  });
});

describe('lead names and limb leads', () => {
  it.each<[{ codeValue?: string; codeMeaning?: string }, LeadName | null]>([
    [{ codeValue: '5.6.3-9-1', codeMeaning: 'Lead I (Einthoven)' }, 'I'],
    [{ codeValue: '5.6.3-9-64' }, 'aVF'],
    [{ codeValue: '5.6.3-9-8' }, 'V6'],
    [{ codeValue: '2:61' }, 'III'],
    [{ codeValue: '131390' }, 'aVR'],
    [{ codeValue: 'MDC_ECG_LEAD_AVL' }, 'aVL'],
    [{ codeValue: 'MDC_ECG_LEAD_V3' }, 'V3'],
    [{ codeMeaning: 'Lead II' }, 'II'],
    [{ codeMeaning: 'aVR' }, 'aVR'],
    [{ codeMeaning: '-aVR' }, null],
    [{ codeValue: '2:150', codeMeaning: 'Respiration' }, null],
  ])('%o → %s', (label, name) => {
    expect(normaliseLeadName(label)).toBe(name);
  });

  it('Einthoven and Goldberger: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2', () => {
    const leads = completeLeads([
      { name: 'II', microvolts: Float32Array.from([300, -100]) },
      { name: 'I', microvolts: Float32Array.from([100, 50]) },
    ]);
    expect(leads.map((lead) => lead.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF']);
    expect(leads.map((lead) => Array.from(lead.microvolts))).toEqual([
      [100, 50],
      [300, -100],
      [200, -150],
      [-200, 25],
      [-50, 100],
      [250, -125],
    ]);
  });
});

it('tells DICOM from aECG by the first bytes', () => {
  expect(sniffEcgKind(writeDicomEcg(synthesizeEcg({ durationS: 1 }).recording).bytes)).toBe('dicom');
  expect(sniffEcgKind(tinyAecg())).toBe('aecg');
  expect(sniffEcgKind(tinyPdf())).toBe(null);
});
