// Two-level reporting (书写 → 审核) over the API, on SQLite and PostgreSQL: where the centre wants a second reader
// for the exam kind (the demo: the imaging centre's MR), the writer hands the report in, a reader allowed to sign
// takes it from the worklist, returns it once with a note, the writer hands it in again, the reviewer edits and
// signs; both names are on the case, the report and the PDF. Single-level exam kinds are signed as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireLeases } from '../../server/reading/claims.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { readPdf } from '../helpers/pdf.ts';
import { connectSocket, waitForEvent } from '../helpers/sockets.ts';
import { addEcgSupervisor, BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('two-level reporting (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, writer1: ApiClient, reader1: ApiClient, super1: ApiClient;
  let imagingCentre: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, writer1, reader1, super1] = await Promise.all([
      server.login('tech1'),
      server.login('writer1'),
      server.login('reader1'),
      server.login('super1'),
    ]);
    imagingCentre = (await server.server.ctx.db.readingCentre.findUniqueOrThrow({ where: { code: 'IMAGING' } })).id;
  });
  afterAll(() => server?.close());

  /** a submitted case of this exam kind (MR: reviewed at the imaging centre; CT: signed by its reader) */
  async function submittedCase(examKind: 'MR' | 'CT', priority = 'ROUTINE'): Promise<string> {
    const id = (await tech1.post('/api/cases', { patient: { name: '两级' }, examKind, bodyPart: '头部', priority })).body.id as string;
    const files = [{ name: 'f.dcm', data: syntheticCt({ rows: 16, columns: 16, modality: examKind }).bytes }];
    expect((await tech1.upload(id, files)).status).toBe(200);
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }
  const draft = (impression: string) => ({ templateId: 'mr-general', findings: '左侧额叶见片状长T2信号。', impression });
  const put = (client: ApiClient, id: string, body: unknown) => client.request('PUT', `/api/cases/${id}/report`, { json: body });
  const sign = (client: ApiClient, id: string) => client.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
  const actions = async (id: string) =>
    (
      await server.server.ctx.db.auditEvent.findMany({ where: { entityId: id, action: { startsWith: 'case.' } }, orderBy: { at: 'asc' } })
    ).map((a) => a.action);

  it('writer hands in, reviewer returns it once, writer hands in again, reviewer edits and signs; both names shown', async () => {
    const id = await submittedCase('MR');
    const watcher = await connectSocket(reader1);
    expect((await writer1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    expect((await put(writer1, id, draft('左侧额叶脑梗死。'))).status).toBe(200);
    const refused = await sign(writer1, id);
    expect(refused.status).toBe(403); // writer1 may not sign at all

    const handedIn = await writer1.post(`/api/cases/${id}/report/submit-preliminary`);
    expect(handedIn.body).toMatchObject({
      status: 'PRELIMINARY',
      claimedBy: null,
      review: { required: true, writtenBy: { displayName: '孙医生' }, signedBy: null, returnNote: null },
    });
    await waitForEvent(watcher, (e) => e.case.id === id && e.event === 'submitPreliminary' && e.case.status === 'PRELIMINARY');
    const queue = (await reader1.get('/api/worklist')).body as { id: string; status: string }[];
    expect(queue.find((c) => c.id === id)?.status).toBe('PRELIMINARY');
    // the writer cannot take their own report for review (nor may they sign)
    expect((await writer1.post(`/api/cases/${id}/claim`)).body.error.code).toBe('NOT_A_SIGNER');
    expect((await put(writer1, id, draft('改'))).body.error.code).toBe('NOT_CLAIMED_BY_YOU');

    const reviewing = await reader1.post(`/api/cases/${id}/claim`);
    expect(reviewing.body).toMatchObject({ status: 'REVIEWING', claimedBy: { displayName: '陈医生' } });
    expect((await super1.post(`/api/cases/${id}/claim`)).body.error.code).toBe('ALREADY_CLAIMED');
    const back = await reader1.post(`/api/cases/${id}/report/return-to-writer`, { note: '请补充病灶大小' });
    expect(back.body).toMatchObject({ status: 'CLAIMED', claimedBy: { displayName: '孙医生' }, review: { returnNote: '请补充病灶大小' } });
    expect((await sign(reader1, id)).status).toBe(403); // no longer the reviewer's

    expect((await put(writer1, id, draft('左侧额叶急性脑梗死，约2.0cm×1.5cm。'))).status).toBe(200);
    expect((await writer1.post(`/api/cases/${id}/report/submit-preliminary`)).body.status).toBe('PRELIMINARY');
    expect((await reader1.post(`/api/cases/${id}/claim`)).body.status).toBe('REVIEWING');
    // the reviewer's correction keeps the writer as the report's author
    const corrected = await put(reader1, id, draft('左侧额叶急性脑梗死（约2.0cm×1.5cm）。'));
    expect(corrected.body.author.displayName).toBe('孙医生');
    const signed = await sign(reader1, id);
    expect(signed.body).toMatchObject({
      status: 'SIGNED',
      review: { required: true, writtenBy: { displayName: '孙医生' }, signedBy: { displayName: '陈医生' } },
    });
    await waitForEvent(watcher, (e) => e.case.id === id && e.event === 'sign');
    watcher.close();

    const detail = (await tech1.get(`/api/cases/${id}`)).body;
    expect(detail.review).toMatchObject({ writtenBy: { displayName: '孙医生' }, signedBy: { displayName: '陈医生' } });
    const { firstClaimedAt, writtenAt, signedAt } = detail.turnaround;
    expect(Date.parse(firstClaimedAt)).toBeLessThanOrEqual(Date.parse(writtenAt));
    expect(Date.parse(writtenAt)).toBeLessThanOrEqual(Date.parse(signedAt));
    const report = (await tech1.get(`/api/cases/${id}/report`)).body.current;
    expect(report).toMatchObject({
      impression: '左侧额叶急性脑梗死（约2.0cm×1.5cm）。',
      author: { displayName: '孙医生' },
      signedBy: { displayName: '陈医生' },
    });
    const printed = await readPdf((await tech1.get(`/api/cases/${id}/report.pdf`)).body);
    expect(printed.text).toContain('书写医师：孙医生');
    expect(printed.text).toContain('审核医师：陈医生');
    expect(printed.text).not.toContain('报告医师');

    expect(await actions(id)).toEqual([
      'case.create',
      'case.submit',
      'case.claim',
      'case.submitPreliminary',
      'case.claimReview',
      'case.returnToWriter',
      'case.submitPreliminary',
      'case.claimReview',
      'case.sign',
    ]);
    const returned = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { entityId: id, action: 'case.returnToWriter' } });
    expect(JSON.parse(returned.details!)).toMatchObject({ from: 'REVIEWING', to: 'CLAIMED', note: '请补充病灶大小' });
  });

  it('refuses a writer allowed to sign their own report where a second reader is required', async () => {
    const id = await submittedCase('MR');
    await reader1.post(`/api/cases/${id}/claim`);
    await put(reader1, id, draft('未见异常。'));
    const direct = await sign(reader1, id);
    expect(direct.status).toBe(409);
    expect(direct.body.error.code).toBe('SECOND_READER_REQUIRED');
    expect((await reader1.post(`/api/cases/${id}/report/submit-preliminary`)).body.status).toBe('PRELIMINARY');
    expect((await reader1.post(`/api/cases/${id}/claim`)).body.error.code).toBe('OWN_PRELIMINARY_REPORT');
    expect((await super1.post(`/api/cases/${id}/claim`)).body.status).toBe('REVIEWING');
    expect((await sign(super1, id)).body.review).toMatchObject({
      writtenBy: { displayName: '陈医生' },
      signedBy: { displayName: '赵主任' },
    });
  });

  it('gives a review whose lease ran out, or that is released, back to the review queue', async () => {
    const id = await submittedCase('MR');
    await writer1.post(`/api/cases/${id}/claim`);
    await put(writer1, id, draft('未见异常。'));
    await writer1.post(`/api/cases/${id}/report/submit-preliminary`);
    await reader1.post(`/api/cases/${id}/claim`);
    expect((await reader1.post(`/api/cases/${id}/lease`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/release`)).body).toMatchObject({ status: 'PRELIMINARY', claimedBy: null });
    await super1.post(`/api/cases/${id}/claim`);
    await server.server.ctx.db.case.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    expect(await expireLeases(server.server.ctx)).toBeGreaterThanOrEqual(1);
    expect((await super1.get(`/api/cases/${id}`)).body).toMatchObject({ status: 'PRELIMINARY', claimedBy: null });
    expect((await actions(id)).slice(-4)).toEqual(['case.claimReview', 'case.releaseReview', 'case.claimReview', 'case.expireReview']);
  });

  it('leaves single-level exam kinds as they were: the reader signs, the PDF names one physician', async () => {
    const id = await submittedCase('CT');
    await reader1.post(`/api/cases/${id}/claim`);
    await put(reader1, id, draft('未见异常。'));
    const signed = await sign(reader1, id);
    expect(signed.body).toMatchObject({
      status: 'SIGNED',
      review: { required: false, writtenBy: null, signedBy: { displayName: '陈医生' } },
    });
    const printed = await readPdf((await tech1.get(`/api/cases/${id}/report.pdf`)).body);
    expect(printed.text).toContain('报告医师：陈医生');
    expect(printed.text).not.toContain('审核医师');
  });

  it("lets the centre's supervisor and administrators choose the exam kinds that need a second reader", async () => {
    await addEcgSupervisor(server);
    const setting = (client: ApiClient, examKinds: string[]) =>
      client.request('PUT', `/api/centres/${imagingCentre}/review-exam-kinds`, { json: { examKinds } });
    expect((await setting(reader1, ['CT'])).status).toBe(403);
    expect((await setting(await server.login('super2'), ['CT'])).status).toBe(404); // another centre's supervisor
    const changed = await setting(super1, ['CT', 'MR', 'CT']);
    expect(changed.body).toMatchObject({ code: 'IMAGING', reviewExamKinds: ['CT', 'MR'] });
    try {
      const centres = (await tech1.get('/api/consortium')).body.centres as { code: string; reviewExamKinds: string[] }[];
      expect(centres.find((c) => c.code === 'IMAGING')?.reviewExamKinds).toEqual(['CT', 'MR']);
      const id = await submittedCase('CT');
      await reader1.post(`/api/cases/${id}/claim`);
      await put(reader1, id, draft('未见异常。'));
      expect((await sign(reader1, id)).body.error.code).toBe('SECOND_READER_REQUIRED');
    } finally {
      expect((await setting(await server.login('admin'), ['MR'])).body.reviewExamKinds).toEqual(['MR']);
    }
    const audit = await server.server.ctx.db.auditEvent.findMany({
      where: { action: 'consortium.review_exam_kinds' },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    expect(audit.map((a) => JSON.parse(a.details!).examKinds)).toEqual([['CT', 'MR'], ['MR']]);
  });

  it('keeps STAT first in the worklist with reports awaiting review', async () => {
    const routine = await submittedCase('CT');
    const stat = await submittedCase('MR', 'STAT');
    await writer1.post(`/api/cases/${stat}/claim`);
    await put(writer1, stat, draft('急性脑梗死。'));
    await writer1.post(`/api/cases/${stat}/report/submit-preliminary`);
    const ids = ((await reader1.get('/api/worklist')).body as { id: string }[]).map((c) => c.id);
    expect(ids.indexOf(stat)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(stat)).toBeLessThan(ids.indexOf(routine));
  });
});
