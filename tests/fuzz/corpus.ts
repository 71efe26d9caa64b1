// The fuzzer's starting files: pydicom's test files (real devices' DICOM in many transfer syntaxes, an ECG waveform,
// broken ones) and our generated fixtures (CT, deflated CT, DICOM and HL7 aECG ECGs, PDF, PNG).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYDICOM_DATA } from '../fixtures/corpus.ts';
import { deflatedCt } from '../fixtures/deflated-dicom.ts';
import { syntheticCt, syntheticUsCine } from '../fixtures/dicom-writer.ts';
import { writeAecg, writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { tinyAecg, tinyPdf, tinyPng } from '../fixtures/other-files.ts';

export interface SeedFile {
  name: string;
  bytes: Buffer;
}

export function fuzzCorpus(): SeedFile[] {
  const dir = join(PYDICOM_DATA, 'test_files');
  const pydicom = readdirSync(dir)
    .filter((name) => name.endsWith('.dcm'))
    .map((name) => ({ name: `pydicom/${name}`, bytes: readFileSync(join(dir, name)) }));
  if (pydicom.length === 0) throw new Error(`no DICOM files in ${dir}: install Debian's python3-pydicom`);
  const ecg = synthesizeEcg().recording;
  return [
    ...pydicom,
    { name: 'generated CT', bytes: syntheticCt({ rows: 32, columns: 32 }).bytes },
    { name: 'generated deflated CT', bytes: deflatedCt().bytes },
    { name: 'generated US cine', bytes: syntheticUsCine({ frames: 4, rows: 16, columns: 16 }).bytes },
    { name: 'generated DICOM ECG', bytes: writeDicomEcg(ecg).bytes },
    { name: 'generated DICOM ECG (µ-law)', bytes: writeDicomEcg(ecg, { interpretation: 'MB' }).bytes },
    { name: 'generated aECG', bytes: writeAecg(ecg) },
    { name: 'tiny aECG', bytes: tinyAecg() },
    { name: 'tiny PDF', bytes: tinyPdf() },
    { name: 'tiny PNG', bytes: tinyPng() },
  ];
}
