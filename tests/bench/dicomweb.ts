// npm run bench:dicomweb -- [--studies N] [--images I] [--size S] [--backend postgresql|sqlite] [--runs R]
//
// A real teledx server (startServer) with N studies (default 10,000) created directly in the database through
// Prisma (a patient, a submitted case routed to the imaging centre, a study with Chinese PN forms, a series), then a
// CT series of I images (default 500, S×S 16-bit, default 512) uploaded through the REST API. Prints, as the
// imaging centre's reader over the session cookie:
//   - QIDO-RS study search latency p50/p95 over R runs (default 50) for OHIF's study list query (limit 101,
//     includefield), a wildcard Chinese name, a date range, and a Patient ID;
//   - WADO-RS series metadata (all I instances) in instances/s;
//   - WADO-RS frames, each image's frame 1 fetched by 6 parallel clients (as a browser does), in frames/s and MB/s.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import { startTestServer, type Backend } from '../helpers/test-server.ts';

const { values: args } = parseArgs({
  options: {
    studies: { type: 'string', default: '10000' },
    images: { type: 'string', default: '500' },
    size: { type: 'string', default: '512' },
    backend: { type: 'string', default: 'postgresql' },
    runs: { type: 'string', default: '50' },
  },
});
const N = Number(args.studies);
const I = Number(args.images);
const SIZE = Number(args.size);
const RUNS = Number(args.runs);
const backend = args.backend as Backend;
if (backend !== 'postgresql' && backend !== 'sqlite') throw new Error('--backend is postgresql or sqlite');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const loadBefore = loadavg()[0]!.toFixed(1);
const server = await startTestServer(backend, { LOG_LEVEL: 'warn' });
try {
  const db = server.server.ctx.db;
  const tech = await db.user.findFirstOrThrow({ where: { username: 'tech1' } });
  const imaging = await db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } });
  const surnames = ['张', '李', '王', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  const pinyin = ['Zhang', 'Li', 'Wang', 'Liu', 'Chen', 'Yang', 'Zhao', 'Huang', 'Zhou', 'Wu'];
  const t0 = performance.now();
  const BATCH = 1000;
  for (let start = 0; start < N; start += BATCH) {
    const n = Math.min(BATCH, N - start);
    const rows = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      const s = i % surnames.length;
      const day = String(1 + (i % 28)).padStart(2, '0');
      const month = String(1 + (i % 12)).padStart(2, '0');
      return {
        patient: { id: randomUUID(), name: `${surnames[s]}${i}`, sex: i % 2 ? 'M' : 'F', organizationId: tech.organizationId },
        kase: {
          id: randomUUID(),
          accessionNumber: `BENCH-${i}`, // made in the database directly, outside the daily sequence
          status: 'SUBMITTED',
          centreId: imaging.id,
          examKind: 'CT',
          priority: 'ROUTINE',
          submittedAt: new Date(),
        },
        study: {
          id: randomUUID(),
          studyInstanceUid: newUid(),
          studyDate: `2026-${month}-${day}`,
          dicomPatientName: `${pinyin[s]}^${i}=${surnames[s]}^${i}`,
          dicomPatientId: `P${i}`,
          accessionNumber: `A${i}`,
        },
      };
    });
    await db.patient.createMany({ data: rows.map((r) => r.patient) });
    await db.case.createMany({
      data: rows.map((r) => ({ ...r.kase, patientId: r.patient.id, originOrgId: tech.organizationId, createdById: tech.id })),
    });
    await db.study.createMany({ data: rows.map((r) => ({ ...r.study, caseId: r.kase.id })) });
    await db.series.createMany({
      data: rows.map((r) => ({ id: randomUUID(), studyId: r.study.id, seriesInstanceUid: newUid(), modality: 'CT', seriesNumber: 1 })),
    });
  }
  console.log(`created ${N} studies in the database (${backend}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // the CT series, uploaded and submitted like any exam
  const tech1 = await server.login('tech1');
  const created = await tech1.post('/api/cases', { patient: { name: '测试' }, examKind: 'CT', priority: 'ROUTINE' });
  const caseId = created.body.id as string;
  const studyUid = newUid();
  const seriesUid = newUid();
  const sops: string[] = [];
  for (let start = 0; start < I; start += 50) {
    const files = Array.from({ length: Math.min(50, I - start) }, (_, k) => {
      const ct = syntheticCt({ rows: SIZE, columns: SIZE, studyUid, seriesUid, instanceNumber: start + k + 1, seed: start + k });
      sops.push(ct.sopInstanceUid);
      return { name: `${start + k}.dcm`, data: ct.bytes };
    });
    const up = await tech1.upload(caseId, files);
    if (up.status !== 200 || up.body.rejected.length) throw new Error(`upload failed: ${JSON.stringify(up.body).slice(0, 300)}`);
  }
  if ((await tech1.post(`/api/cases/${caseId}/submit`)).status !== 200) throw new Error('submit failed');

  const reader = await server.login('reader1');
  const headers = { cookie: reader.cookie };
  const base = `${server.url}/dicom-web`;
  const get = async (path: string, accept?: string) => {
    const res = await fetch(base + path, { headers: accept ? { ...headers, accept } : headers });
    if (res.status !== 200 && res.status !== 204) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  };

  console.log(`\nQIDO-RS /studies over ${N + 1} studies, as the imaging centre's reader, ${RUNS} runs each (ms):`);
  const queries: [string, string][] = [
    ["OHIF's study list", 'limit=101&offset=0&includefield=00081030,00080060,00080090,00100030&fuzzymatching=false'],
    ['PatientName=张* (wildcard)', `PatientName=${encodeURIComponent('张*')}&limit=101&includefield=00081030,00080060`],
    ['PatientName=zhang^12* (^ form)', `PatientName=${encodeURIComponent('zhang^12*')}&limit=101`],
    ['StudyDate range', 'StudyDate=20260301-20260331&limit=101'],
    ['PatientID exact', `PatientID=P${Math.floor(N / 2)}`],
  ];
  for (const [label, q] of queries) {
    await get(`/studies?${q}`); // warm
    const times: number[] = [];
    let answers = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const body = await get(`/studies?${q}`);
      times.push(performance.now() - t);
      answers = body.length ? (JSON.parse(body.toString()) as unknown[]).length : 0;
    }
    console.log(
      `  ${label.padEnd(34)} p50 ${percentile(times, 50).toFixed(1).padStart(7)}  p95 ${percentile(times, 95).toFixed(1).padStart(7)}  (${answers} answers)`,
    );
  }

  const series = `/studies/${studyUid}/series/${seriesUid}`;
  let t = performance.now();
  const metadata = JSON.parse((await get(`${series}/metadata`)).toString()) as unknown[];
  let seconds = (performance.now() - t) / 1000;
  console.log(
    `\nWADO-RS series metadata: ${metadata.length} instances in ${(seconds * 1000).toFixed(0)} ms = ${(metadata.length / seconds).toFixed(0)} instances/s`,
  );

  const accept = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
  t = performance.now();
  let bytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < sops.length) {
        const sop = sops[next++]!;
        const body = await get(`${series}/instances/${sop}/frames/1`, accept);
        bytes += body.length;
      }
    }),
  );
  seconds = (performance.now() - t) / 1000;
  console.log(
    `WADO-RS frames (${SIZE}×${SIZE}×16 bit, 6 parallel): ${sops.length} frames in ${seconds.toFixed(2)} s = ${(sops.length / seconds).toFixed(0)} frames/s, ${(bytes / 1024 / 1024 / seconds).toFixed(0)} MB/s`,
  );
  console.log(`\nload average before: ${loadBefore}, after: ${loadavg()[0]!.toFixed(1)} (the machine is shared)`);
} finally {
  await server.close();
}
