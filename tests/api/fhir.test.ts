// FHIR R4 under /fhir, on SQLite and PostgreSQL: every resource validated against the R4 StructureDefinitions
// (@medplum/core's validator), the report's references resolvable, and the REST API's scoping (its access matrix
// below has a row for every FHIR route): the township sees its own, the centre what was routed to it, anyone else 404.
import type {
  Bundle,
  CapabilityStatement,
  DiagnosticReport,
  ImagingStudy,
  Observation,
  OperationOutcome,
  Organization,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FHIR_ROUTES } from '../../server/fhir/edge.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { ECG_FIELDS, expectValidR4, fhirGet, signCase, submittedCase, type SignedCase } from '../helpers/fhir.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const RESIDENT_ID = 'urn:oid:2.16.156.10011.1.3';
const ACCESSION = 'urn:teledx:accession-number';
const CALLERS = ['anon', 'tech1', 'tech2', 'reader1', 'ecg1', 'super1', 'admin'] as const;
type Caller = (typeof CALLERS)[number];

//                                                     anon tech1 tech2 rdr1 ecg1 sup1 admin
const MATRIX: Record<string, [number, number, number, number, number, number, number]> = {
  '/metadata': [200, 200, 200, 200, 200, 200, 200], // the CapabilityStatement is public (capability.ts)
  '/DiagnosticReport': [401, 200, 200, 200, 200, 200, 200], // a search: found or not, a searchset
  '/DiagnosticReport/:id': [401, 200, 404, 200, 404, 200, 200],
  '/ImagingStudy/:id': [401, 200, 404, 200, 404, 200, 200],
  '/Observation/:id': [401, 200, 404, 404, 200, 404, 200], // the ECG case, read by the ECG centre
  '/Patient/:id': [401, 200, 404, 200, 404, 200, 200],
  '/Organization/:id': [401, 200, 200, 200, 200, 200, 200],
};

describe('the FHIR access matrix', () => {
  it('has a row for every FHIR route', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(FHIR_ROUTES.map((r) => r.path).sort());
  });
});

describe.each(BACKENDS)('FHIR R4 (%s)', (backend) => {
  let server: TestServer;
  const clients = new Map<Caller, ApiClient>();
  let ct: SignedCase;
  let ecg: SignedCase;
  let unsigned: SignedCase;
  let report: DiagnosticReport;
  const nationalId = '110101199003074514';

  const get = <T = DiagnosticReport>(caller: Caller, path: string) =>
    fhirGet<T>(server.url, path, caller === 'anon' ? undefined : clients.get(caller)!.cookie);

  beforeAll(async () => {
    server = await startTestServer(backend);
    for (const c of CALLERS) if (c !== 'anon') clients.set(c, await server.login(c));
    ct = await submittedCase(clients.get('tech1')!, { name: '张三', nationalId, sex: 'M', birthDate: '1990-03-07' });
    await signCase(clients.get('reader1')!, ct.caseId);
    ecg = await submittedCase(clients.get('tech1')!, { name: '李四' }, 'ECG');
    await signCase(clients.get('ecg1')!, ecg.caseId, true);
    unsigned = await submittedCase(clients.get('tech1')!, { name: '王五' });
    report = (await get('tech1', `/DiagnosticReport/${ct.caseId}`)).body;
  });
  afterAll(() => server?.close());

  it('answers the signed report as a valid R4 DiagnosticReport, with its PDF and the accession number', async () => {
    const res = await get('tech1', `/DiagnosticReport/${ct.caseId}`);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/fhir\+json/);
    expectValidR4(res.body);
    expect(res.body).toMatchObject({
      resourceType: 'DiagnosticReport',
      id: ct.caseId,
      status: 'final',
      meta: { versionId: '1' },
      identifier: [{ system: ACCESSION, value: ct.accessionNumber, type: { coding: [{ code: 'ACSN' }] } }],
      conclusion: '头颅CT平扫未见异常。',
      effectiveDateTime: '2026-11-23', // when the images were taken, not when they were sent
    });
    const pdf = res.body.presentedForm!.find((a) => a.contentType === 'application/pdf')!;
    expect(Buffer.from(pdf.data!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('resolves every reference of the report to a valid resource: patient, organizations, imaging study', async () => {
    const refs = [report.subject!, ...report.performer!, ...report.imagingStudy!].map((r) => r.reference!);
    expect(refs.map((r) => r.split('/')[0])).toEqual(['Patient', 'Organization', 'ImagingStudy']);
    for (const ref of refs) {
      const res = await get('tech1', `/${ref}`);
      expect(res.status, ref).toBe(200);
      expectValidR4(res.body);
    }
    const patient = (await get<Patient>('tech1', `/${report.subject!.reference}`)).body;
    expect(patient).toMatchObject({
      identifier: [{ system: RESIDENT_ID, value: nationalId }],
      name: [{ text: '张三' }],
      gender: 'male',
      birthDate: '1990-03-07',
    });
    // the township, part of the county hospital that read the report
    const township = (await get<Organization>('tech1', `/${patient.managingOrganization!.reference}`)).body;
    expectValidR4(township);
    const hospital = (await get<Organization>('tech1', `/${report.performer![0]!.reference}`)).body;
    expect(hospital.name).toMatch(/医院/);
    expect(township.partOf?.reference).toBe(`Organization/${hospital.id}`);
  });

  it('describes the study with its series and instances, their UIDs, modality and the DICOMweb endpoint', async () => {
    const study = (await get<ImagingStudy>('tech1', `/${report.imagingStudy![0]!.reference}`)).body;
    expect(study.identifier).toContainEqual({ system: 'urn:dicom:uid', value: `urn:oid:${ct.studyUid}` });
    expect(study.modality).toEqual([{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' }]);
    expect(study.numberOfInstances).toBe(2);
    expect(study.started).toBe('2026-11-23'); // the fixture's StudyDate 20261123
    expect(study.series![0]!.uid).toBe(ct.seriesUid);
    expect(study.series![0]!.instance!.map((i) => i.uid).sort()).toEqual([...ct.sopInstanceUids].sort());
    expect(study.series![0]!.instance![0]!.sopClass).toEqual({ system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.2' });
    const endpoint = study.contained![0]!;
    expect(endpoint).toMatchObject({
      resourceType: 'Endpoint',
      address: `${server.url}/dicom-web`,
      connectionType: { code: 'dicom-wado-rs' },
    });
    expect(study.endpoint).toEqual([{ reference: '#dicomweb' }]);
    // the address serves the study
    const qido = await fetch(`${server.url}/dicom-web/studies?StudyInstanceUID=${ct.studyUid}`, {
      headers: { cookie: clients.get('tech1')!.cookie },
    });
    expect(qido.status).toBe(200);
  });

  it('gives the ECG measurements of the report as Observations with their LOINC codes and UCUM units', async () => {
    const ecgReport = (await get('ecg1', `/DiagnosticReport/${ecg.caseId}`)).body;
    expectValidR4(ecgReport);
    expect(ecgReport.code!.coding![0]!.code).toBe('11524-6');
    const observations: Observation[] = [];
    for (const r of ecgReport.result!) {
      const res = await get<Observation>('ecg1', `/${r.reference}`);
      expect(res.status).toBe(200);
      expectValidR4(res.body);
      observations.push(res.body);
    }
    const byCode = Object.fromEntries(observations.map((o) => [o.code!.coding![0]!.code!, o.valueQuantity ?? o.valueString]));
    expect(byCode).toEqual({
      '8867-4': { value: ECG_FIELDS.heartRateBpm, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
      '8625-6': { value: ECG_FIELDS.prMs, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' },
      '8633-0': { value: ECG_FIELDS.qrsMs, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' },
      '8634-8': { value: ECG_FIELDS.qtMs, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' },
      '8636-3': { value: ECG_FIELDS.qtcMs, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' },
      '8632-2': { value: ECG_FIELDS.axisDeg, unit: 'degrees', system: 'http://unitsofmeasure.org', code: 'deg' },
      '8884-9': ECG_FIELDS.rhythm,
    });
    for (const o of observations) expect(o.subject!.reference).toBe(ecgReport.subject!.reference);
  });

  it('searches by accession number and by the patient’s resident ID, within the caller’s scope', async () => {
    const ids = async (caller: Caller, query: string) => {
      const res = await get<Bundle>(caller, `/DiagnosticReport?${query}`);
      expect(res.status, query).toBe(200);
      expectValidR4(res.body);
      expect(res.body.type).toBe('searchset');
      return (res.body.entry ?? []).map((e) => e.resource!.id);
    };
    const acc = encodeURIComponent(ct.accessionNumber);
    expect(await ids('tech1', `identifier=${acc}`)).toEqual([ct.caseId]);
    expect(await ids('tech1', `identifier=${encodeURIComponent(ACCESSION)}|${acc}`)).toEqual([ct.caseId]);
    expect(await ids('tech1', `identifier=urn:other|${acc}`)).toEqual([]);
    expect(await ids('reader1', `identifier=${acc}`)).toEqual([ct.caseId]);
    expect(await ids('tech2', `identifier=${acc}`)).toEqual([]); // another township
    expect(await ids('ecg1', `identifier=${acc}`)).toEqual([]); // not routed to the ECG centre
    expect(await ids('tech1', `patient.identifier=${encodeURIComponent(RESIDENT_ID)}|${nationalId}`)).toEqual([ct.caseId]);
    expect(await ids('tech1', `patient.identifier=${nationalId}`)).toEqual([ct.caseId]);
    expect(await ids('tech2', `patient.identifier=${nationalId}`)).toEqual([]);
    // an unsigned case is no report
    expect(await ids('tech1', `identifier=${encodeURIComponent(unsigned.accessionNumber)}`)).toEqual([]);
  });

  it('takes an API token like the session: a township token reads its own reports, another township’s is 404, a revoked one 401', async () => {
    const { db } = server.server.ctx;
    const orgOf = async (username: string) => (await db.user.findUniqueOrThrow({ where: { username } })).organizationId;
    const issue = async (username: string) => {
      const res = await clients
        .get('admin')!
        .post('/api/api-tokens', { name: `HIS ${username}`, owner: { organizationId: await orgOf(username) }, expiresInDays: 1 });
      expect(res.status).toBe(201);
      return res.body as { secret: string; token: { id: string } };
    };
    const withToken = (secret: string, path: string) =>
      fetch(`${server.url}/fhir${path}`, { headers: { accept: 'application/fhir+json', authorization: `Bearer ${secret}` } });
    const own = await issue('tech1');
    const other = await issue('tech2');
    const read = await withToken(own.secret, `/DiagnosticReport/${ct.caseId}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as DiagnosticReport).id).toBe(ct.caseId);
    expect((await withToken(other.secret, `/DiagnosticReport/${ct.caseId}`)).status).toBe(404);
    expect((await clients.get('admin')!.delete(`/api/api-tokens/${own.token.id}`)).status).toBe(204);
    const revoked = await withToken(own.secret, `/DiagnosticReport/${ct.caseId}`);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('describes itself at /metadata: a valid R4 CapabilityStatement of exactly the routes and search parameters served', async () => {
    const res = await get<CapabilityStatement>('anon', '/metadata');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/fhir\+json/);
    const statement = res.body;
    expectValidR4(statement);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      software: { name: 'teledx' },
      implementation: { url: `${server.url}/fhir` },
    });
    const [rest] = statement.rest!;
    expect(rest!.mode).toBe('server');
    expect(rest!.security!.service![0]!.text).toMatch(/Bearer/);
    const advertised = Object.fromEntries(rest!.resource!.map((r) => [r.type, r.interaction!.map((i) => i.code).sort()]));
    expect(advertised).toEqual({
      DiagnosticReport: ['read', 'search-type'],
      ImagingStudy: ['read'],
      Observation: ['read'],
      Patient: ['read'],
      Organization: ['read'],
    });

    // every advertised read works, on an id the matrix below reads too
    const reads: Record<string, string> = {
      DiagnosticReport: ct.caseId,
      ImagingStudy: report.imagingStudy![0]!.reference!.split('/')[1]!,
      Observation: `${ecg.caseId}-hr`,
      Patient: report.subject!.reference!.split('/')[1]!,
      Organization: report.performer![0]!.reference!.split('/')[1]!,
    };
    for (const [type, interactions] of Object.entries(advertised)) {
      if (!interactions.includes('read')) continue;
      const read = await get<Resource>('admin', `/${type}/${reads[type]}`);
      expect(read.status, type).toBe(200);
      expect(read.body.resourceType).toBe(type);
    }

    // every advertised search parameter works: called once each, it finds the signed report
    const examples: Record<string, string> = {
      identifier: `identifier=${encodeURIComponent(ct.accessionNumber)}`,
      'patient.identifier': `patient.identifier=${encodeURIComponent(RESIDENT_ID)}|${nationalId}`,
      _count: `_count=1&patient.identifier=${nationalId}`, // _count narrows a search; alone it is none
    };
    const params = rest!.resource!.find((r) => r.type === 'DiagnosticReport')!.searchParam!;
    expect(params.map((p) => p.name).sort()).toEqual(Object.keys(examples).sort());
    for (const param of params) {
      expect(param.type, param.name).toMatch(/^(token|number)$/);
      const found = await get<Bundle>('tech1', `/DiagnosticReport?${examples[param.name]}`);
      expect(found.status, param.name).toBe(200);
      expect(
        found.body.entry!.map((e) => e.resource!.id),
        param.name,
      ).toEqual([ct.caseId]);
    }
    // and one it does not advertise is refused
    expect((await get('tech1', `/DiagnosticReport?subject=x&identifier=${encodeURIComponent(ct.accessionNumber)}`)).status).toBe(400);
  });

  it('answers errors as OperationOutcomes: 400, 401, 404, 405', async () => {
    const cases: [Caller, string, number, string][] = [
      ['tech1', '/DiagnosticReport', 400, 'invalid'],
      ['tech1', '/DiagnosticReport?status=final', 400, 'invalid'],
      ['tech1', '/DiagnosticReport?_count=0&identifier=x', 400, 'invalid'],
      ['tech1', '/DiagnosticReport/not%20an%20id', 400, 'invalid'],
      ['anon', `/DiagnosticReport/${ct.caseId}`, 401, 'login'],
      ['tech1', `/DiagnosticReport/${unsigned.caseId}`, 404, 'not-found'],
      ['tech1', '/Practitioner/x', 404, 'not-found'],
    ];
    for (const [caller, path, status, code] of cases) {
      const res = await get<OperationOutcome>(caller, path);
      expect(res.status, path).toBe(status);
      expect(res.contentType).toMatch(/^application\/fhir\+json/);
      expectValidR4(res.body);
      expect(res.body.issue![0]!.code, path).toBe(code);
    }
    const post = await fetch(`${server.url}/fhir/DiagnosticReport`, { method: 'POST', headers: { cookie: clients.get('admin')!.cookie } });
    expect(post.status).toBe(405);
    expectValidR4((await post.json()) as OperationOutcome);
  });

  it('scopes every FHIR route like the REST API (the matrix)', async () => {
    const observationId = `${ecg.caseId}-hr`;
    const paths: Record<string, string> = {
      '/metadata': '/metadata',
      '/DiagnosticReport': `/DiagnosticReport?identifier=${encodeURIComponent(ct.accessionNumber)}`,
      '/DiagnosticReport/:id': `/DiagnosticReport/${ct.caseId}`,
      '/ImagingStudy/:id': `/${report.imagingStudy![0]!.reference}`,
      '/Observation/:id': `/Observation/${observationId}`,
      '/Patient/:id': `/${report.subject!.reference}`,
      '/Organization/:id': `/${report.performer![0]!.reference}`,
    };
    for (const [route, expected] of Object.entries(MATRIX)) {
      const observed: number[] = [];
      for (const caller of CALLERS) {
        const res = await get(caller, paths[route]!);
        expectValidR4(res.body);
        observed.push(res.status);
      }
      expect(Object.fromEntries(CALLERS.map((c, i) => [c, observed[i]])), route).toEqual(
        Object.fromEntries(CALLERS.map((c, i) => [c, expected[i]])),
      );
    }
  });
});
