// STOW-RS and API tokens, on SQLite and PostgreSQL: dicomweb-client (the client OHIF uses) stores real corpus files
// with a township's token, which land by the C-STORE rule (accession, study, else a new draft marked as arrived over
// DICOMweb); partial failures (a corrupt file, a conflicting instance, one over the size cap) answer 202 with the
// Failed SOP sequence and the rest stored; the tokens are scoped like their owners (a township's sees and stores
// only its own, a centre's reads only what is routed to it and stores nothing), revoked or expired ones are refused,
// and bearer requests pass the same-origin rule that cookie requests from another origin do not.
import { readFileSync } from 'node:fs';
import { api } from 'dicomweb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedApiTokenSchema, type ApiTokenDto } from '../../shared/api-tokens.ts';
import { caseDetailDtoSchema } from '../../shared/api.ts';
import { corpusFile } from '../fixtures/corpus.ts';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';
import './fixtures.ts'; // the XMLHttpRequest polyfill dicomweb-client needs on Node

type Dataset = Record<string, { vr?: string; Value?: unknown[] }>;
const value = (d: Dataset, tag: string) => d[tag]?.Value?.[0];
const items = (d: Dataset, tag: string) => (d[tag]?.Value ?? []) as Dataset[];

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const CORPUS = ['CT_small.dcm', 'MR_small.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'SC_rgb_rle_2frame.dcm', 'JPEG2000.dcm'].map((name) => ({
  name,
  bytes: readFileSync(corpusFile(`test_files/${name}`)),
}));
/** the UIDs in the corpus files (dcmdump): MR_small_implicit.dcm is the same MR instance, encoded otherwise */
const MR_SOP = '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457';
const MAX_FILE_BYTES = 1_000_000;

function multipart(parts: Buffer[], boundary = `b-${newUid()}`, type = 'application/dicom') {
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}\r\n\r\n`), part);
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}

describe.each(BACKENDS)('STOW-RS and API tokens (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient;
  let tech1: ApiClient;
  const secrets: Record<'township1' | 'township2' | 'centre' | 'reader1', string> = {
    township1: '',
    township2: '',
    centre: '',
    reader1: '',
  };
  const tokenIds: Record<string, string> = {};

  beforeAll(async () => {
    // a small cap on one file, to see a part over it refused alone (the corpus files are at most 40 KB)
    server = await startTestServer(backend, { TELEDX_MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
    admin = await server.login('admin');
    tech1 = await server.login('tech1');
    const { db } = server.server.ctx;
    const orgOf = async (username: string) => (await db.user.findUniqueOrThrow({ where: { username } })).organizationId;
    const owners = {
      township1: { organizationId: await orgOf('tech1') },
      township2: { organizationId: await orgOf('tech2') },
      centre: { organizationId: await orgOf('reader1') },
      reader1: { username: 'reader1' },
    };
    for (const [key, owner] of Object.entries(owners)) {
      const res = await admin.post('/api/api-tokens', { name: `PACS ${key}`, owner, expiresInDays: 30 });
      expect(res.status, key).toBe(201);
      const issued = issuedApiTokenSchema.parse(res.body);
      secrets[key as keyof typeof secrets] = issued.secret;
      tokenIds[key] = issued.token.id;
    }
  });
  afterAll(() => server?.close());

  const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
  const client = (secret: string) =>
    new api.DICOMwebClient({ url: `${server.url}/dicom-web`, headers: bearer(secret) } as ConstructorParameters<
      typeof api.DICOMwebClient
    >[0]) as unknown as {
      storeInstances(o: { datasets: ArrayBuffer[]; studyInstanceUID?: string }): Promise<string>;
      searchForStudies(o?: object): Promise<Dataset[]>;
    };
  const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const stow = (secret: string, parts: Buffer[], path = '/studies', headers: Record<string, string> = {}) => {
    const { body, contentType } = multipart(parts);
    return fetch(`${server.url}/dicom-web${path}`, {
      method: 'POST',
      headers: { ...bearer(secret), 'Content-Type': contentType, ...headers },
      body: new Uint8Array(body),
    });
  };
  const studyUids = async (secret: string) => (await client(secret).searchForStudies()).map((s) => value(s, '0020000D'));
  const casesOf = async (who: ApiClient) => (await who.get('/api/cases?limit=100')).body as { id: string; arrivedVia: string | null }[];
  const fetchBytes = async (secret: string, url: string) => {
    const res = await fetch(url, { headers: { ...bearer(secret), Accept: 'multipart/related; type="application/dicom"' } });
    expect(res.status).toBe(200);
    const boundary = /boundary=([^;]+)/.exec(res.headers.get('content-type')!)![1]!.replace(/"/g, '');
    const raw = Buffer.from(await res.arrayBuffer());
    const start = raw.indexOf('\r\n\r\n') + 4;
    return raw.subarray(start, raw.indexOf(`\r\n--${boundary}`, start));
  };

  it('stores real corpus files sent by dicomweb-client with a township token, byte for byte, in new drafts marked as arrived', async () => {
    const answer = JSON.parse(
      await client(secrets.township1).storeInstances({ datasets: CORPUS.map((f) => arrayBuffer(f.bytes)) }),
    ) as Dataset;
    const referenced = items(answer, '00081199');
    expect(referenced).toHaveLength(CORPUS.length);
    expect(answer['00081198']).toBeUndefined();
    const ct = referenced.find((r) => value(r, '00081155') === '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322')!;
    expect(value(ct, '00081150')).toBe(CT_IMAGE);
    for (const [i, ref] of referenced.entries()) {
      const url = value(ref, '00081190') as string;
      expect(url).toMatch(new RegExp(`^${server.url}/dicom-web/studies/[0-9.]+/series/[0-9.]+/instances/${value(ref, '00081155')}$`));
      expect((await fetchBytes(secrets.township1, url)).equals(CORPUS[i]!.bytes), CORPUS[i]!.name).toBe(true);
    }
    // four studies (the two secondary captures share one): four drafts of tech1's township, authored by the token
    const arrived = (await casesOf(tech1)).filter((c) => c.arrivedVia === 'DICOMWEB');
    expect(arrived).toHaveLength(4);
    // each case's instances went through the ingest core as one batch: one audit event per case, by the token's account
    const { db } = server.server.ctx;
    const { userId } = await db.apiToken.findUniqueOrThrow({ where: { id: tokenIds.township1 } });
    const batches = await db.auditEvent.findMany({ where: { action: 'ingest.batch', actorId: userId } });
    expect(batches.map((b) => b.entityId).sort()).toEqual(arrived.map((c) => c.id).sort());
    const detail = caseDetailDtoSchema.parse((await tech1.get(`/api/cases/${arrived[0]!.id}`)).body);
    expect(detail).toMatchObject({ status: 'DRAFT', fromDevice: null, arrivedVia: 'DICOMWEB' });
    // sent again: the same instances, referenced again, nothing new
    const again = JSON.parse(await client(secrets.township1).storeInstances({ datasets: [arrayBuffer(CORPUS[0]!.bytes)] })) as Dataset;
    expect(items(again, '00081199').map((r) => value(r, '00081155'))).toEqual([value(ct, '00081155')]);
    expect((await casesOf(tech1)).filter((c) => c.arrivedVia === 'DICOMWEB')).toHaveLength(4);
  });

  it('stores the rest of a batch when some instances fail: 202 with the reasons, 409 when all fail', async () => {
    const fresh = syntheticCt({ rows: 16, columns: 16 });
    const corrupt = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([0x02, 0x00, 0x10, 0x00, 0xff])]);
    // the corpus's MR instance again, implicit VR this time: other bytes under a SOP Instance UID already stored
    const conflicting = readFileSync(corpusFile('test_files/MR_small_implicit.dcm'));
    const large = syntheticCt({ rows: 800, columns: 800 }); // 1.28 MB of pixels: over the cap, drained, not kept
    expect(large.bytes.length).toBeGreaterThan(MAX_FILE_BYTES);
    const res = await stow(secrets.township1, [fresh.bytes, corrupt, conflicting, large.bytes]);
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    const answer = (await res.json()) as Dataset;
    expect(items(answer, '00081199').map((r) => value(r, '00081155'))).toEqual([fresh.sopInstanceUid]);
    const failed = items(answer, '00081198');
    expect(failed.map((f) => [value(f, '00081155') ?? null, value(f, '00081197')])).toEqual([
      [null, 0xc000],
      [MR_SOP, 0x0111],
      [null, 0xa700],
    ]);
    expect(failed[1]!['00081197']!.vr).toBe('US');
    expect(await studyUids(secrets.township1)).toContain(fresh.studyUid);
    expect(await studyUids(secrets.township1)).not.toContain(large.studyUid);

    const allFailed = await stow(secrets.township1, [corrupt, conflicting]);
    expect(allFailed.status).toBe(409);
    expect(items((await allFailed.json()) as Dataset, '00081198')).toHaveLength(2);
  });

  it('refuses another content type (415), a malformed body (400, nothing stored) and instances of another study than the path', async () => {
    const ct = syntheticCt({ rows: 8, columns: 8 });
    const single = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { ...bearer(secrets.township1), 'Content-Type': 'application/dicom' },
      body: new Uint8Array(ct.bytes),
    });
    expect(single.status).toBe(415);
    const json = multipart([ct.bytes], 'x', 'application/dicom+json');
    const wrongType = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { ...bearer(secrets.township1), 'Content-Type': json.contentType },
      body: new Uint8Array(json.body),
    });
    expect(wrongType.status).toBe(415);
    const { body, contentType } = multipart([ct.bytes]);
    const cut = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { ...bearer(secrets.township1), 'Content-Type': contentType },
      body: new Uint8Array(body.subarray(0, body.length - 10)),
    });
    expect(cut.status).toBe(400);
    expect(((await cut.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_MULTIPART');
    expect(await studyUids(secrets.township1)).not.toContain(ct.studyUid);

    const other = syntheticCt({ rows: 8, columns: 8 });
    const res = await stow(secrets.township1, [ct.bytes, other.bytes], `/studies/${ct.studyUid}`);
    expect(res.status).toBe(202);
    const answer = (await res.json()) as Dataset;
    expect(value(answer, '00081190')).toBe(`${server.url}/dicom-web/studies/${ct.studyUid}`);
    expect(items(answer, '00081199').map((r) => value(r, '00081155'))).toEqual([ct.sopInstanceUid]);
    expect(items(answer, '00081198').map((f) => [value(f, '00081155'), value(f, '00081197')])).toEqual([[other.sopInstanceUid, 0xa900]]);
    expect((await stow(secrets.township1, [ct.bytes], '/studies/not-a-uid')).status).toBe(400);
    expect(
      (await fetch(`${server.url}/dicom-web/studies/${ct.studyUid}/series`, { method: 'POST', headers: bearer(secrets.township1) })).status,
    ).toBe(405);
  });

  it('lands an instance by its accession number, then further instances of its study in the same case', async () => {
    const created = await tech1.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT' });
    expect(created.status).toBe(201);
    const accessionNumber = (await tech1.get(`/api/cases/${created.body.id}`)).body.accessionNumber as string;
    const first = syntheticCt({ rows: 8, columns: 8, accessionNumber, patientName: 'Li^Si' });
    expect((await stow(secrets.township1, [first.bytes])).status).toBe(200);
    const second = syntheticCt({ rows: 8, columns: 8, studyUid: first.studyUid, instanceNumber: 2 });
    expect((await stow(secrets.township1, [second.bytes])).status).toBe(200);
    const detail = caseDetailDtoSchema.parse((await tech1.get(`/api/cases/${created.body.id}`)).body);
    expect(detail.instanceCount).toBe(2);
    expect(detail.arrivedVia).toBeNull(); // registered by hand, not opened by the images
  });

  it("scopes tokens like their owners: a township's sees and stores only its own, a centre's reads what is routed to it", async () => {
    const ct = syntheticCt({ rows: 8, columns: 8 });
    expect((await stow(secrets.township1, [ct.bytes])).status).toBe(200);
    expect(await studyUids(secrets.township1)).toContain(ct.studyUid);
    expect(await studyUids(secrets.township2)).not.toContain(ct.studyUid);
    expect((await fetch(`${server.url}/dicom-web/studies/${ct.studyUid}/metadata`, { headers: bearer(secrets.township2) })).status).toBe(
      404,
    );
    // the same instance from the other township: already another township's, refused
    const foreign = await stow(secrets.township2, [ct.bytes]);
    expect(foreign.status).toBe(409);
    expect(items((await foreign.json()) as Dataset, '00081198').map((f) => value(f, '00081197'))).toEqual([0x0111]);
    // a reading centre stores nothing, and sees the study once it is submitted and routed to it
    for (const secret of [secrets.centre, secrets.reader1]) {
      expect((await stow(secret, [ct.bytes])).status).toBe(403);
      expect(await studyUids(secret)).not.toContain(ct.studyUid);
    }
    const { caseId } = await server.server.ctx.db.study.findFirstOrThrow({ where: { studyInstanceUid: ct.studyUid } });
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    for (const secret of [secrets.centre, secrets.reader1]) expect(await studyUids(secret)).toContain(ct.studyUid);
    // the REST API takes the tokens too, scoped the same way
    const restAsCentre = await fetch(`${server.url}/api/cases/${caseId}`, { headers: bearer(secrets.centre) });
    expect(restAsCentre.status).toBe(200);
    expect((await fetch(`${server.url}/api/cases/${caseId}`, { headers: bearer(secrets.township2) })).status).toBe(404);
  });

  it('judges bearer requests apart from cookies: no cross-origin refusal for a token, and a bad token is not rescued by a cookie', async () => {
    const ct = syntheticCt({ rows: 8, columns: 8 });
    const fromElsewhere = { Origin: 'http://pacs.example', 'Sec-Fetch-Site': 'cross-site' };
    expect((await stow(secrets.township1, [ct.bytes], '/studies', fromElsewhere)).status).toBe(200);
    const { body, contentType } = multipart([ct.bytes]);
    const withCookie = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { cookie: tech1.cookie, 'Content-Type': contentType, ...fromElsewhere },
      body: new Uint8Array(body),
    });
    expect(withCookie.status).toBe(403);
    expect(((await withCookie.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    // the technician's own session stores over STOW-RS too
    const own = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { cookie: tech1.cookie, 'Content-Type': contentType },
      body: new Uint8Array(body),
    });
    expect(own.status).toBe(200);
    for (const authorization of ['Bearer tdx_not-a-token', 'Bearer', 'bearer  ', `Bearer ${secrets.township1}x`]) {
      const res = await fetch(`${server.url}/dicom-web/studies`, { headers: { cookie: tech1.cookie, Authorization: authorization } });
      expect(res.status, authorization).toBe(401);
    }
    // a proxy's Basic credentials (which browsers attach by themselves) leave the cookie to decide, origin rule included
    const basic = { cookie: tech1.cookie, Authorization: 'Basic dGVjaDE6eA==' };
    expect((await fetch(`${server.url}/dicom-web/studies`, { headers: basic })).status).toBe(200);
    const basicFromElsewhere = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { ...basic, 'Content-Type': contentType, ...fromElsewhere },
      body: new Uint8Array(body),
    });
    expect(basicFromElsewhere.status).toBe(403);
  });

  it('refuses revoked and expired tokens (401), lists tokens with their last use and never their secrets, audits issue and revoke', async () => {
    const list = (await admin.get('/api/api-tokens')).body as ApiTokenDto[];
    const township1 = list.find((t) => t.id === tokenIds.township1)!;
    expect(township1).toMatchObject({ state: 'active', role: 'TECHNICIAN', owner: { kind: 'organization' } });
    expect(township1.lastUsedAt).not.toBeNull();
    expect(list.find((t) => t.id === tokenIds.centre)).toMatchObject({ role: 'READER' });
    expect(list.find((t) => t.id === tokenIds.reader1)).toMatchObject({
      owner: { kind: 'user', user: { username: 'reader1' } },
      role: 'READER',
    });
    expect(JSON.stringify(list)).not.toContain(secrets.township1.slice(10));
    expect(township1.prefix).toBe(secrets.township1.slice(0, township1.prefix.length));

    expect((await admin.delete(`/api/api-tokens/${tokenIds.township2}`)).status).toBe(204);
    expect((await fetch(`${server.url}/dicom-web/studies`, { headers: bearer(secrets.township2) })).status).toBe(401);
    expect((await stow(secrets.township2, [syntheticCt({ rows: 8, columns: 8 }).bytes])).status).toBe(401);
    expect((await fetch(`${server.url}/api/cases`, { headers: bearer(secrets.township2) })).status).toBe(401);
    expect(((await admin.get('/api/api-tokens')).body as ApiTokenDto[]).find((t) => t.id === tokenIds.township2)!.state).toBe('revoked');

    // expiry: a token issued now, pushed past its end in the database before its first use
    const issued = issuedApiTokenSchema.parse(
      (await admin.post('/api/api-tokens', { name: 'short', owner: { username: 'tech1' }, expiresInDays: 1 })).body,
    );
    await server.server.ctx.db.apiToken.update({ where: { id: issued.token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await fetch(`${server.url}/dicom-web/studies`, { headers: bearer(issued.secret) })).status).toBe(401);
    expect(((await admin.get('/api/api-tokens')).body as ApiTokenDto[]).find((t) => t.id === issued.token.id)!.state).toBe('expired');

    const audit = await server.server.ctx.db.auditEvent.findMany({ where: { entityType: 'ApiToken' } });
    expect(audit.filter((a) => a.action === 'api_token.issue')).toHaveLength(5);
    expect(audit.filter((a) => a.action === 'api_token.revoke').map((a) => a.entityId)).toEqual([tokenIds.township2]);
    expect((await admin.post('/api/api-tokens', { name: 'x', owner: { username: 'nobody' } })).status).toBe(400);
    expect((await admin.post('/api/api-tokens', { name: 'x', owner: { username: 'admin' } })).body.error.code).toBe('ADMIN_TOKEN_REFUSED');
  });
});
