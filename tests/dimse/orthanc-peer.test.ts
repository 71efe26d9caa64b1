// Debian's Orthanc as the township's modality: registered as a device, it C-STOREs a real multi-instance study
// (pydicom's MR in its lossless transfer syntaxes) to teledx and asks for storage commitment over its REST API;
// teledx answers the N-ACTION and reports on a new association to Orthanc's own port (IHE RAD-10). A device
// without an address is refused, as dcmjs-dimse's client sees it.
import { execFileSync } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dcmjsDimse from 'dcmjs-dimse';
import { checkCommitment, STORAGE_COMMITMENT_INSTANCE, STORAGE_COMMITMENT_PUSH } from '../../server/dimse/commitment.ts';
import { startDicomService } from '../../server/dimse/service.ts';
import { losslessMrVariants } from '../fixtures/corpus.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

interface CommitmentState {
  Status: string;
  Success: { SOPClassUID: string; SOPInstanceUID: string }[];
  Failures: { SOPClassUID: string; SOPInstanceUID: string; FailureReason: number }[];
}

/** a UID under 2.25 (a UUID as a decimal number) */
const newUid = () => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

/** The MR study as files of a new study, series and instances, with the accession number (dcmtk's dcmodify). */
function mrStudy(accessionNumber: string): { studyUid: string; files: { sopInstanceUid: string; bytes: Buffer }[] } {
  const dir = mkdtempSync(join(tmpdir(), 'teledx-orthanc-study-'));
  const [studyUid, seriesUid] = [newUid(), newUid()];
  try {
    const files = losslessMrVariants().map(({ bytes }, i) => {
      const file = join(dir, `${i}.dcm`);
      writeFileSync(file, bytes);
      const sopInstanceUid = newUid();
      const set = { '0020,000D': studyUid, '0020,000E': seriesUid, '0008,0018': sopInstanceUid, '0008,0050': accessionNumber };
      execFileSync('/usr/bin/dcmodify', ['-nb', ...Object.entries(set).flatMap(([tag, value]) => ['-m', `(${tag})=${value}`]), file]);
      return { sopInstanceUid, bytes: readFileSync(file) };
    });
    return { studyUid, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let orthanc: RunningOrthanc;
beforeAll(async () => {
  orthanc = await startOrthanc();
}, 60_000);
afterAll(() => orthanc?.stop());

describe.each(BACKENDS)('Orthanc as a modality (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let admin: ApiClient;
  let deviceId: string;
  /** an instance teledx holds from the first test */
  let heldUid: string;
  /** another of them, whose bytes the second test removes from the store */
  let lostUid: string;

  beforeAll(async () => {
    // reports not taken are retried after 1 s, 2 s, 4 s, 8 s
    server = await startTestServer(backend, { TELEDX_DICOM_PORT: '0', TELEDX_COMMITMENT_RETRY_SECONDS: '1' });
    [tech1, admin] = await Promise.all([server.login('tech1'), server.login('admin')]);
    const township = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'tech1' } })).organizationId;
    const device = await admin.post('/api/devices', {
      aeTitle: 'ORTHANC',
      host: '127.0.0.1',
      port: orthanc.dicomPort,
      organizationId: township,
    });
    expect(device.status).toBe(201);
    deviceId = device.body.id;
    // one Orthanc for the file: teledx of this backend is its "teledx" modality now
    await orthanc.rest('PUT', '/modalities/teledx', { AET: 'TELEDX', Host: '127.0.0.1', Port: server.server.dicomPort });
  }, 60_000);
  afterAll(() => server?.close());

  /** the device's registered port (the report's destination); null: none */
  async function setDevicePort(port: number | null) {
    const row = await server.server.ctx.db.dicomDevice.findUniqueOrThrow({ where: { id: deviceId } });
    const changed = await admin.request('PUT', `/api/devices/${deviceId}`, {
      json: { aeTitle: 'ORTHANC', host: '127.0.0.1', port, organizationId: row.organizationId },
    });
    expect(changed.status).toBe(200);
  }

  /** Orthanc's view of a commitment transaction once teledx's report has arrived */
  async function commitment(transactionUid: string): Promise<CommitmentState> {
    for (const deadline = Date.now() + 30_000; ;) {
      const state = await orthanc.rest<CommitmentState>('GET', `/storage-commitment/${transactionUid}`);
      if (state.Status !== 'Pending') return state;
      if (Date.now() > deadline) throw new Error(`storage commitment ${transactionUid} still pending`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('Orthanc C-STOREs a study into the case of its accession number and gets storage commitment success', async () => {
    const created = await tech1.post('/api/cases', { patient: { name: '王五' }, examKind: 'MR' });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const accessionNumber = (await tech1.get(`/api/cases/${caseId}`)).body.accessionNumber as string;
    const study = mrStudy(accessionNumber);
    const uploaded: { ParentStudy: string }[] = [];
    for (const file of study.files) uploaded.push(await orthanc.rest('POST', '/instances', new Uint8Array(file.bytes)));
    const orthancStudy = uploaded[0]!.ParentStudy;
    expect(new Set(uploaded.map((u) => u.ParentStudy)).size).toBe(1);
    heldUid = study.files[0]!.sopInstanceUid;
    lostUid = study.files[1]!.sopInstanceUid;

    const job = await orthanc.rest<Record<string, unknown>>('POST', '/modalities/teledx/store', {
      Resources: [orthancStudy],
      StorageCommitment: true,
      Synchronous: true,
    });
    const transactionUid = job.StorageCommitmentTransactionUID as string;
    expect(transactionUid, JSON.stringify(job)).toMatch(/^[0-9.]+$/);
    const state = await commitment(transactionUid);
    expect(state.Status, JSON.stringify(state)).toBe('Success');
    expect(state.Failures).toEqual([]);
    expect(state.Success.map((s) => s.SOPInstanceUID).sort()).toEqual(study.files.map((f) => f.sopInstanceUid).sort());

    // every instance in tech1's case of that accession number, none elsewhere
    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    expect(detail.instanceCount).toBe(study.files.length);
    const held = await server.server.ctx.db.instance.findMany({
      where: { sopInstanceUid: { in: study.files.map((f) => f.sopInstanceUid) } },
    });
    expect(held.map((i) => i.caseId)).toEqual(study.files.map(() => caseId));

    // the report's audit event is written once teledx's association has closed, maybe after Orthanc shows it
    const details = await until(async () => {
      const audits = await server.server.ctx.db.auditEvent.findMany({
        where: { entityId: deviceId, action: { in: ['dicom.commitment_request', 'dicom.commitment_report'] } },
        orderBy: { at: 'asc' },
      });
      return audits.length === 2 ? audits.map((a) => ({ action: a.action, ...JSON.parse(a.details!) })) : null;
    });
    expect(details).toContainEqual(
      expect.objectContaining({ action: 'dicom.commitment_request', transactionUid, instances: study.files.length }),
    );
    expect(details).toContainEqual(
      expect.objectContaining({
        action: 'dicom.commitment_report',
        transactionUid,
        eventType: 1,
        committed: study.files.length,
        failed: 0,
        status: 0,
      }),
    );
  }, 120_000);

  it('a commitment request naming instances teledx does not hold (or lost the bytes of) lists them as failed', async () => {
    const db = server.server.ctx.db;
    const held = await db.instance.findUniqueOrThrow({ where: { sopInstanceUid: heldUid } });
    expect(held.sopClassUid).toBe(MR_IMAGE_STORAGE);
    const lost = await db.instance.findUniqueOrThrow({ where: { sopInstanceUid: lostUid } });
    await server.server.ctx.store.delete(lost.storageKey);
    const unknownUid = newUid();
    const request = await orthanc.rest<{ ID: string }>('POST', '/modalities/teledx/storage-commitment', {
      DicomInstances: [
        [MR_IMAGE_STORAGE, held.sopInstanceUid],
        [MR_IMAGE_STORAGE, unknownUid],
        // the held instance under another SOP class: not what teledx committed
        ['1.2.840.10008.5.1.4.1.1.2', held.sopInstanceUid],
        // a row without its bytes is not committed
        [MR_IMAGE_STORAGE, lostUid],
      ],
    });
    const state = await commitment(request.ID);
    expect(state.Status).toBe('Failure');
    expect(state.Success).toEqual([{ SOPClassUID: MR_IMAGE_STORAGE, SOPInstanceUID: held.sopInstanceUid }]);
    expect(state.Failures.map((f) => [f.SOPInstanceUID, f.FailureReason]).sort()).toEqual(
      [
        [unknownUid, 0x0112],
        [held.sopInstanceUid, 0x0119],
        [lostUid, 0x0110],
      ].sort(),
    );
    // and to another township's device, teledx holds none of them
    const elsewhere = await db.user.findUniqueOrThrow({ where: { username: 'tech2' } });
    const checked = await checkCommitment(server.server.ctx, elsewhere.organizationId, [
      { sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid: heldUid },
    ]);
    expect(checked).toEqual({ committed: [], failed: [{ sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid: heldUid, reason: 0x0112 }] });
  }, 60_000);

  it('refuses the N-ACTION, audited, while the device has no port to report to', async () => {
    await setDevicePort(null);
    try {
      await expect(
        orthanc.rest('POST', '/modalities/teledx/storage-commitment', { DicomInstances: [[MR_IMAGE_STORAGE, heldUid]] }),
      ).rejects.toThrow();
      const refused = await server.server.ctx.db.auditEvent.findFirstOrThrow({
        where: { entityId: deviceId, action: 'dicom.commitment_request' },
        orderBy: { at: 'desc' },
      });
      expect(JSON.parse(refused.details!)).toMatchObject({ status: 0x0110, refused: expect.stringMatching(/no address and port/) });
    } finally {
      await setDevicePort(orthanc.dicomPort);
    }
    // the same refusal as a device sees it on the wire (the demo's TOWNSHIP1 has no address): status and reason
    const answer = await nAction(server.server.dicomPort!, 'TOWNSHIP1', {
      TransactionUID: newUid(),
      ReferencedSOPSequence: [{ ReferencedSOPClassUID: MR_IMAGE_STORAGE, ReferencedSOPInstanceUID: heldUid }],
    });
    expect(answer).toEqual({ status: 0x0110, comment: 'device has no address and port registered for the report' });
  }, 60_000);

  it('sends the report again while the device cannot take it, until it can', async () => {
    // the device's port answers nothing at first (a modality rebooting); later it leads to Orthanc again
    const port = await freePort();
    await setDevicePort(port);
    let relay: Server | null = null;
    try {
      const request = await orthanc.rest<{ ID: string }>('POST', '/modalities/teledx/storage-commitment', {
        DicomInstances: [[MR_IMAGE_STORAGE, heldUid]],
      });
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the first attempt has been refused
      relay = await tcpRelay(port, orthanc.dicomPort);
      const state = await commitment(request.ID);
      expect(state.Status, JSON.stringify(state)).toBe('Success');
      // as above: the audit event may follow Orthanc's state
      const details = await until(async () => {
        const report = await server.server.ctx.db.auditEvent.findFirst({
          where: { entityId: deviceId, action: 'dicom.commitment_report', details: { contains: request.ID } },
        });
        return report && JSON.parse(report.details!);
      });
      expect(details).toMatchObject({ transactionUid: request.ID, status: 0, committed: 1, to: `ORTHANC@127.0.0.1:${port}` });
      expect(details.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      relay?.close();
      await setDevicePort(orthanc.dicomPort);
    }
  }, 60_000);

  it('a report still waiting for its retry is given up when the DICOM service stops, and audited so', async () => {
    // a second DICOM service of the same server, stopped by the test; the device's port answers nothing
    const service = await startDicomService(server.server.ctx, '127.0.0.1', { port: 0, aeTitle: 'TELEDX' });
    await setDevicePort(await freePort());
    const transactionUid = newUid();
    try {
      const answer = await nAction(service.port, 'ORTHANC', {
        TransactionUID: transactionUid,
        ReferencedSOPSequence: [{ ReferencedSOPClassUID: MR_IMAGE_STORAGE, ReferencedSOPInstanceUID: heldUid }],
      });
      expect(answer.status).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // two attempts refused; the next in 2 s, then 4 and 8
      const t0 = performance.now();
      await service.close();
      expect(performance.now() - t0).toBeLessThan(1000); // not held by the 14 s of retries left
      const report = await server.server.ctx.db.auditEvent.findFirstOrThrow({
        where: { entityId: deviceId, action: 'dicom.commitment_report', details: { contains: transactionUid } },
      });
      const details = JSON.parse(report.details!);
      expect(details).toMatchObject({ transactionUid, error: 'not delivered before the DICOM service stopped' });
      expect(details.attempts).toBeLessThanOrEqual(2); // of the five it would have made
    } finally {
      await service.close();
      await setDevicePort(orthanc.dicomPort);
    }
  }, 60_000);
});

/** the first truthy answer of `probe`, asked every 100 ms for up to 10 s */
async function until<T>(probe: () => Promise<T | null>): Promise<T> {
  for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const answer = await probe();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error('not within 10 s');
  }
}

/** a port nothing listens on (yet) */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** listens on `port` and passes every connection through to `target` */
async function tcpRelay(port: number, target: number): Promise<Server> {
  const relay = createServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    for (const end of [socket, upstream]) end.on('error', () => (socket.destroy(), upstream.destroy()));
  });
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  return relay;
}

/** A Request Storage Commitment N-ACTION by dcmjs-dimse's client: the response's status and Error Comment. */
function nAction(port: number, aeTitle: string, elements: Record<string, unknown>): Promise<{ status: number; comment?: string }> {
  return new Promise((resolve, reject) => {
    const client = new dcmjsDimse.Client();
    const request = new dcmjsDimse.requests.NActionRequest(STORAGE_COMMITMENT_PUSH, STORAGE_COMMITMENT_INSTANCE, 1);
    request.setDataset(new dcmjsDimse.Dataset(elements));
    let answer: { status: number; comment?: string } | null = null;
    request.on('response', (response: dcmjsDimse.responses.NActionResponse) => {
      answer = { status: response.getStatus(), comment: response.getErrorComment() || undefined };
    });
    client.on('networkError', reject);
    client.on('closed', () => (answer ? resolve(answer) : reject(new Error('no N-ACTION response'))));
    client.addRequest(request);
    client.send('127.0.0.1', port, aeTitle, 'TELEDX');
  });
}
