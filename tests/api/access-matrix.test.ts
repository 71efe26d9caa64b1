// The access matrix: every route of the route table, called by every kind of caller, on SQLite and PostgreSQL,
// with the status each must get. The callers are the demo accounts and one more supervisor:
//
//   anon    no session
//   tech1   technician of 城关镇 — the township that registered every fixture case ("own organization")
//   tech2   technician of 石桥镇 — another township ("foreign organization")
//   reader1 reader of the imaging centre, where the fixture cases are routed ("own centre")
//   ecg1    reader of the ECG centre ("foreign centre"; for the ECG fixture the two centres swap)
//   super1  supervisor of the imaging centre
//   super2  supervisor of the ECG centre (made for this test)
//   admin   administrator
//   coord1  referral coordinator of the county hospital's departments (the fixture referrals go to one of them)
//   finance1 the finance office (county hospital): agreements, prices, settlements; no case, no consultation
//
// Every mutating call gets its own fresh fixture, so a cell never sees another cell's effect. A route added to
// the table without a row here fails the first test. Every successful JSON answer of every cell is parsed with its
// route's `ok.schema`, strict at every level: a field the schema does not name (a leaked column) fails the cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actorForToken } from '../../server/auth/sessions.ts';
import { recordJoin } from '../../server/consult/consultations.ts';
import { API_ROUTES } from '../../server/http/api-routes.ts';
import { contentSha256, signedContentOf, verificationCode } from '../../server/reporting/verification.ts';
import type { RouteSpec } from '../../server/http/route-spec.ts';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { tinyPdf } from '../fixtures/other-files.ts';
import { addEcgSupervisor, BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const CALLERS = ['anon', 'tech1', 'tech2', 'reader1', 'ecg1', 'super1', 'super2', 'admin', 'coord1', 'finance1'] as const;
type Caller = (typeof CALLERS)[number];

/** What a cell's request acts on: made fresh (by tech1 and the imaging centre's staff) for each mutating call. */
type Fixture =
  | 'none'
  | 'draft'
  | 'uploaded'
  | 'foreignPatient'
  | 'submitted'
  | 'claimed'
  | 'drafted'
  | 'reviewing'
  | 'signed'
  | 'verifiable'
  | 'critical'
  | 'returned'
  | 'requested'
  | 'started'
  | 'rule'
  | 'personalTemplate'
  | 'device'
  | 'township'
  | 'apiToken'
  | 'ecg'
  | 'resumable'
  | 'referral'
  | 'acceptedReferral'
  | 'arrivedReferral'
  | 'arrivedDown'
  | 'department'
  | 'referralRule'
  | 'price'
  | 'agreement'
  | 'settlement'
  | 'reviewedSettlement';

interface Row {
  fixture: Fixture;
  /** the expected status for each caller, in the order of CALLERS */
  expect: [number, number, number, number, number, number, number, number, number, number];
}

//                                                   anon tech1 tech2 rdr1 ecg1 sup1 sup2 admin coord1 fin1
const MATRIX: Record<string, Row> = {
  'GET /health': { fixture: 'none', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /openapi.json': { fixture: 'none', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'POST /session': { fixture: 'none', expect: [201, 201, 201, 201, 201, 201, 201, 201, 201, 201] },
  'DELETE /session': { fixture: 'none', expect: [401, 204, 204, 204, 204, 204, 204, 204, 204, 204] },
  'GET /me': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'POST /cases': { fixture: 'none', expect: [401, 201, 201, 403, 403, 403, 403, 403, 403, 403] },
  'GET /cases': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /patients': { fixture: 'none', expect: [401, 200, 200, 403, 403, 403, 403, 403, 403, 403] },
  'GET /cases/:id': { fixture: 'submitted', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /cases/:id/history': { fixture: 'submitted', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /cases/:id/priors': { fixture: 'submitted', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'POST /cases/:id/submit': { fixture: 'uploaded', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /cases/:id/identity-confirmation': { fixture: 'foreignPatient', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /cases/:id/files/remove': { fixture: 'uploaded', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /cases/:id/cancel': { fixture: 'draft', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /cases/:id/files': { fixture: 'draft', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /uploads/:id/result': { fixture: 'resumable', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /instances/:id/file': { fixture: 'submitted', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /attachments/:id/file': { fixture: 'submitted', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /routing-rules': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'POST /routing-rules': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 403] },
  'PUT /routing-rules/:id': { fixture: 'rule', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /devices': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'POST /devices': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 403] },
  'PUT /devices/:id': { fixture: 'device', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'DELETE /devices/:id': { fixture: 'device', expect: [401, 403, 403, 403, 403, 403, 403, 204, 403, 403] },
  'PUT /organizations/:id/dicom-settings': { fixture: 'township', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'PUT /organizations/:id/exam-code': { fixture: 'township', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /api-tokens': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'POST /api-tokens': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 403] },
  'DELETE /api-tokens/:id': { fixture: 'apiToken', expect: [401, 403, 403, 403, 403, 403, 403, 204, 403, 403] },
  'GET /worklist': { fixture: 'none', expect: [401, 403, 403, 200, 200, 200, 200, 200, 403, 403] },
  'POST /cases/:id/claim': { fixture: 'submitted', expect: [401, 403, 403, 200, 404, 200, 404, 403, 403, 403] },
  'POST /cases/:id/release': { fixture: 'claimed', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /cases/:id/lease': { fixture: 'claimed', expect: [401, 403, 403, 200, 404, 409, 404, 403, 403, 403] },
  'POST /cases/:id/return': { fixture: 'claimed', expect: [401, 403, 403, 403, 403, 200, 404, 403, 403, 403] },
  'POST /cases/:id/reassign': { fixture: 'claimed', expect: [401, 403, 403, 403, 403, 200, 404, 403, 403, 403] },
  'GET /consortium': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /centres/:id/readers': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 404, 200, 403, 403] },
  'PUT /centres/:id/review-exam-kinds': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 404, 200, 403, 403] },
  'GET /report-templates': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /personal-templates': { fixture: 'none', expect: [401, 403, 403, 200, 200, 200, 200, 403, 403, 403] },
  'POST /personal-templates': { fixture: 'none', expect: [401, 403, 403, 201, 201, 201, 201, 403, 403, 403] },
  'PUT /personal-templates/:id': { fixture: 'personalTemplate', expect: [401, 403, 403, 200, 404, 404, 404, 403, 403, 403] },
  'DELETE /personal-templates/:id': { fixture: 'personalTemplate', expect: [401, 403, 403, 204, 404, 404, 404, 403, 403, 403] },
  'GET /cases/:id/report': { fixture: 'signed', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /cases/:id/report.pdf': { fixture: 'signed', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'GET /report-verification/:accessionNumber/:version/:code': {
    fixture: 'verifiable',
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  'PUT /cases/:id/report': { fixture: 'claimed', expect: [401, 403, 403, 200, 404, 409, 404, 403, 403, 403] },
  'POST /cases/:id/report/sign': { fixture: 'drafted', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /cases/:id/report/submit-preliminary': { fixture: 'drafted', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /cases/:id/report/return-to-writer': { fixture: 'reviewing', expect: [401, 403, 403, 403, 404, 200, 404, 403, 403, 403] },
  'POST /cases/:id/report/amend': { fixture: 'signed', expect: [401, 403, 403, 200, 404, 200, 404, 403, 403, 403] },
  'POST /cases/:id/return-for-quality': { fixture: 'claimed', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /cases/:id/resubmit': { fixture: 'returned', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /cases/:id/acknowledge': { fixture: 'critical', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /critical-values': { fixture: 'critical', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /quality/returns': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /quality/turnaround': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /ecg/:analysisId/waveform': { fixture: 'ecg', expect: [401, 200, 404, 404, 200, 404, 200, 200, 404, 404] },
  'POST /consultations': { fixture: 'submitted', expect: [401, 201, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /consultations/specialists': { fixture: 'none', expect: [401, 200, 200, 200, 403, 200, 403, 200, 403, 403] },
  'GET /consultations': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /consultations/:id': { fixture: 'requested', expect: [401, 200, 404, 200, 404, 200, 404, 200, 404, 404] },
  'POST /consultations/:id/accept': { fixture: 'requested', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /consultations/:id/decline': { fixture: 'requested', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  'POST /consultations/:id/cancel': { fixture: 'requested', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /consultations/:id/end': { fixture: 'started', expect: [401, 200, 404, 200, 404, 403, 404, 403, 404, 404] },
  'PUT /consultations/:id/opinion': { fixture: 'started', expect: [401, 403, 403, 200, 404, 403, 404, 403, 403, 403] },
  // a joint consultation: the specialist and the centre's supervisor invite (ecg1 is invited in each cell)
  'GET /consultations/:id/invitable': { fixture: 'started', expect: [401, 403, 403, 200, 404, 200, 404, 403, 403, 403] },
  'POST /consultations/:id/invitations': { fixture: 'started', expect: [401, 403, 403, 201, 404, 201, 404, 403, 403, 403] },
  'GET /departments': { fixture: 'none', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'POST /departments': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 403] },
  'PUT /departments/:id': { fixture: 'department', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /referral-coordinators': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /referral-rules': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 200, 403] },
  'POST /referral-rules': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 403] },
  'PUT /referral-rules/:id': { fixture: 'referralRule', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'POST /referrals': { fixture: 'submitted', expect: [401, 201, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /referrals/green-channel': { fixture: 'critical', expect: [401, 201, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /referrals': { fixture: 'referral', expect: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /referrals/:id': { fixture: 'referral', expect: [401, 200, 404, 404, 404, 404, 404, 200, 200, 404] },
  'GET /referrals/:id/slip.pdf': { fixture: 'referral', expect: [401, 200, 404, 404, 404, 404, 404, 200, 200, 404] },
  'POST /referrals/:id/accept': { fixture: 'referral', expect: [401, 403, 404, 403, 403, 403, 403, 403, 200, 403] },
  'POST /referrals/:id/decline': { fixture: 'referral', expect: [401, 403, 404, 403, 403, 403, 403, 403, 200, 403] },
  'POST /referrals/:id/depart': { fixture: 'acceptedReferral', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /referrals/:id/arrive': { fixture: 'acceptedReferral', expect: [401, 403, 404, 403, 403, 403, 403, 403, 200, 403] },
  'POST /referrals/:id/complete': { fixture: 'arrivedReferral', expect: [401, 403, 404, 403, 403, 403, 403, 403, 200, 403] },
  'POST /referrals/:id/cancel': { fixture: 'referral', expect: [401, 200, 404, 403, 403, 403, 403, 403, 403, 403] },
  'POST /referrals/:id/follow-ups': { fixture: 'arrivedDown', expect: [401, 201, 404, 403, 403, 403, 403, 403, 403, 403] },
  'GET /dashboard/volumes': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/volumes.csv': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/turnaround': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/turnaround.csv': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/quality': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/quality.csv': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/load': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /dashboard/load.csv': { fixture: 'none', expect: [401, 403, 403, 403, 403, 200, 200, 200, 403, 403] },
  'GET /audit': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /audit.csv': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /his-deliveries': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 403] },
  'GET /price-schedule': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'PUT /price-schedule/:service': { fixture: 'price', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'GET /agreements': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'POST /agreements': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 201, 403, 201] },
  'GET /agreements/:id': { fixture: 'agreement', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'PUT /agreements/:id': { fixture: 'agreement', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'GET /settlements': { fixture: 'none', expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200] },
  'GET /settlements/:month/:invitingOrgId/:invitedOrgId': {
    fixture: 'settlement',
    expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200],
  },
  'POST /settlements/:month/:invitingOrgId/:invitedOrgId/review': {
    fixture: 'settlement',
    expect: [401, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  },
  'POST /settlements/:month/:invitingOrgId/:invitedOrgId/lock': {
    fixture: 'reviewedSettlement',
    expect: [401, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  },
  'GET /settlements/:month/:invitingOrgId/:invitedOrgId/statement.xlsx': {
    fixture: 'settlement',
    expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200],
  },
  'GET /settlements/:month/:invitingOrgId/:invitedOrgId/statement.pdf': {
    fixture: 'settlement',
    expect: [401, 403, 403, 403, 403, 403, 403, 200, 403, 200],
  },
};

const keyOf = (spec: Pick<RouteSpec, 'method' | 'path'>) => `${spec.method.toUpperCase()} ${spec.path}`;

describe('the access matrix', () => {
  it('has a row for every route of the table and none for a route that does not exist', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(API_ROUTES.map(keyOf).sort());
  });
});

describe.each(BACKENDS)('the access matrix (%s)', (backend) => {
  let server: TestServer;
  const cookies = new Map<Caller, string>();
  const ids: Record<string, string> = {};
  let ctFiles = 0;
  let deviceCount = 0;
  /** each new agreement and each locked month takes a year or a month no other has */
  let agreementYear = 2100;
  let lockedMonth = 0;

  beforeAll(async () => {
    server = await startTestServer(backend);
    const db = server.server.ctx.db;
    await addEcgSupervisor(server);
    for (const caller of CALLERS) if (caller !== 'anon') cookies.set(caller, await logIn(caller));
    const users = await db.user.findMany({ select: { id: true, username: true } });
    for (const u of users) ids[u.username] = u.id;
    ids.imagingCentre = (await db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } })).id;
    ids.township = (await db.user.findUniqueOrThrow({ where: { username: 'tech1' } })).organizationId;
    ids.neurology = (await db.department.findUniqueOrThrow({ where: { code: 'NEUROLOGY' } })).id;
    ids.hekou = (await db.organization.findUniqueOrThrow({ where: { code: 'T-HEKOU' } })).id;
    ids.county = (await db.organization.findFirstOrThrow({ where: { kind: 'COUNTY_HOSPITAL' } })).id;
  });
  afterAll(() => server?.close());

  async function logIn(username: string): Promise<string> {
    const res = await call('POST', '/api/session', undefined, { json: { username, password: DEMO_PASSWORD } });
    expect(res.status, `login ${username}`).toBe(201);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  /** One request with a caller's cookie; the answer's cookies are not kept (a cell never changes its caller). */
  function call(method: string, path: string, cookie: string | undefined, body: { json?: unknown; form?: FormData } = {}) {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (body.json !== undefined) headers['content-type'] = 'application/json';
    return fetch(server.url + path, {
      method,
      headers,
      body: body.json !== undefined ? JSON.stringify(body.json) : body.form,
      redirect: 'manual',
    });
  }

  async function as(caller: Caller, method: string, path: string, json?: unknown) {
    const res = await call(method, path, cookies.get(caller), { json: json ?? (method === 'GET' ? undefined : {}) });
    const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    if (res.status >= 400 && res.status !== 404 && res.status !== 401 && res.status !== 403 && res.status !== 409) {
      throw new Error(`${caller} ${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    }
    return { status: res.status, body };
  }

  const ctForm = () => {
    const form = new FormData();
    const ct = syntheticCt({ patientName: 'MATRIX^CT', rows: 64, columns: 64 });
    form.append('files', new Blob([new Uint8Array(ct.bytes)]), `ct${++ctFiles}.dcm`);
    form.append('files', new Blob([new Uint8Array(tinyPdf())]), `request${ctFiles}.pdf`);
    return form;
  };

  async function newCase(examKind = 'CT'): Promise<string> {
    return (await as('tech1', 'POST', '/api/cases', { patient: { name: '矩阵' }, examKind, priority: 'ROUTINE' })).body.id;
  }

  async function upload(caseId: string, form: FormData) {
    const res = await call('POST', `/api/cases/${caseId}/files`, cookies.get('tech1'), { form });
    expect(res.status).toBe(200);
  }

  async function submitted(): Promise<string> {
    const id = await newCase();
    await upload(id, ctForm());
    expect((await as('tech1', 'POST', `/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  async function claimed(): Promise<string> {
    const id = await submitted();
    expect((await as('reader1', 'POST', `/api/cases/${id}/claim`)).status).toBe(200);
    return id;
  }

  const draftReport = (criticalFinding = false) => ({ templateId: 'general', findings: '所见', impression: '印象', criticalFinding });

  async function signed(criticalFinding = false): Promise<string> {
    const id = await claimed();
    expect((await as('reader1', 'PUT', `/api/cases/${id}/report`, draftReport(criticalFinding))).status).toBe(200);
    expect((await as('reader1', 'POST', `/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    return id;
  }

  async function consultation(accept: boolean): Promise<string> {
    const caseId = await submitted();
    const res = await as('tech1', 'POST', '/api/consultations', {
      caseId,
      centreId: ids.imagingCentre,
      specialistId: ids.reader1,
      topic: '会诊',
    });
    expect(res.status).toBe(201);
    if (accept) expect((await as('reader1', 'POST', `/api/consultations/${res.body.id}/accept`)).status).toBe(200);
    return res.body.id;
  }

  /** tech1's upward referral of a submitted case to neurology (coord1's), moved on by coord1 as asked */
  async function referral(...moves: ('accept' | 'arrive')[]): Promise<string> {
    const caseId = await submitted();
    const res = await as('tech1', 'POST', '/api/referrals', { direction: 'UP', caseId, departmentId: ids.neurology, reason: '转诊' });
    expect(res.status).toBe(201);
    for (const move of moves) expect((await as('coord1', 'POST', `/api/referrals/${res.body.id}/${move}`)).status).toBe(200);
    return res.body.id;
  }

  async function ecgAnalysis(): Promise<string> {
    const id = await newCase('ECG');
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(writeDicomEcg(synthesizeEcg().recording).bytes)]), 'ecg.dcm');
    await upload(id, form);
    expect((await as('tech1', 'POST', `/api/cases/${id}/submit`)).status).toBe(200);
    return (await as('tech1', 'GET', `/api/cases/${id}`)).body.ecg[0].id;
  }

  /** A finished resumable (tus) upload of a CT by tech1, in two requests: create, then all the bytes. */
  async function resumableUpload(): Promise<string> {
    const caseId = await newCase();
    const bytes = syntheticCt({ patientName: 'MATRIX^TUS', rows: 64, columns: 64 }).bytes;
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const cookie = cookies.get('tech1')!;
    const created = await fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `caseId ${b64(caseId)},filename ${b64(`tus${++ctFiles}.dcm`)}`,
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const patched = await fetch(server.url + location, {
      method: 'PATCH',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(patched.status).toBe(200);
    return location.split('/').pop()!;
  }

  /** Makes what a cell acts on; returns the path parameters and the body to send. */
  async function prepare(spec: RouteSpec, fixture: Fixture): Promise<{ params: Record<string, string>; body?: unknown; form?: FormData }> {
    switch (fixture) {
      case 'none':
        return { params: { id: ids.imagingCentre! }, body: bodyFor(spec) };
      case 'draft':
        return { params: { id: await newCase() }, form: spec.multipart ? ctForm() : undefined };
      case 'uploaded': {
        const id = await newCase();
        await upload(id, ctForm());
        return { params: { id }, body: spec.path.endsWith('/files/remove') ? { instanceIds: [await instanceOf(id)] } : undefined };
      }
      case 'foreignPatient': {
        // two DICOM patients in one exam: the identity check waits for the technician
        const id = await newCase();
        await upload(id, ctForm());
        const form = new FormData();
        const other = syntheticCt({ patientName: 'OTHER^PATIENT', patientId: 'OTHER1', rows: 64, columns: 64 });
        form.append('files', new Blob([new Uint8Array(other.bytes)]), `other${++ctFiles}.dcm`);
        await upload(id, form);
        return { params: { id }, body: { reason: '同一患者' } };
      }
      case 'submitted': {
        const id = await submitted();
        if (spec.path.startsWith('/instances')) return { params: { id: await instanceOf(id) } };
        if (spec.path.startsWith('/attachments')) return { params: { id: await attachmentOf(id) } };
        return {
          params: { id },
          body:
            spec.path === '/consultations'
              ? { caseId: id, centreId: ids.imagingCentre, topic: '会诊' }
              : spec.path === '/referrals'
                ? { direction: 'UP', caseId: id, departmentId: ids.neurology, reason: '转诊' }
                : undefined,
        };
      }
      case 'claimed':
        return { params: { id: await claimed() }, body: bodyFor(spec) };
      case 'drafted': {
        const id = await claimed();
        expect((await as('reader1', 'PUT', `/api/cases/${id}/report`, draftReport())).status).toBe(200);
        return { params: { id }, body: bodyFor(spec) };
      }
      case 'reviewing': {
        // two-level reporting: reader1 wrote it and handed it in, super1 reviews it
        const id = await claimed();
        expect((await as('reader1', 'PUT', `/api/cases/${id}/report`, draftReport())).status).toBe(200);
        expect((await as('reader1', 'POST', `/api/cases/${id}/report/submit-preliminary`)).status).toBe(200);
        expect((await as('super1', 'POST', `/api/cases/${id}/claim`)).status).toBe(200);
        return { params: { id }, body: bodyFor(spec) };
      }
      case 'signed':
        return { params: { id: await signed() }, body: bodyFor(spec) };
      case 'critical': {
        const id = await signed(true);
        return { params: { id }, body: spec.path === '/referrals/green-channel' ? { caseId: id } : bodyFor(spec) };
      }
      case 'verifiable': {
        // what the printed report of a signed case says: its exam number, version and verification code
        const id = await signed();
        const report = await server.server.ctx.db.report.findFirstOrThrow({ where: { caseId: id }, include: { case: true } });
        const code = verificationCode(contentSha256(signedContentOf({ ...report, signedAt: report.signedAt! })));
        return { params: { accessionNumber: report.case.accessionNumber, version: String(report.version), code } };
      }
      case 'returned': {
        const id = await claimed();
        expect((await as('reader1', 'POST', `/api/cases/${id}/return-for-quality`, { codes: ['POSITIONING'] })).status).toBe(200);
        return { params: { id } };
      }
      case 'requested':
        return { params: { id: await consultation(false) }, body: bodyFor(spec) };
      case 'started': {
        // the room's first join starts a consultation: the signalling calls recordJoin, and so does this
        const id = await consultation(true);
        const token = cookies.get('reader1')!.split('=')[1]!;
        await recordJoin(server.server.ctx, (await actorForToken(server.server.ctx.db, token))!, id);
        return { params: { id }, body: bodyFor(spec) };
      }
      case 'rule': {
        const rule = { examKind: 'OTHER', centreId: ids.imagingCentre, active: false, note: 'matrix' };
        const created = await as('admin', 'POST', '/api/routing-rules', rule);
        return { params: { id: created.body.id }, body: rule };
      }
      case 'personalTemplate': {
        // reader1's own: every other reader finds nothing
        const created = await as('reader1', 'POST', '/api/personal-templates', { title: '矩阵模板' });
        expect(created.status).toBe(201);
        return { params: { id: created.body.id }, body: { title: '改' } };
      }
      case 'ecg':
        return { params: { analysisId: await ecgAnalysis() } };
      case 'resumable':
        return { params: { id: await resumableUpload() } };
      case 'township':
        // its own exam code again: a change that takes nothing from another township
        return { params: { id: ids.township! }, body: spec.path.endsWith('/exam-code') ? { examCode: 'CG' } : { mppsAutoSubmit: false } };
      case 'apiToken': {
        const created = await as('admin', 'POST', '/api/api-tokens', { name: 'matrix', owner: { organizationId: ids.township } });
        expect(created.status).toBe(201);
        return { params: { id: created.body.token.id } };
      }
      case 'referral':
        return { params: { id: await referral() }, body: bodyFor(spec) };
      case 'acceptedReferral':
        return { params: { id: await referral('accept') }, body: bodyFor(spec) };
      case 'arrivedReferral':
        return { params: { id: await referral('accept', 'arrive') }, body: bodyFor(spec) };
      case 'arrivedDown': {
        const up = await referral('accept', 'arrive');
        const down = await as('coord1', 'POST', '/api/referrals', {
          direction: 'DOWN',
          upReferralId: up,
          departmentId: ids.neurology,
          reason: '回转',
          dischargeSummary: '出院小结',
          followUpPlan: '随访计划',
        });
        expect(down.status).toBe(201);
        for (const move of ['accept', 'arrive'])
          expect((await as('tech1', 'POST', `/api/referrals/${down.body.id}/${move}`)).status).toBe(200);
        return { params: { id: down.body.id }, body: bodyFor(spec) };
      }
      case 'department': {
        const created = await as('admin', 'POST', '/api/departments', { code: `MATRIX-${++deviceCount}`, name: '矩阵科' });
        expect(created.status).toBe(201);
        return { params: { id: created.body.id }, body: { code: created.body.code, name: '矩阵科', active: false } };
      }
      case 'referralRule': {
        const rule = { departmentId: ids.neurology, direction: 'UP', active: false, note: 'matrix' };
        const created = await as('admin', 'POST', '/api/referral-rules', rule);
        expect(created.status).toBe(201);
        return { params: { id: created.body.id }, body: rule };
      }
      case 'price':
        return { params: { service: 'IMAGING_CT' }, body: { priceFen: 8000 } };
      case 'agreement': {
        const created = await as('admin', 'POST', '/api/agreements', agreementBody());
        expect(created.status).toBe(201);
        return { params: { id: created.body.id }, body: agreementBody() };
      }
      case 'settlement':
        return { params: { month: '2026-11', invitingOrgId: ids.township!, invitedOrgId: ids.county! } };
      case 'reviewedSettlement': {
        // a month of its own (long past), reviewed: a lock needs a review
        const n = lockedMonth++;
        const month = `${2001 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
        const settlement = `/api/settlements/${month}/${ids.township}/${ids.county}`;
        expect((await as('finance1', 'POST', `${settlement}/review`)).status).toBe(200);
        return { params: { month, invitingOrgId: ids.township!, invitedOrgId: ids.county! } };
      }
      case 'device': {
        const device = { aeTitle: `MATRIX${++deviceCount}`, organizationId: ids.township, active: false };
        const created = await as('admin', 'POST', '/api/devices', device);
        expect(created.status).toBe(201);
        return { params: { id: created.body.id }, body: device };
      }
    }
  }

  /** A valid body for the routes that take one, so that an allowed caller's call succeeds. */
  /** An agreement of the third township in a year no other agreement covers. */
  function agreementBody() {
    const year = agreementYear++;
    return {
      title: `矩阵协议 ${year}`,
      invitingOrgId: ids.hekou,
      invitedOrgId: ids.county,
      validFrom: `${year}-01-01`,
      validTo: `${year}-12-31`,
      services: [{ service: 'IMAGING_CT', priceFen: 8000, splitKind: 'PERCENT', splitValue: 7000 }],
    };
  }

  function bodyFor(spec: RouteSpec): unknown {
    switch (keyOf(spec)) {
      case 'POST /session':
        return { username: 'tech1', password: DEMO_PASSWORD };
      case 'POST /cases':
        return { patient: { name: '矩阵' }, examKind: 'CT' };
      case 'POST /agreements':
        return agreementBody();
      case 'POST /routing-rules':
        return { examKind: 'OTHER', centreId: ids.imagingCentre, active: false };
      case 'POST /devices':
        return { aeTitle: `MATRIXNEW${++deviceCount}`, organizationId: ids.township };
      case 'POST /api-tokens':
        return { name: 'matrix', owner: { username: 'tech1' }, expiresInDays: 30 };
      case 'POST /cases/:id/reassign':
        return { readerId: ids.super1 };
      case 'PUT /cases/:id/report':
        return draftReport();
      case 'POST /cases/:id/report/sign':
        return { password: DEMO_PASSWORD };
      case 'POST /cases/:id/report/amend':
        return { ...draftReport(), impression: '更正', reason: '补充所见', password: DEMO_PASSWORD };
      case 'POST /cases/:id/acknowledge':
        return { readBack: '脑出血，已复述', action: 'NOTIFIED_ATTENDING' };
      case 'POST /cases/:id/report/return-to-writer':
        return { note: '请补充' };
      case 'POST /personal-templates':
        return { title: '我的模板', phrases: ['未见异常'] };
      case 'PUT /centres/:id/review-exam-kinds':
        return { examKinds: [] };
      case 'POST /cases/:id/return-for-quality':
        return { codes: ['POSITIONING'], note: '' };
      case 'POST /consultations/:id/decline':
        return { reason: '今日排满' };
      case 'POST /departments':
        return { code: `MATRIXNEW-${++deviceCount}`, name: '新科室' };
      case 'POST /referral-rules':
        return { departmentId: ids.neurology, direction: 'UP', active: false };
      case 'POST /referrals/:id/decline':
      case 'POST /referrals/:id/cancel':
        return { reason: '矩阵' };
      case 'POST /referrals/:id/follow-ups':
        return { note: '随访' };
      case 'PUT /consultations/:id/opinion':
        return { opinion: '建议复查' };
      case 'POST /consultations/:id/invitations':
        return { userId: ids.ecg1 };
      default:
        return undefined;
    }
  }

  async function instanceOf(caseId: string): Promise<string> {
    return (await as('tech1', 'GET', `/api/cases/${caseId}`)).body.studies[0].series[0].instances[0].id;
  }
  async function attachmentOf(caseId: string): Promise<string> {
    return (await as('tech1', 'GET', `/api/cases/${caseId}`)).body.attachments[0].id;
  }

  const QUERIES: Record<string, () => string> = {
    '/consultations/specialists': () => `?centreId=${ids.imagingCentre}`,
    '/patients': () => `?q=${encodeURIComponent('矩阵')}`,
    '/settlements': () => '?month=2026-11',
  };
  const queryFor = (spec: RouteSpec) => QUERIES[spec.path]?.() ?? '';

  /** A cell: a fresh fixture when the call may change something (or acts as a throwaway session), then the call. */
  async function cell(spec: RouteSpec, row: Row, caller: Caller, shared: Awaited<ReturnType<typeof prepare>> | null) {
    const setup = shared ?? (await prepare(spec, row.fixture));
    const path = `/api${spec.path.replace(/:(\w+)/g, (_m, name: string) => setup.params[name]!)}${queryFor(spec)}`;
    // logging out ends the caller's session: use a session of their own for it
    const cookie = keyOf(spec) === 'DELETE /session' && caller !== 'anon' ? await logIn(caller) : cookies.get(caller);
    const res = await call(
      spec.method.toUpperCase(),
      path,
      cookie,
      setup.form ? { form: setup.form } : { json: spec.method === 'get' ? undefined : (setup.body ?? {}) },
    );
    if (res.status >= 500) throw new Error(`${caller} ${spec.method} ${path}: ${res.status} ${await res.text()}`);
    if (res.ok && spec.ok.schema) await expectDeclaredAnswer(spec, caller, res);
    return res.status;
  }

  /** A successful answer is exactly what its route declares (the client's types are inferred from the same schema). */
  async function expectDeclaredAnswer(spec: RouteSpec, caller: Caller, res: Response) {
    expect(res.headers.get('content-type'), `${keyOf(spec)} as ${caller}`).toMatch(/^application\/json/);
    const answer = spec.ok.schema!.safeParse(await res.json());
    if (!answer.success) {
      throw new Error(`${keyOf(spec)} as ${caller}: the answer is not its route's ok.schema\n${z.prettifyError(answer.error)}`);
    }
  }

  it.each(API_ROUTES.map((spec) => [keyOf(spec), spec] as const))('%s', async (key, spec) => {
    const row = MATRIX[key]!;
    // reads share one fixture; every call that may change something gets its own
    const shared = spec.method === 'get' ? await prepare(spec, row.fixture) : null;
    const observed: number[] = [];
    for (const caller of CALLERS) observed.push(await cell(spec, row, caller, shared));
    expect(Object.fromEntries(CALLERS.map((c, i) => [c, observed[i]]))).toEqual(
      Object.fromEntries(CALLERS.map((c, i) => [c, row.expect[i]])),
    );
  });
});
