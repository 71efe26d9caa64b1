// Uploading exam files through the real HTTP API, on SQLite and on PostgreSQL.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFile } from '../../server/ingest/classify.ts';
import { corpusFile, TRANSFER_SYNTAX_SAMPLES, withNewInstanceUid } from '../fixtures/corpus.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { tinyMp4, tinyPdf } from '../fixtures/other-files.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { expectStoreConsistent } from '../helpers/consistency.ts';
import { stagedFromBuffer } from '../helpers/staged.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const MAX_FILE_BYTES = 400_000;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const smallCt = (options: Parameters<typeof syntheticCt>[0] = {}) => syntheticCt({ rows: 64, columns: 64, ...options });

describe.each(BACKENDS)('ingest (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
    tech1 = await server.login('tech1');
  });
  afterAll(() => server?.close());

  async function newCase(examKind = 'CT', patient: Record<string, string> = { name: '张三' }): Promise<string> {
    const res = await tech1.post('/api/cases', { patient, examKind });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('accepts real files in every transfer syntax and serves back the exact bytes', async () => {
    const caseId = await newCase('OTHER');
    const files = await Promise.all(
      Object.entries(TRANSFER_SYNTAX_SAMPLES).map(async ([syntax, path], i) => {
        const original = readFileSync(corpusFile(path));
        const verdict = await classifyFile(stagedFromBuffer(original), 'OTHER', { defaultCharset: 'GB18030', maxFileBytes: 1e9 });
        if (verdict.type !== 'dicom') throw new Error(`${path} is not accepted: ${JSON.stringify(verdict)}`);
        // pydicom stores one MR instance in many encodings under one UID: give each copy its own
        const data = path.endsWith('_dfl.dcm') ? original : withNewInstanceUid(original, verdict.header.sopInstanceUid, 1000 + i);
        return { name: `${syntax}.dcm`, data, transferSyntax: verdict.header.transferSyntaxUid };
      }),
    );
    const res = await tech1.upload(caseId, files);
    expect(res.body.rejected).toEqual([]);
    expect(res.body.accepted).toHaveLength(files.length);

    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    const instances = detail.studies.flatMap((s: any) => s.series.flatMap((se: any) => se.instances));
    expect(instances).toHaveLength(files.length);
    expect(new Set(instances.map((i: any) => i.transferSyntaxUid))).toEqual(new Set(files.map((f) => f.transferSyntax)));
    for (const accepted of res.body.accepted) {
      const sent = files.find((f) => f.name === accepted.file)!;
      const download = await tech1.get(`/api/instances/${accepted.id}/file`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/dicom');
      expect(sha(download.body)).toBe(sha(sent.data));
    }
    await expectStoreConsistent(server);
  });

  it('decodes Chinese patient names in every character set a device may use', async () => {
    const variants: [string, Buffer, string | undefined][] = [
      ['UTF-8', Buffer.from('Zhang^San=张^三=', 'utf8'), 'ISO_IR 192'],
      ['GB18030', Buffer.concat([Buffer.from('Zhang^San='), iconv.encode('张^三', 'gb18030'), Buffer.from('=')]), 'GB18030'],
      ['GBK', iconv.encode('张三', 'gbk'), 'GBK'],
      ['undeclared GBK', iconv.encode('张^三', 'gbk'), undefined],
      [
        'ISO 2022 IR 58',
        Buffer.concat([
          Buffer.from('Zhang^San=\x1b$)A', 'latin1'),
          iconv.encode('张', 'gb2312'),
          Buffer.from('^\x1b$)A', 'latin1'),
          iconv.encode('三', 'gb2312'),
          Buffer.from('='),
        ]),
        '\\ISO 2022 IR 58',
      ],
    ];
    const caseId = await newCase('CT', { name: '张三' });
    const res = await tech1.upload(
      caseId,
      variants.map(([label, name, charset]) => ({ name: `${label}.dcm`, data: smallCt({ patientName: name, charset }).bytes })),
    );
    expect(res.body.rejected).toEqual([]);
    expect(res.body.accepted.every((a: any) => a.warnings.length === 0)).toBe(true); // all match 张三
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    const names = detail.studies.map((s: any) => s.dicomPatient.name.replace(/^Zhang\^San=/, '').replace(/[=^]/g, ''));
    expect(names).toEqual(variants.map(() => '张三'));
    expect(detail.patient.name).toBe('张三');
  });

  it('reports DICOM demographics that contradict the case, without merging them', async () => {
    const caseId = await newCase('CT', { name: '张三', nationalId: '110101199003074514' });
    const res = await tech1.upload(caseId, [
      {
        name: 'other.dcm',
        data: smallCt({ patientName: Buffer.from('李^四', 'utf8'), charset: 'ISO_IR 192', patientSex: 'F', patientBirthDate: '19900307' })
          .bytes,
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted[0].warnings).toEqual([
      'DICOM patient name "李四" differs from the case\'s "张三"',
      'DICOM patient sex "F" differs from the case\'s "M"',
    ]);
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    expect(detail.patient).toMatchObject({ name: '张三', sex: 'M' });
    expect(detail.studies[0].demographicsMismatch).toEqual([
      { field: 'name', caseValue: '张三', dicomValue: '李四' },
      { field: 'sex', caseValue: 'M', dicomValue: 'F' },
    ]);
  });

  it('fills sex and birth date the township left blank from the DICOM header', async () => {
    const caseId = await newCase('CT', { name: '张三' });
    await tech1.upload(caseId, [{ name: 'a.dcm', data: smallCt({ patientSex: 'F', patientBirthDate: '19800102' }).bytes }]);
    expect((await tech1.get(`/api/cases/${caseId}`)).body.patient).toMatchObject({ sex: 'F', birthDate: '1980-01-02' });
  });

  it('is idempotent for the same bytes and refuses other bytes under the same SOP Instance UID with 409', async () => {
    const caseId = await newCase();
    const original = smallCt({ seed: 1 });
    const first = await tech1.upload(caseId, [{ name: '1.dcm', data: original.bytes }]);
    const again = await tech1.upload(caseId, [{ name: '1-again.dcm', data: original.bytes }]);
    expect(again.status).toBe(200);
    expect(again.body.accepted).toEqual([
      {
        file: '1-again.dcm',
        kind: 'dicom',
        id: first.body.accepted[0].id,
        sopInstanceUid: original.sopInstanceUid,
        duplicate: true,
        warnings: [],
      },
    ]);

    const altered = smallCt({
      seed: 2,
      sopInstanceUid: original.sopInstanceUid,
      studyUid: original.studyUid,
      seriesUid: original.seriesUid,
    });
    const conflict = await tech1.upload(caseId, [{ name: '1-altered.dcm', data: altered.bytes }]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.rejected).toEqual([expect.objectContaining({ file: '1-altered.dcm', code: 'INSTANCE_CONFLICT', status: 409 })]);
    const stored = await tech1.get(`/api/instances/${first.body.accepted[0].id}/file`);
    expect(sha(stored.body)).toBe(sha(original.bytes)); // the first copy is untouched

    const otherCase = await newCase();
    const elsewhere = await tech1.upload(otherCase, [{ name: '1.dcm', data: original.bytes }]);
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.rejected[0].code).toBe('INSTANCE_IN_OTHER_CASE');
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    expect(detail.instanceCount).toBe(1);
  });

  it('accepts the good files of a bad batch and gives every refusal its precise reason', async () => {
    const caseId = await newCase('CT');
    const good = smallCt();
    const truncated = smallCt().bytes.subarray(0, 5000);
    const corruptSource = smallCt();
    const corrupt = Buffer.from(corruptSource.bytes);
    // the data set's SOP Instance UID (after the file meta's copy) overwritten with letters of the same length
    corrupt.write('X'.repeat(corruptSource.sopInstanceUid.length), corrupt.lastIndexOf(corruptSource.sopInstanceUid), 'latin1');
    const tooLarge = syntheticCt({ rows: 512, columns: 512 }).bytes; // 512 KiB > limit
    const res = await tech1.upload(caseId, [
      { name: 'good.dcm', data: good.bytes },
      { name: 'truncated.dcm', data: truncated },
      { name: 'corrupt.dcm', data: corrupt },
      { name: 'notes.txt', data: Buffer.from('patient notes') },
      { name: 'clip.mp4', data: tinyMp4() },
      { name: 'big.dcm', data: tooLarge },
      { name: '申请单.pdf', data: tinyPdf() },
      { name: 'mr.dcm', data: smallCt({ modality: 'MR' }).bytes },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted.map((a: any) => a.file).sort()).toEqual(['good.dcm', '申请单.pdf']);
    const reasons = Object.fromEntries(res.body.rejected.map((r: any) => [r.file, [r.code, r.status]]));
    expect(reasons).toEqual({
      'truncated.dcm': ['DICOM_TRUNCATED', 422],
      'corrupt.dcm': ['DICOM_CORRUPT', 422],
      'notes.txt': ['UNSUPPORTED_TYPE', 415],
      'clip.mp4': ['WRONG_TYPE_FOR_EXAM', 415],
      'big.dcm': ['TOO_LARGE', 413],
      'mr.dcm': ['WRONG_MODALITY', 422],
    });
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    expect(detail.instanceCount).toBe(1);
    expect(detail.attachments).toEqual([expect.objectContaining({ fileName: '申请单.pdf', kind: 'PDF', mediaType: 'application/pdf' })]);
    const pdf = await tech1.get(`/api/attachments/${detail.attachments[0].id}/file`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    await expectStoreConsistent(server);

    const allBad = await tech1.upload(caseId, [{ name: 'big2.dcm', data: tooLarge }]);
    expect(allBad.status).toBe(413);
  });

  it('indexes parallel uploads of one series into one study and one series', async () => {
    const caseId = await newCase();
    const first = smallCt({ instanceNumber: 1 });
    const slices = [
      first,
      ...Array.from({ length: 7 }, (_, i) => smallCt({ studyUid: first.studyUid, seriesUid: first.seriesUid, instanceNumber: i + 2 })),
    ];
    const results = await Promise.all(slices.map((s, i) => tech1.upload(caseId, [{ name: `${i}.dcm`, data: s.bytes }])));
    expect(results.map((r) => r.status)).toEqual(slices.map(() => 200));
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    expect(detail.studies).toHaveLength(1);
    expect(detail.studies[0].series).toHaveLength(1);
    expect(detail.studies[0].series[0].instances.map((i: any) => i.instanceNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('serves byte ranges and conditional requests for the viewer', async () => {
    const caseId = await newCase();
    const ct = smallCt();
    const id = (await tech1.upload(caseId, [{ name: 'r.dcm', data: ct.bytes }])).body.accepted[0].id;
    const part = await tech1.get(`/api/instances/${id}/file`, { range: 'bytes=128-131' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 128-131/${ct.bytes.length}`);
    expect(Buffer.from(part.body).toString('latin1')).toBe('DICM');
    const etag = part.headers.get('etag')!;
    expect(etag).toBe(`"${sha(ct.bytes)}"`);
    expect((await tech1.get(`/api/instances/${id}/file`, { 'if-none-match': etag })).status).toBe(304);
    const outside = await tech1.get(`/api/instances/${id}/file`, { range: `bytes=${ct.bytes.length + 10}-` });
    expect(outside.status).toBe(416);
  });

  it('keeps a UTF-8 file name as the browser sent it', async () => {
    const caseId = await newCase();
    const res = await tech1.upload(caseId, [{ name: '胸部 CT/第1张.dcm', data: smallCt().bytes }]);
    expect(res.body.accepted[0].file).toBe('胸部 CT/第1张.dcm');
  });

  it('loses nothing and keeps nothing when the client drops the connection mid-upload', async () => {
    const caseId = await newCase();
    const before = await server.server.ctx.db.instance.count();
    await new Promise<void>((resolve) => {
      const boundary = 'teledxboundary';
      const req = request(`${server.url}/api/cases/${caseId}/files`, {
        method: 'POST',
        headers: { cookie: tech1.cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '10000000' },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.dcm"\r\n\r\n`);
      req.write(smallCt().bytes);
      req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.dcm"\r\n\r\n`);
      req.write(Buffer.alloc(200_000, 1), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200),
      );
    });
    // the server notices the reset and cleans up
    await expect
      .poll(async () => (await import('node:fs/promises')).readdir(`${server.dataDir}/blobs/.staging`), { timeout: 5000 })
      .toEqual([]);
    expect(await server.server.ctx.db.instance.count()).toBe(before);
    expect((await tech1.get(`/api/cases/${caseId}`)).body.instanceCount).toBe(0);
    // and the next attempt goes through
    expect((await tech1.upload(caseId, [{ name: 'retry.dcm', data: smallCt().bytes }])).status).toBe(200);
    await expectStoreConsistent(server);
  });
});
