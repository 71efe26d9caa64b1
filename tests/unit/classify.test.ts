// Every kind of file a township might send, and the verdict with its precise reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExamKind } from '../../shared/domain.ts';
import { classifyFile } from '../../server/ingest/classify.ts';
import { corpusFile, TRANSFER_SYNTAX_SAMPLES } from '../fixtures/corpus.ts';
import { tinyAecg, tinyMp4, tinyPdf, tinyPng } from '../fixtures/other-files.ts';
import { stagedFromBuffer } from '../helpers/staged.ts';

const options = { defaultCharset: 'GB18030', maxFileBytes: 1024 ** 3 };
const classify = (bytes: Buffer, kind: ExamKind = 'OTHER') => classifyFile(stagedFromBuffer(bytes), kind, options);
const corpus = (name: string) => readFileSync(corpusFile(name));

describe('classifying uploaded files', () => {
  it.each(Object.entries(TRANSFER_SYNTAX_SAMPLES))('accepts %s', async (_syntax, file) => {
    const result = await classify(corpus(file));
    expect(result.type).toBe('dicom');
  });

  it('indexes the header attributes of a CT slice', async () => {
    const result = await classify(corpus('test_files/CT_small.dcm'), 'CT');
    expect(result).toMatchObject({
      type: 'dicom',
      header: {
        sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
        transferSyntaxUid: '1.2.840.10008.1.2.1',
        modality: 'CT',
        rows: 128,
        columns: 128,
        patient: { name: 'CompressedSamples^CT1', sex: 'O' },
      },
    });
  });

  it('takes the header a channel already read instead of parsing the file again, and still checks its modality', async () => {
    const first = await classify(corpus('test_files/CT_small.dcm'), 'CT');
    if (first.type !== 'dicom') throw new Error('expected a DICOM header');
    const staged = stagedFromBuffer(corpus('test_files/CT_small.dcm'));
    staged.read = () => Promise.reject(new Error('the file was read again'));
    expect(await classifyFile(staged, 'CT', options, first.header)).toEqual(first);
    expect(await classifyFile(staged, 'ECG', options, first.header)).toMatchObject({ type: 'rejected', code: 'WRONG_MODALITY' });
  });

  it('reports a file cut inside its pixel data as truncated, with the sizes', async () => {
    const result = await classify(corpus('test_files/MR_truncated.dcm'));
    expect(result).toMatchObject({ type: 'rejected', code: 'DICOM_TRUNCATED', status: 422, params: { expected: 9692, actual: 9630 } });
  });

  it('reports a file cut inside its header as truncated', async () => {
    const ct = corpus('test_files/CT_small.dcm');
    expect(await classify(ct.subarray(0, 600))).toMatchObject({ type: 'rejected', code: 'DICOM_TRUNCATED' });
    expect(await classify(corpus('test_files/rtplan_truncated.dcm'))).toMatchObject({ code: 'DICOM_TRUNCATED' });
  });

  it('reports compressed pixel data without its end marker as truncated', async () => {
    const jpeg = corpus('test_files/JPGExtended.dcm');
    const result = await classify(jpeg.subarray(0, jpeg.length - 2000));
    expect(result).toMatchObject({ type: 'rejected', code: 'DICOM_TRUNCATED' });
  });

  it('names the missing attribute', async () => {
    expect(await classify(corpus('test_files/meta_missing_tsyntax.dcm'))).toMatchObject({
      code: 'DICOM_MISSING_ATTRIBUTE',
      params: { attribute: '(0002,0010)' },
    });
    expect(await classify(corpus('test_files/priv_SQ.dcm'))).toMatchObject({
      code: 'DICOM_MISSING_ATTRIBUTE',
      reason: 'missing SOP Instance UID (0008,0018)',
    });
  });

  it('recognises a DICOMDIR and a bare data set without the Part 10 header', async () => {
    expect(await classify(corpus('test_files/dicomdirtests/DICOMDIR'))).toMatchObject({ code: 'DICOMDIR' });
    expect(await classify(corpus('test_files/ExplVR_LitEndNoMeta.dcm'))).toMatchObject({ code: 'DICOM_NOT_PART10' });
  });

  it('refuses a modality that does not belong to the exam kind', async () => {
    expect(await classify(corpus('test_files/CT_small.dcm'), 'MR')).toMatchObject({ code: 'WRONG_MODALITY', status: 422 });
    expect(await classify(corpus('test_files/waveform_ecg.dcm'), 'CT')).toMatchObject({ code: 'WRONG_MODALITY' });
    expect(await classify(corpus('test_files/waveform_ecg.dcm'), 'ECG')).toMatchObject({ type: 'dicom' });
  });

  it('sniffs attachments by content and checks them against the exam kind', async () => {
    expect(await classify(tinyPdf(), 'CT')).toEqual({ type: 'attachment', kind: 'PDF', mediaType: 'application/pdf' });
    expect(await classify(tinyPng(), 'DR')).toEqual({ type: 'attachment', kind: 'IMAGE', mediaType: 'image/png' });
    expect(await classify(tinyMp4(), 'US')).toEqual({ type: 'attachment', kind: 'VIDEO', mediaType: 'video/mp4' });
    expect(await classify(tinyAecg(), 'ECG')).toMatchObject({ type: 'attachment', kind: 'ECG_XML' });
    expect(await classify(tinyMp4(), 'CT')).toMatchObject({ type: 'rejected', code: 'WRONG_TYPE_FOR_EXAM', status: 415 });
    expect(await classify(tinyAecg(), 'CT')).toMatchObject({ code: 'WRONG_TYPE_FOR_EXAM' });
  });

  it('refuses unknown content, empty files and files over the limit', async () => {
    expect(await classify(Buffer.from('just some notes\n'))).toMatchObject({ code: 'UNSUPPORTED_TYPE', status: 415 });
    expect(await classify(Buffer.alloc(0))).toMatchObject({ code: 'EMPTY_FILE' });
    const tooLarge = await classifyFile(stagedFromBuffer(Buffer.alloc(10), true), 'CT', { ...options, maxFileBytes: 5 });
    expect(tooLarge).toMatchObject({ code: 'TOO_LARGE', status: 413, params: { limit: 5 } });
  });
});
