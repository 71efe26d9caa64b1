// Patient identity safety over the real API, on SQLite and PostgreSQL: files of another DICOM patient than the
// registered one (or of two DICOM patients in one exam) block submission until the technician confirms them as
// the same person (audited) or removes them; a matching batch submits as before; secondary captures are marked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailDto, CaseHistoryEntryDto } from '../../shared/api.ts';
import { makeNationalId } from '../../shared/national-id.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const ZHANG_SAN = makeNationalId('110101', '1990-03-07', 451);
const LI_SI = makeNationalId('110102', '1985-11-20', 462);
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const utf8 = (name: string) => ({ patientName: Buffer.from(name, 'utf8'), charset: 'ISO_IR 192' });
const ct = (options: Parameters<typeof syntheticCt>[0]) => syntheticCt({ rows: 16, columns: 16, ...options });

describe.each(BACKENDS)('patient identity (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let reader1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, reader1] = await Promise.all([server.login('tech1'), server.login('reader1')]);
  });
  afterAll(() => server?.close());

  async function zhangSanCase(): Promise<string> {
    const res = await tech1.post('/api/cases', { patient: { name: '张三', nationalId: ZHANG_SAN }, examKind: 'CT' });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const detail = async (id: string) => (await tech1.get(`/api/cases/${id}`)).body as CaseDetailDto;
  const instances = (kase: CaseDetailDto) => kase.studies.flatMap((s) => s.series.flatMap((se) => se.instances));

  it('submits a batch of the registered patient as before, however the device writes the name', async () => {
    const id = await zhangSanCase();
    const up = await tech1.upload(id, [
      {
        name: 'a.dcm',
        data: ct({ ...utf8('Zhang^San=张^三'), patientId: ZHANG_SAN, patientSex: 'M', patientBirthDate: '19900307' }).bytes,
      },
      { name: 'b.dcm', data: ct({ ...utf8('张^三'), patientId: ZHANG_SAN }).bytes },
    ]);
    expect(up.body.accepted.map((a: { warnings: string[] }) => a.warnings)).toEqual([[], []]);
    const kase = await detail(id);
    expect(kase.identity.state).toBe('MATCH');
    expect(instances(kase).map((i) => i.identity)).toEqual(['MATCH', 'MATCH']);
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
  });

  it('blocks submission of a batch with a foreign patient’s file until the technician confirms it, audited once', async () => {
    const id = await zhangSanCase();
    const up = await tech1.upload(id, [
      { name: 'own.dcm', data: ct({ ...utf8('Zhang^San=张^三'), patientId: ZHANG_SAN }).bytes },
      { name: 'foreign.dcm', data: ct({ ...utf8('Li^Si=李^四'), patientId: LI_SI, patientBirthDate: '19851120' }).bytes },
    ]);
    expect(up.status).toBe(200);
    const foreignWarnings = up.body.accepted.find((a: { file: string }) => a.file === 'foreign.dcm').warnings;
    expect(foreignWarnings).toEqual(
      expect.arrayContaining([
        'DICOM patient name "李四" differs from the case\'s "张三"',
        `DICOM patient patientId "${LI_SI}" differs from the case's "${ZHANG_SAN}"`,
      ]),
    );

    let kase = await detail(id);
    expect(kase.identity.state).toBe('MISMATCH');
    const foreign = kase.identity.patients.find((p) => p.id === LI_SI)!;
    expect(foreign.issues.map((i) => i.field).sort()).toEqual(['birthDate', 'name', 'otherPatient', 'patientId']);
    // the registered patient's own file is marked too: the exam holds two DICOM patients
    expect(instances(kase).map((i) => i.identity)).toEqual(['MISMATCH', 'MISMATCH']);

    const refused = await tech1.post(`/api/cases/${id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('IDENTITY_MISMATCH');
    expect((await detail(id)).status).toBe('DRAFT');

    expect((await tech1.post(`/api/cases/${id}/identity-confirmation`, { reason: '' })).status).toBe(400);
    expect((await reader1.post(`/api/cases/${id}/identity-confirmation`, { reason: '同一人' })).status).toBe(403);
    const confirmed = await tech1.post(`/api/cases/${id}/identity-confirmation`, { reason: '患者改名，身份证已换发' });
    expect(confirmed.status).toBe(200);
    kase = confirmed.body;
    expect(kase.identity.state).toBe('CONFIRMED');
    expect(kase.identity.patients.every((p) => p.confirmation?.reason === '患者改名，身份证已换发')).toBe(true);
    expect(kase.identity.patients[0]!.confirmation!.by?.displayName).toBe('王技师');
    expect((await tech1.post(`/api/cases/${id}/identity-confirmation`, { reason: '再次确认' })).body.error.code).toBe(
      'NO_IDENTITY_MISMATCH',
    );

    const history = (await tech1.get(`/api/cases/${id}/history`)).body as CaseHistoryEntryDto[];
    const confirmations = history.filter((e) => e.action === 'case.identity_confirmed');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({
      actor: { displayName: '王技师' },
      details: { reason: '患者改名，身份证已换发', instances: 2 },
    });

    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
  });

  it('detects two DICOM patients in one batch even when neither name can be compared with 张三', async () => {
    const id = await zhangSanCase();
    const up = await tech1.upload(id, [
      { name: 'a.dcm', data: ct({ patientName: 'ZHANG^SAN', patientId: 'CT0001' }).bytes },
      { name: 'b.dcm', data: ct({ patientName: 'WANG^WU', patientId: 'CT0002' }).bytes },
    ]);
    expect(up.body.accepted[1].warnings).toEqual(['DICOM patient "WANG WU · CT0002" differs from another file\'s "ZHANG SAN · CT0001"']);
    expect((await tech1.post(`/api/cases/${id}/submit`)).body.error.code).toBe('IDENTITY_MISMATCH');

    // removing the foreign file lifts the block: the remaining one is only a romanised name (a warning)
    const kase = await detail(id);
    const wangWu = instances(kase).find((i) => i.sopInstanceUid === up.body.accepted[1].sopInstanceUid)!;
    const removed = await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: [wangWu.id], reason: '他人影像' });
    expect(removed.status).toBe(200);
    expect(removed.body.identity.state).toBe('UNCOMPARABLE');
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
  });

  it('judges a file arriving after a confirmation anew', async () => {
    const id = await zhangSanCase();
    await tech1.upload(id, [{ name: 'a.dcm', data: ct({ ...utf8('李^四') }).bytes }]);
    expect((await tech1.post(`/api/cases/${id}/identity-confirmation`, { reason: '登记姓名有误' })).status).toBe(200);
    await tech1.upload(id, [{ name: 'b.dcm', data: ct({ ...utf8('王^五') }).bytes }]);
    expect((await detail(id)).identity.state).toBe('MISMATCH');
    expect((await tech1.post(`/api/cases/${id}/submit`)).body.error.code).toBe('IDENTITY_MISMATCH');
  });

  it('marks secondary captures and other modalities in the exam', async () => {
    const id = await zhangSanCase();
    await tech1.upload(id, [
      { name: 'ct.dcm', data: ct({ ...utf8('张^三') }).bytes },
      { name: 'sc.dcm', data: ct({ ...utf8('张^三'), sopClassUid: SECONDARY_CAPTURE, modality: 'OT' }).bytes },
      { name: 'pr.dcm', data: ct({ ...utf8('张^三'), modality: 'SR' }).bytes },
    ]);
    const roles = (await detail(id)).studies.flatMap((s) => s.series.map((se) => [se.modality, se.role]));
    expect(roles.sort()).toEqual([
      ['CT', 'PRIMARY'],
      ['OT', 'SECONDARY_CAPTURE'],
      ['SR', 'OTHER_MODALITY'],
    ]);
  });
});
