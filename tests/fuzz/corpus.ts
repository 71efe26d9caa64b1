// The fuzzer's starting files: pydicom's test files (real devices' DICOM in many transfer syntaxes, an ECG waveform,
// broken ones) and our generated fixtures (CT, deflated CT, HL7 aECG, PDF, PNG).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYDICOM_DATA } from '../fixtures/corpus.ts';
import { deflatedCt } from '../fixtures/deflated-dicom.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { writeAecg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { tinyAecg, tinyPdf, tinyPng } from '../fixtures/other-files.ts';

const FUZZ_ROOT = '1.2.826.0.1.3680043.10.1500.999';

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
  // fixed UIDs (our fixtures otherwise make fresh ones), so that a case seed means the same bytes in every run
  const uids = { studyUid: `${FUZZ_ROOT}.1`, seriesUid: `${FUZZ_ROOT}.2`, sopInstanceUid: `${FUZZ_ROOT}.3` };
  const aecg = writeAecg(synthesizeEcg().recording)
    .toString('utf8')
    .replace(/1\.2\.826\.0\.1\.3680043\.10\.1500\.[0-9.]+/g, `${FUZZ_ROOT}.4`);
  return [
    ...pydicom,
    { name: 'generated CT', bytes: syntheticCt({ rows: 32, columns: 32, ...uids }).bytes },
    { name: 'generated deflated CT', bytes: deflatedCt(uids).bytes },
    { name: 'generated aECG', bytes: Buffer.from(aecg, 'utf8') },
    { name: 'tiny aECG', bytes: tinyAecg() },
    { name: 'tiny PDF', bytes: tinyPdf() },
    { name: 'tiny PNG', bytes: tinyPng() },
  ];
}
