// MPPS against dcmjs-dimse's Client (dcmtk has no MPPS SCU): N-CREATE (IN PROGRESS) linked to the case by the
// scheduled step's accession number, N-SET COMPLETED marking the case "images complete" with its audit event, the
// township's auto-submit through the lifecycle, and the PS3.4 statuses of the refusals.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjsDimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { dcmtk } from '../helpers/dcmtk.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const { Client, Dataset } = dcmjsDimse;
const { NCreateRequest, NSetRequest } = dcmjsDimse.requests;
const MPPS = '1.2.840.10008.3.1.2.3.3';

interface Reply {
  status: number;
  errorId: number | undefined;
  comment: string | undefined;
}

describe.each(BACKENDS)('MPPS (%s)', (backend) => {
  let server: TestServer;
  let port: number;
  let dir: string;
  let tech1: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_DICOM_PORT: '0' });
    port = server.server.dicomPort!;
    dir = await mkdtemp(join(tmpdir(), 'teledx-mpps-'));
    [tech1, admin] = await Promise.all([server.login('tech1'), server.login('admin')]);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** one association of `aet` carrying one MPPS request; answers the response's status, Error ID and comment */
  function send(aet: string, request: InstanceType<typeof NCreateRequest> | InstanceType<typeof NSetRequest>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let reply: Reply | undefined;
      request.on('response', (response) => {
        const command = response.getCommandDataset();
        const errorId = command.getElement('ErrorID') as unknown;
        reply = {
          status: response.getStatus(),
          errorId: typeof errorId === 'number' ? errorId : undefined,
          comment: response.getErrorComment() || undefined,
        };
      });
      client.addRequest(request);
      client.on('networkError', reject);
      client.on('associationRejected', () => reject(new Error('association rejected')));
      client.on('closed', () => (reply ? resolve(reply) : reject(new Error('no response'))));
      client.send('127.0.0.1', port, aet, 'TELEDX');
    });
  }

  function create(aet: string, uid: string, elements: Record<string, unknown>) {
    const request = new NCreateRequest(MPPS, uid);
    request.setDataset(new Dataset(elements));
    return send(aet, request);
  }
  function set(aet: string, uid: string, elements: Record<string, unknown>) {
    const request = new NSetRequest(MPPS, uid);
    request.setDataset(new Dataset(elements));
    return send(aet, request);
  }

  const inProgress = (accessionNumber: string) => ({
    ScheduledStepAttributesSequence: [{ AccessionNumber: accessionNumber, StudyInstanceUID: newUid() }],
    PatientName: '张三',
    PatientID: 'P1',
    PerformedProcedureStepID: 'PPS1',
    PerformedStationAETitle: 'TOWNSHIP1',
    PerformedProcedureStepStartDate: '20261202',
    PerformedProcedureStepStartTime: '101500',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    Modality: 'CT',
  });
  const completed = {
    PerformedProcedureStepStatus: 'COMPLETED',
    PerformedProcedureStepEndDate: '20261202',
    PerformedProcedureStepEndTime: '102000',
  };

  /** a registered CT exam of tech1's township, with one image sent by its device when `imaged` */
  async function exam(imaged: boolean): Promise<{ id: string; accessionNumber: string; studyUid: string }> {
    const created = await tech1.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' });
    expect(created.status).toBe(201);
    const { id, accessionNumber } = created.body as { id: string; accessionNumber: string };
    const studyUid = newUid();
    if (imaged) {
      const file = join(dir, `${id}.dcm`);
      await writeFile(file, syntheticCt({ rows: 16, columns: 16, accessionNumber, studyUid }).bytes);
      const sent = await dcmtk('storescu', ['-aet', 'TOWNSHIP1', '-aec', 'TELEDX', '127.0.0.1', String(port), file]);
      expect(sent.code, sent.output).toBe(0);
    }
    return { id, accessionNumber, studyUid };
  }

  const actions = async (caseId: string) =>
    (await server.server.ctx.db.auditEvent.findMany({ where: { entityId: caseId }, orderBy: { at: 'asc' } })).map((e) => e.action);

  it('links N-CREATE to the case by accession number; N-SET COMPLETED marks it images complete, audited', async () => {
    const kase = await exam(true);
    const uid = newUid();
    expect(await create('TOWNSHIP1', uid, inProgress(kase.accessionNumber))).toMatchObject({ status: 0 });
    const db = server.server.ctx.db;
    const step = await db.performedProcedureStep.findUniqueOrThrow({ where: { sopInstanceUid: uid } });
    expect(step).toMatchObject({ caseId: kase.id, status: 'IN PROGRESS' });
    expect((await tech1.get(`/api/cases/${kase.id}`)).body.imagesCompleteAt).toBeNull();

    expect(await set('TOWNSHIP1', uid, completed)).toMatchObject({ status: 0 });
    const detail = (await tech1.get(`/api/cases/${kase.id}`)).body;
    expect(detail.imagesCompleteAt).not.toBeNull();
    expect(detail.status).toBe('DRAFT'); // the township did not ask for auto-submit
    const device = await db.dicomDevice.findUniqueOrThrow({ where: { aeTitle: 'TOWNSHIP1' } });
    const marked = await db.auditEvent.findFirstOrThrow({ where: { action: 'case.images_complete', entityId: kase.id } });
    expect(marked.actorId).toBe(device.userId);
    expect(JSON.parse(marked.details!)).toMatchObject({ aeTitle: 'TOWNSHIP1', mpps: uid });
    expect(await db.auditEvent.count({ where: { action: { in: ['dicom.mpps_create', 'dicom.mpps_set'] }, entityId: step.id } })).toBe(2);

    // a finished step may no longer be updated: 0x0110 with Error ID 0xA710 (PS3.4 F.7.2.2)
    expect(await set('TOWNSHIP1', uid, { PerformedProcedureStepStatus: 'DISCONTINUED' })).toMatchObject({
      status: 0x0110,
      errorId: 0xa710,
    });
    expect((await db.performedProcedureStep.findUniqueOrThrow({ where: { sopInstanceUid: uid } })).status).toBe('COMPLETED');
  });

  it("links by the study the case holds when the step names no accession number, only in the device's township", async () => {
    const kase = await exam(true);
    const byStudy = { ...inProgress(''), ScheduledStepAttributesSequence: [{ AccessionNumber: '', StudyInstanceUID: kase.studyUid }] };
    const uid = newUid();
    expect((await create('TOWNSHIP1', uid, byStudy)).status).toBe(0);
    const db = server.server.ctx.db;
    expect((await db.performedProcedureStep.findUniqueOrThrow({ where: { sopInstanceUid: uid } })).caseId).toBe(kase.id);
    // the same study named by another township's device: an unscheduled step of its own, linked to nothing
    const foreign = newUid();
    expect((await create('TOWNSHIP2', foreign, byStudy)).status).toBe(0);
    expect((await db.performedProcedureStep.findUniqueOrThrow({ where: { sopInstanceUid: foreign } })).caseId).toBeNull();
    expect((await set('TOWNSHIP2', foreign, completed)).status).toBe(0);
    expect((await tech1.get(`/api/cases/${kase.id}`)).body.imagesCompleteAt).toBeNull();
  });

  it('refuses with the PS3.4 statuses: duplicate, unknown instance, bad status, unknown attribute, missing status', async () => {
    const kase = await exam(false);
    const uid = newUid();
    expect((await create('TOWNSHIP1', uid, inProgress(kase.accessionNumber))).status).toBe(0);
    expect((await create('TOWNSHIP1', uid, inProgress(kase.accessionNumber))).status).toBe(0x0111);
    expect(
      (await create('TOWNSHIP1', newUid(), { ...inProgress(kase.accessionNumber), PerformedProcedureStepStatus: 'COMPLETED' })).status,
    ).toBe(0x0106);
    expect((await create('TOWNSHIP1', newUid(), { ...inProgress(kase.accessionNumber), StudyDate: '20261202' })).status).toBe(0x0105);
    const { PerformedProcedureStepStatus: _status, ...noStatus } = inProgress(kase.accessionNumber);
    expect((await create('TOWNSHIP1', newUid(), noStatus)).status).toBe(0x0120);

    expect((await set('TOWNSHIP1', newUid(), completed)).status).toBe(0x0112);
    // another township's device: as unknown as a step that does not exist
    expect((await set('TOWNSHIP2', uid, completed)).status).toBe(0x0112);
    expect((await set('TOWNSHIP1', uid, { PerformedProcedureStepStatus: 'FINISHED' })).status).toBe(0x0106);
    expect((await set('TOWNSHIP1', uid, { StudyDate: '20261202' })).status).toBe(0x0105);
    // still IN PROGRESS: attributes may change; DISCONTINUED ends it without images complete
    expect((await set('TOWNSHIP1', uid, { CommentsOnThePerformedProcedureStep: '患者不配合' })).status).toBe(0);
    expect((await set('TOWNSHIP1', uid, { PerformedProcedureStepStatus: 'DISCONTINUED' })).status).toBe(0);
    expect((await tech1.get(`/api/cases/${kase.id}`)).body.imagesCompleteAt).toBeNull();
    expect((await set('TOWNSHIP1', uid, completed)).status).toBe(0x0110);
  });

  it('submits the case on COMPLETED when the township asks for it, through the lifecycle; without files it waits', async () => {
    const township = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'tech1' } })).organizationId;
    expect((await tech1.request('PUT', `/api/organizations/${township}/dicom-settings`, { json: { mppsAutoSubmit: true } })).status).toBe(
      403,
    );
    const on = await admin.request('PUT', `/api/organizations/${township}/dicom-settings`, { json: { mppsAutoSubmit: true } });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ organizationId: township, mppsAutoSubmit: true });
    try {
      const kase = await exam(true);
      const uid = newUid();
      expect((await create('TOWNSHIP1', uid, inProgress(kase.accessionNumber))).status).toBe(0);
      expect((await set('TOWNSHIP1', uid, completed)).status).toBe(0);
      const detail = (await tech1.get(`/api/cases/${kase.id}`)).body;
      expect(detail.status).toBe('SUBMITTED');
      expect(detail.centre).not.toBeNull();
      expect(await actions(kase.id)).toEqual(expect.arrayContaining(['case.images_complete', 'case.submit']));

      // no files yet: marked complete, left for the technician, the refusal audited
      const empty = await exam(false);
      const other = newUid();
      expect((await create('TOWNSHIP1', other, inProgress(empty.accessionNumber))).status).toBe(0);
      expect((await set('TOWNSHIP1', other, completed)).status).toBe(0);
      const waiting = (await tech1.get(`/api/cases/${empty.id}`)).body;
      expect(waiting).toMatchObject({ status: 'DRAFT' });
      expect(waiting.imagesCompleteAt).not.toBeNull();
      expect(await actions(empty.id)).toContain('case.auto_submit_refused');
    } finally {
      await admin.request('PUT', `/api/organizations/${township}/dicom-settings`, { json: { mppsAutoSubmit: false } });
    }
  });
});
