// Who sees what under /dicom-web, which is outside the /api route table: the session cookie as for the REST API,
// anonymous callers 401, and the case scope of the REST API (cases/access.ts): a township its own studies (drafts
// included), a reading centre what was routed to it once submitted, an administrator everything. A study out of
// scope answers 404 to every WADO-RS request, exactly like one that does not exist. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { uploadChineseCt, uploadDraft, type Uploaded } from './fixtures.ts';

describe.each(BACKENDS)('DICOMweb access (%s)', (backend) => {
  let server: TestServer;
  let township1: Uploaded; // submitted by tech1, routed to the imaging centre
  let township2: Uploaded; // tech2's draft
  const clients = new Map<string, ApiClient>();

  beforeAll(async () => {
    server = await startTestServer(backend);
    for (const user of ['tech1', 'tech2', 'reader1', 'ecg1', 'super1', 'admin']) clients.set(user, await server.login(user));
    township1 = await uploadChineseCt(clients.get('tech1')!);
    township2 = await uploadDraft(clients.get('tech2')!);
  });
  afterAll(() => server?.close());

  const get = (user: string | null, path: string) =>
    fetch(`${server.url}/dicom-web${path}`, { headers: user ? { cookie: clients.get(user)!.cookie } : {} });
  const studyUids = async (user: string) => {
    const res = await get(user, '/studies');
    if (res.status === 204) return [];
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    return ((await res.json()) as { '0020000D': { Value: string[] } }[]).map((s) => s['0020000D'].Value[0]).sort();
  };
  const wadoPaths = (u: Uploaded) => {
    const series = `/studies/${u.studyUid}/series/${u.seriesUid}`;
    const instance = `${series}/instances/${u.files[0]!.sopInstanceUid}`;
    return [
      `/studies/${u.studyUid}`,
      `/studies/${u.studyUid}/metadata`,
      `/studies/${u.studyUid}/series`,
      `/studies/${u.studyUid}/instances`,
      series,
      `${series}/metadata`,
      `${series}/instances`,
      instance,
      `${instance}/metadata`,
      `${instance}/frames/1`,
      `${instance}/bulkdata/7FE00010`,
      `${instance}/rendered`,
      `${instance}/thumbnail`,
    ];
  };

  it('answers 401 without a session, on QIDO-RS, WADO-RS and STOW-RS alike, 403 to STOW-RS but by a township, and 405 elsewhere', async () => {
    for (const path of ['/studies', '/series', '/instances', ...wadoPaths(township1)]) {
      const res = await get(null, path);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    const as = (user: string | null, method: string, path: string) =>
      fetch(`${server.url}/dicom-web${path}`, { method, headers: user ? { cookie: clients.get(user)!.cookie } : {} });
    expect((await as(null, 'POST', '/studies')).status).toBe(401);
    // STOW-RS is the township's: a reading centre or an administrator stores nothing (403 before the body is read)
    for (const user of ['reader1', 'ecg1', 'super1', 'admin']) {
      expect((await as(user, 'POST', '/studies')).status, user).toBe(403);
      expect((await as(user, 'POST', `/studies/${township1.studyUid}`)).status, user).toBe(403);
    }
    // a township without a multipart/related body: past the access check, refused for its content type
    expect((await as('tech2', 'POST', '/studies')).status).toBe(415);
    for (const [method, path] of [
      ['PUT', '/studies'],
      ['DELETE', `/studies/${township1.studyUid}`],
      ['POST', `/studies/${township1.studyUid}/series`],
      ['POST', '/series'],
    ]) {
      expect((await as('tech1', method!, path!)).status, `${method} ${path}`).toBe(405);
    }
  });

  it('shows each caller exactly the studies the REST API shows them', async () => {
    expect(await studyUids('tech1')).toEqual([township1.studyUid]);
    expect(await studyUids('tech2')).toEqual([township2.studyUid]);
    expect(await studyUids('reader1')).toEqual([township1.studyUid]); // routed to the imaging centre; tech2's draft is not
    expect(await studyUids('super1')).toEqual([township1.studyUid]);
    expect(await studyUids('ecg1')).toEqual([]); // the ECG centre was routed nothing
    expect(await studyUids('admin')).toEqual([township1.studyUid, township2.studyUid].sort());
    // and the REST API agrees
    for (const user of ['tech1', 'tech2', 'reader1', 'ecg1', 'admin']) {
      const rest = (await clients.get(user)!.get('/api/cases')).body as { id: string }[];
      const ids = rest.map((c) => c.id);
      expect(ids.includes(township1.caseId), user).toBe((await studyUids(user)).includes(township1.studyUid));
      expect(ids.includes(township2.caseId), user).toBe((await studyUids(user)).includes(township2.studyUid));
    }
  });

  it('scopes the series and instance searches the same way', async () => {
    for (const [user, sees] of [
      ['tech1', [township1.seriesUid]],
      ['tech2', [township2.seriesUid]],
      ['reader1', [township1.seriesUid]],
      ['ecg1', []],
      ['admin', [township1.seriesUid, township2.seriesUid].sort()],
    ] as const) {
      const res = await get(user, '/series');
      const found =
        res.status === 204 ? [] : ((await res.json()) as { '0020000E': { Value: string[] } }[]).map((s) => s['0020000E'].Value[0]);
      expect(found.sort(), user).toEqual(sees);
      const inst = await get(user, `/instances?SOPInstanceUID=${township1.files[0]!.sopInstanceUid}`);
      expect(inst.status, user).toBe(sees.includes(township1.seriesUid as never) ? 200 : 204);
    }
  });

  it('answers 404 to every WADO-RS request outside the scope, and serves it inside', async () => {
    const outside: [string, Uploaded][] = [
      ['tech2', township1],
      ['ecg1', township1],
      ['tech1', township2],
      ['reader1', township2],
      ['super1', township2],
    ];
    for (const [user, study] of outside) {
      for (const path of wadoPaths(study)) {
        const res = await get(user, path);
        // the searches under a foreign study find nothing; the retrievals are not found
        expect(res.status, `${user} ${path}`).toBe(/\/(series|instances)$/.test(path) ? 204 : 404);
      }
    }
    const inside: [string, Uploaded][] = [
      ['tech1', township1],
      ['reader1', township1],
      ['super1', township1],
      ['admin', township1],
      ['tech2', township2],
      ['admin', township2],
    ];
    for (const [user, study] of inside) {
      for (const path of wadoPaths(study)) expect((await get(user, path)).status, `${user} ${path}`).toBe(200);
    }
  });
});
