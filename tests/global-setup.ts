// Once per test run: fail fast, with a useful message, when the real parts the tests need are missing.
import { existsSync } from 'node:fs';
import { PYDICOM_DATA } from './fixtures/corpus.ts';

export default function setup() {
  if (!existsSync(PYDICOM_DATA)) {
    throw new Error(`the DICOM test corpus is missing at ${PYDICOM_DATA}: apt-get install python3-pydicom`);
  }
}
