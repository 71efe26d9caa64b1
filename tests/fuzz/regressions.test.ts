// What the fuzzer found, pinned as plain inputs: each was an exception escaping a decoder (recorded by the server as
// an uncoded ANALYSIS_FAILED, or a 500 for the header parser, see tests/api/ingest-hardening.test.ts).
import { describe, expect, it } from 'vitest';
import { decodeEcg } from '../../server/ecg/decode.ts';
import { writeDicom } from '../fixtures/dicom-writer.ts';

/** An implicit VR little endian file whose last element, SOP Class UID, claims 256 MiB. */
function elementPastTheEnd(): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0008, 0);
  head.writeUInt16LE(0x0016, 2);
  head.writeUInt32LE(0x10000000, 4);
  const meta = writeDicom([], '1.2.840.10008.5.1.4.1.1.9.1.1', '1.2.826.0.1.3680043.10.1500.998.1', '1.2.840.10008.1.2');
  return Buffer.concat([meta, head, Buffer.from('1.2.840.10008.5.1.4.1.1.9.1.1\0', 'latin1')]);
}

describe('ECG decoders on inputs the fuzzer found', () => {
  it('a DICOM element longer than the file is TRUNCATED, not a thrown string', () => {
    expect(decodeEcg(elementPastTheEnd(), 'dicom')).toEqual({ problem: expect.objectContaining({ code: 'TRUNCATED' }) });
  });

  it('an aECG whose XML declaration is not closed is NOT_AECG, not a parser exception', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8V?>\n<AnnotatedECG xmlns="urn:hl7-org:v3" classCode="OBS" moodCode="EVN"/>\n';
    expect(decodeEcg(Buffer.from(xml), 'aecg')).toEqual({ problem: expect.objectContaining({ code: 'NOT_AECG' }) });
  });
});
