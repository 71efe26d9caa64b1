// The DICOM port against dcmtk (echoscu, storescu): associations only from registered devices, C-ECHO, and C-STORE
// landing in the device's township (by accession number, by study, else a new draft case with the header's patient).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDetailDtoSchema } from '../../shared/api.ts';
import { CT_IMAGE_STORAGE, newUid, syntheticCt, writeDicom } from '../fixtures/dicom-writer.ts';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { dcmtk } from '../helpers/dcmtk.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

/** the data set of a Part 10 file: what follows the preamble, "DICM" and the file meta group */
function dataSetOf(file: Buffer): Buffer {
  expect(file.subarray(128, 132).toString('latin1')).toBe('DICM');
  const groupLength = file.readUInt32LE(132 + 8);
  return file.subarray(132 + 12 + groupLength);
}

describe.each(BACKENDS)('DICOM service (%s)', (backend) => {
  let server: TestServer;
  let port: number;
  let dir: string;
  let tech1: ApiClient;
  let tech2: ApiClient;
  let fileNo = 0;

  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_DICOM_PORT: '0' });
    port = server.server.dicomPort!;
    dir = await mkdtemp(join(tmpdir(), 'teledx-dimse-'));
    [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function files(...contents: Buffer[]): Promise<string[]> {
    return Promise.all(
      contents.map(async (bytes) => {
        const path = join(dir, `f${++fileNo}.dcm`);
        await writeFile(path, bytes);
        return path;
      }),
    );
  }
  const storescu = (aet: string, paths: string[]) =>
    dcmtk('storescu', ['-v', '--no-halt', '-aet', aet, '-aec', 'TELEDX', '127.0.0.1', String(port), ...paths]);

  it('listens on a port of its own and answers C-ECHO to a registered device', async () => {
    expect(port).toBeGreaterThan(0);
    const echo = await dcmtk('echoscu', ['-aet', 'TOWNSHIP1', '-aec', 'TELEDX', '127.0.0.1', String(port)]);
    expect(echo.code, echo.output).toBe(0);
    const audit = await server.server.ctx.db.auditEvent.findFirst({ where: { action: 'dicom.association' }, orderBy: { at: 'desc' } });
    expect(JSON.parse(audit!.details!)).toMatchObject({ callingAeTitle: 'TOWNSHIP1', calledAeTitle: 'TELEDX' });
    expect(audit!.ip).toBe('127.0.0.1');
  });

  it('rejects an unknown calling AE title, an inactive device and a wrong called AE title, audited', async () => {
    const unknown = await dcmtk('echoscu', ['-aet', 'STRANGER', '-aec', 'TELEDX', '127.0.0.1', String(port)]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/Calling AE Title Not Recognized/i);
    const called = await dcmtk('echoscu', ['-aet', 'TOWNSHIP1', '-aec', 'SOMEONE', '127.0.0.1', String(port)]);
    expect(called.code).not.toBe(0);
    expect(called.output).toMatch(/Called AE Title Not Recognized/i);
    const db = server.server.ctx.db;
    await db.dicomDevice.update({ where: { aeTitle: 'TOWNSHIP3' }, data: { active: false } });
    const inactive = await dcmtk('echoscu', ['-aet', 'TOWNSHIP3', '-aec', 'TELEDX', '127.0.0.1', String(port)]);
    expect(inactive.output).toMatch(/Calling AE Title Not Recognized/i);
    const rejected = await db.auditEvent.findMany({ where: { action: 'dicom.association_rejected' } });
    expect(rejected.map((r) => JSON.parse(r.details!).callingAeTitle).sort()).toEqual(['STRANGER', 'TOWNSHIP1', 'TOWNSHIP3']);
  });

  it('stores a C-STORE run in a new draft case of the device township with the Chinese patient; a broken file fails alone', async () => {
    const studyUid = newUid();
    const seriesUid = newUid();
    const name = Buffer.concat([Buffer.from('Zhang^San='), iconv.encode('张^三', 'gb18030'), Buffer.from('=')]);
    const common = {
      studyUid,
      seriesUid,
      patientName: name,
      charset: 'GB18030',
      patientSex: 'M',
      patientBirthDate: '19600102',
      patientId: 'DEV-001',
    };
    const cts = [1, 2, 3].map((n) => syntheticCt({ ...common, rows: 64, columns: 64, instanceNumber: n, seed: n }));
    const broken = writeDicom(
      [
        { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
        { tag: 0x00080018, vr: 'UI', value: newUid() },
        { tag: 0x00080060, vr: 'CS', value: 'CT' },
        { tag: 0x0020000e, vr: 'UI', value: seriesUid },
      ],
      CT_IMAGE_STORAGE,
      newUid(),
    );
    const paths = await files(cts[0]!.bytes, broken, cts[1]!.bytes, cts[2]!.bytes);
    const sent = await storescu('TOWNSHIP1', paths);
    const responses = [...sent.output.matchAll(/Received Store Response \(([^)]*)\)/g)].map((m) => m[1]);
    expect(responses, sent.output).toEqual(['Success', 'Error: DataSetDoesNotMatchSOPClass', 'Success', 'Success']);

    const list = await tech1.get('/api/cases?limit=50');
    const fromDevice = list.body.filter((c: { fromDevice: unknown }) => c.fromDevice);
    expect(fromDevice).toHaveLength(1);
    const detail = caseDetailDtoSchema.parse((await tech1.get(`/api/cases/${fromDevice[0].id}`)).body);
    expect(detail).toMatchObject({ status: 'DRAFT', examKind: 'CT', fromDevice: { aeTitle: 'TOWNSHIP1' }, instanceCount: 3 });
    expect(detail.patient).toMatchObject({ name: '张三', sex: 'M', birthDate: '1960-01-02' });
    expect(detail.accessionNumber).toMatch(/^CG-\d{8}-\d{4}$/);
    expect(detail.createdBy.displayName).toBe('设备 TOWNSHIP1');
    // nothing of it in the other township
    expect((await tech2.get(`/api/cases/${detail.id}`)).status).toBe(404);

    const instances = detail.studies.flatMap((s) => s.series.flatMap((se) => se.instances));
    expect(instances.map((i) => i.sopInstanceUid).sort()).toEqual(cts.map((c) => c.sopInstanceUid).sort());
    for (const ct of cts) {
      const instance = instances.find((i) => i.sopInstanceUid === ct.sopInstanceUid)!;
      const file = (await tech1.get(`/api/instances/${instance.id}/file`)).body as Buffer;
      expect(dataSetOf(file).equals(dataSetOf(ct.bytes))).toBe(true);
    }
    const db = server.server.ctx.db;
    const device = await db.dicomDevice.findUniqueOrThrow({ where: { aeTitle: 'TOWNSHIP1' } });
    const batches = await db.auditEvent.findMany({ where: { action: 'ingest.batch', entityId: detail.id } });
    expect(batches).toHaveLength(3);
    expect(batches.every((b) => b.actorId === device.userId)).toBe(true);

    // the same files again: duplicates answer success and change nothing
    const again = await storescu(
      'TOWNSHIP1',
      paths.filter((_, i) => i !== 1),
    );
    expect(again.code, again.output).toBe(0);
    expect((await tech1.get(`/api/cases/${detail.id}`)).body.instanceCount).toBe(3);

    // a new study of the same patient (ID, name and birth date agree) is a new case on the same patient record
    const later = syntheticCt({ ...common, studyUid: newUid(), seriesUid: newUid(), rows: 32, columns: 32 });
    expect((await storescu('TOWNSHIP1', await files(later.bytes))).code).toBe(0);
    const second = await db.instance.findUniqueOrThrow({ where: { sopInstanceUid: later.sopInstanceUid }, include: { case: true } });
    expect(second.caseId).not.toBe(detail.id);
    expect(second.case.patientId).toBe(detail.patient.id);
  });

  it('lands an image carrying a case accession number in that case, only within the device township', async () => {
    const created = await tech1.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT' });
    const accessionNumber = (await tech1.get(`/api/cases/${created.body.id}`)).body.accessionNumber as string;
    const ct = syntheticCt({ rows: 32, columns: 32, accessionNumber, patientName: 'Li^Si' });
    const sent = await storescu('TOWNSHIP1', await files(ct.bytes));
    expect(sent.code, sent.output).toBe(0);
    const detail = (await tech1.get(`/api/cases/${created.body.id}`)).body;
    expect(detail.instanceCount).toBe(1);
    expect(detail.fromDevice).toBeNull();

    // another township's device with the same number: not tech1's case, a draft of its own township
    const foreign = syntheticCt({ rows: 32, columns: 32, accessionNumber, patientName: 'Wang^Wu' });
    expect((await storescu('TOWNSHIP2', await files(foreign.bytes))).code).toBe(0);
    const landed = await server.server.ctx.db.instance.findUniqueOrThrow({
      where: { sopInstanceUid: foreign.sopInstanceUid },
      include: { case: { include: { originOrg: true } } },
    });
    expect(landed.caseId).not.toBe(created.body.id);
    expect(landed.case.originOrg.code).toBe('T-SHIQIAO');
  });

  it('opens an ECG case for a 12-lead waveform and analyses it, as the browser upload does', async () => {
    const ecg = writeDicomEcg(synthesizeEcg().recording);
    const sent = await storescu('TOWNSHIP2', await files(Buffer.from(ecg.bytes)));
    expect(sent.code, sent.output).toBe(0);
    const list = (await tech2.get('/api/cases?limit=50')).body as { id: string; examKind: string; fromDevice: unknown }[];
    const kase = list.find((c) => c.examKind === 'ECG' && c.fromDevice);
    expect(kase).toBeDefined();
    const detail = caseDetailDtoSchema.parse((await tech2.get(`/api/cases/${kase!.id}`)).body);
    expect(detail.ecg).toHaveLength(1);
    expect(detail.ecg[0]!.error).toBeNull();
    expect(detail.ecg[0]!.measurements).not.toBeNull();
  });
});
