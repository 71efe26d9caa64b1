// One fuzz run: seeded cases (mutate.ts) through the DICOM header parser and the ECG decoders directly, and a share
// of them through the real HTTP ingest route of one server. Findings are collected, not thrown, so a long run reports
// all of them with their seeds.
import { createHash } from 'node:crypto';
import { REJECTION_CODES } from '../../shared/api.ts';
import { decodeEcg, sniffEcgKind } from '../../server/ecg/decode.ts';
import { measureEcg } from '../../server/ecg/measure.ts';
import { compareWithRegistered, dicomPatientsDiffer } from '../../server/cases/identity.ts';
import { classifyFile } from '../../server/ingest/classify.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { stagedFromBuffer } from '../helpers/staged.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { fuzzCorpus } from './corpus.ts';
import { caseSeeds, makeCase, type FuzzCase } from './mutate.ts';

const MIB = 1024 * 1024;
/** the file size limit for the run: it also bounds inflation (bombs are refused at 16 MiB, quickly) */
const MAX_FILE_BYTES = 16 * MIB;
const HTTP_BATCH = 10;
const KNOWN_CODES = new Set<string>(REJECTION_CODES);

export interface Finding {
  seed: number;
  origin: string;
  mutations: string[];
  problem: string;
}

export interface FuzzReport {
  cases: number;
  httpCases: number;
  findings: Finding[];
  /** resident memory at the end of the run minus after its first 100 cases, in MiB */
  rssGrowthMiB: number;
  /** verdicts by rejection code (or "accepted"), for the curious */
  verdicts: Record<string, number>;
}

export interface FuzzOptions {
  runSeed: number;
  count: number;
  /** share of the cases sent through HTTP (0..1) */
  httpShare: number;
  /** replay only these case seeds */
  only?: number[];
  onProgress?: (done: number) => void;
}

const describeError = (error: unknown) =>
  (error instanceof Error ? (error.stack ?? error.message) : String(error)).split('\n').slice(0, 4).join(' | ');

/** Parser and decoders called directly: they must answer (a verdict, a coded problem), never throw. */
async function checkDirect(fuzzCase: FuzzCase, verdicts: Record<string, number>): Promise<string | null> {
  const { bytes } = fuzzCase;
  try {
    const verdict = await classifyFile(stagedFromBuffer(bytes), 'OTHER', { defaultCharset: 'GB18030', maxFileBytes: MAX_FILE_BYTES });
    const key = verdict.type === 'rejected' ? verdict.code : 'accepted';
    verdicts[key] = (verdicts[key] ?? 0) + 1;
    if (verdict.type === 'rejected' && !KNOWN_CODES.has(verdict.code)) return `unknown rejection code ${verdict.code}`;
    if (verdict.type === 'dicom') {
      const problem = checkIdentity(verdict.header.patient);
      if (problem) return problem;
    }
  } catch (error) {
    return `classifyFile or the identity check threw: ${describeError(error)}`;
  }
  const kind = sniffEcgKind(bytes);
  if (!kind) return null;
  try {
    const decoded = decodeEcg(bytes, kind);
    if ('recording' in decoded) measureEcg(decoded.recording);
  } catch (error) {
    return `ECG ${kind} decoding or measuring threw: ${describeError(error)}`;
  }
  return null;
}

const REGISTERED = { id: 'fuzz', name: '张三', sex: 'M', birthDate: '1990-03-07', nationalId: '110101199003074514' };

/** The identity check on whatever patient a mutated header names: it answers, and a patient never differs from itself. */
function checkIdentity(patient: { name?: string; id?: string; sex?: string; birthDate?: string }): string | null {
  const dicom = { name: patient.name ?? null, id: patient.id ?? null, sex: patient.sex ?? null, birthDate: patient.birthDate ?? null };
  compareWithRegistered(REGISTERED, dicom);
  return dicomPatientsDiffer(dicom, dicom) ? `the DICOM patient ${JSON.stringify(dicom)} differs from itself` : null;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A batch through POST /api/cases/:id/files: no 5xx, every file answered once, codes known, accepted bytes intact. */
async function checkUpload(client: ApiClient, caseId: string, batch: FuzzCase[]): Promise<Map<FuzzCase, string>> {
  const problems = new Map<FuzzCase, string>();
  const nameOf = (c: FuzzCase) => `fuzz-${c.seed}.bin`;
  const res = await client.upload(
    caseId,
    batch.map((c) => ({ name: nameOf(c), data: c.bytes })),
  );
  if (res.status >= 500 || !res.body?.accepted) {
    for (const c of batch) problems.set(c, `upload answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return problems;
  }
  const answers = new Map<string, number>();
  for (const entry of [...res.body.accepted, ...res.body.rejected]) answers.set(entry.file, (answers.get(entry.file) ?? 0) + 1);
  for (const rejected of res.body.rejected) {
    const c = batch.find((b) => nameOf(b) === rejected.file);
    if (c && !KNOWN_CODES.has(rejected.code)) problems.set(c, `unknown rejection code ${rejected.code}`);
  }
  for (const accepted of res.body.accepted) {
    const c = batch.find((b) => nameOf(b) === accepted.file);
    if (!c) continue;
    const path = accepted.kind === 'dicom' ? `/api/instances/${accepted.id}/file` : `/api/attachments/${accepted.id}/file`;
    const download = await client.get(path);
    if (download.status !== 200 || sha(download.body) !== sha(c.bytes))
      problems.set(c, `accepted file comes back ${download.status}, not byte-identical`);
  }
  for (const c of batch) if (answers.get(nameOf(c)) !== 1) problems.set(c, `answered ${answers.get(nameOf(c)) ?? 0} times in the response`);
  return problems;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const corpus = fuzzCorpus();
  const seeds = options.only ?? caseSeeds(options.runSeed, options.count);
  const httpEvery = options.httpShare > 0 ? Math.round(1 / options.httpShare) : Infinity;
  const findings: Finding[] = [];
  const verdicts: Record<string, number> = {};
  const record = (c: FuzzCase, problem: string) => findings.push({ seed: c.seed, origin: c.origin, mutations: c.mutations, problem });

  const server = Number.isFinite(httpEvery) ? await startTestServer('sqlite', { TELEDX_MAX_FILE_BYTES: String(MAX_FILE_BYTES) }) : null;
  try {
    const client = server ? await server.login('tech1') : null;
    let caseId = '';
    let httpBatch: FuzzCase[] = [];
    let httpCases = 0;
    const flush = async () => {
      if (!client || httpBatch.length === 0) return;
      // a new case every few batches, so that cases stay small like real ones
      if (!caseId || httpCases % (HTTP_BATCH * 10) === 0) {
        caseId = (await client.post('/api/cases', { patient: { name: '张三' }, examKind: 'OTHER' })).body.id;
      }
      httpCases += httpBatch.length;
      for (const [c, problem] of await checkUpload(client, caseId, httpBatch)) record(c, problem);
      httpBatch = [];
    };
    // measured after a warm-up (workers started, first bombs inflated, the server's caches filled): growth past it is a leak
    const warmUp = Math.min(100, seeds.length - 1);
    let rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < seeds.length; i++) {
      if (i === warmUp) rssBefore = process.memoryUsage().rss;
      const fuzzCase = makeCase(seeds[i]!, corpus);
      const problem = await checkDirect(fuzzCase, verdicts);
      if (problem) record(fuzzCase, problem);
      if (client && i % httpEvery === 0) {
        httpBatch.push(fuzzCase);
        if (httpBatch.length === HTTP_BATCH) await flush();
      }
      if (i % 100 === 99) options.onProgress?.(i + 1);
    }
    await flush();
    global.gc?.();
    return { cases: seeds.length, httpCases, findings, rssGrowthMiB: (process.memoryUsage().rss - rssBefore) / MIB, verdicts };
  } finally {
    await server?.close();
  }
}
