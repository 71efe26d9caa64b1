// The automatic analysis of a case's ECG files. Each DICOM ECG waveform or HL7 aECG file is decoded and measured
// once, after the upload that brought it has committed, and the result is stored per file (EcgAnalysis). A
// critical value (rate, QTc, ST elevation) raises the case to STAT through the case module, so the ECG centre gets
// it at the top of its queue with the STAT alert. A file that cannot be decoded keeps its analysis row with the
// reason, shown to the reader; the file itself stays accepted.
import { buffer } from 'node:stream/consumers';
import type { CaseDetailDto, EcgAnalysisDto, EcgWaveformDto } from '../../shared/api.ts';
import { ecgMeasurementsSchema, type EcgMeasurements, type EcgRecording, type LeadName } from '../../shared/ecg/types.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import { escalateCase } from '../cases/lifecycle.ts';
import type { AppContext } from '../context.ts';
import { isUniqueViolation, type Prisma } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { decodeEcg, type EcgFileKind } from './decode.ts';
import { MAX_AECG_BYTES } from './decode-aecg.ts';
import { GENERAL_ECG_STORAGE, TWELVE_LEAD_ECG_STORAGE } from './decode-dicom.ts';
import { measureEcg } from './measure.ts';

export const ECG_WAVEFORM_SOP_CLASSES = [TWELVE_LEAD_ECG_STORAGE, GENERAL_ECG_STORAGE];

interface EcgSource {
  kind: EcgFileKind;
  instanceId?: string;
  attachmentId?: string;
  storageKey: string;
}

type AnalysisRow = Prisma.EcgAnalysisGetPayload<object>;

/**
 * Analyses the case's ECG files that have none yet: those of the upload just committed, or of one whose analysis
 * a crash interrupted. Safe to call concurrently (one analysis per file, by a unique key).
 */
export async function analyseNewEcgFiles(ctx: AppContext, caseId: string): Promise<void> {
  for (const source of await unanalysedSources(ctx, caseId)) {
    const file = await readEcgFile(ctx.store, source.storageKey);
    const outcome =
      'problem' in file
        ? { columns: { errorCode: file.problem.code, errorMessage: file.problem.reason } }
        : analyse(file.bytes, source.kind);
    let row: AnalysisRow;
    try {
      row = await ctx.db.ecgAnalysis.create({
        data: { caseId, instanceId: source.instanceId, attachmentId: source.attachmentId, ...outcome.columns },
      });
    } catch (error) {
      if (isUniqueViolation(error)) continue; // a parallel request analysed this file first
      throw error;
    }
    const critical = outcome.measurements?.critical ?? [];
    if (critical.length > 0) {
      await escalateCase(ctx, {
        caseId,
        actor: null,
        to: 'STAT',
        details: { reason: 'ECG_CRITICAL_VALUE', analysisId: row.id, critical: critical.map((c) => c.code) },
      });
    }
    ctx.log.info({ caseId, analysisId: row.id, error: outcome.columns.errorCode, critical: critical.length }, 'ECG analysed');
  }
}

/** Whether a case's detail lists an ECG file without its analysis (a crash came between upload and analysis). */
export function lacksEcgAnalysis(kase: CaseDetailDto): boolean {
  const waveforms = kase.studies
    .flatMap((st) => st.series.flatMap((se) => se.instances))
    .filter((i) => ECG_WAVEFORM_SOP_CLASSES.includes(i.sopClassUid));
  const xml = kase.attachments.filter((a) => a.kind === 'ECG_XML');
  return waveforms.length + xml.length > kase.ecg.length;
}

async function unanalysedSources({ db }: AppContext, caseId: string): Promise<EcgSource[]> {
  const [instances, attachments] = await Promise.all([
    db.instance.findMany({
      where: { caseId, sopClassUid: { in: ECG_WAVEFORM_SOP_CLASSES }, ecgAnalysis: null },
      select: { id: true, storageKey: true },
    }),
    db.attachment.findMany({ where: { caseId, kind: 'ECG_XML', ecgAnalysis: null }, select: { id: true, storageKey: true } }),
  ]);
  return [
    ...instances.map((i) => ({ kind: 'dicom' as const, instanceId: i.id, storageKey: i.storageKey })),
    ...attachments.map((a) => ({ kind: 'aecg' as const, attachmentId: a.id, storageKey: a.storageKey })),
  ];
}

type Outcome = { columns: Omit<Prisma.EcgAnalysisUncheckedCreateInput, 'caseId'>; measurements?: EcgMeasurements };

/**
 * The file's analysis, or why there is none. An unexpected failure of the algorithm is recorded like a decoding
 * problem (ANALYSIS_FAILED): left unrecorded, every reading of the case would try again and fail again.
 */
/**
 * The largest ECG file read into memory: a resting 12-lead ECG is well under 1 MB, and neither decoder takes more
 * than the aECG document limit. Larger files are refused by their stored size, before a byte is read.
 */
export const MAX_ECG_FILE_BYTES = MAX_AECG_BYTES;

export async function readEcgFile(
  store: BlobStore,
  key: string,
): Promise<{ bytes: Uint8Array } | { problem: { code: 'TOO_LARGE'; reason: string } }> {
  const size = (await store.size(key)) ?? 0;
  if (size > MAX_ECG_FILE_BYTES) {
    return {
      problem: { code: 'TOO_LARGE', reason: `the ECG file is ${size} bytes, more than the ${MAX_ECG_FILE_BYTES} an ECG is read with` },
    };
  }
  return { bytes: new Uint8Array(await buffer(store.get(key))) };
}

function analyse(bytes: Uint8Array, kind: EcgFileKind): Outcome {
  try {
    return decodeAndMeasure(bytes, kind);
  } catch (error) {
    return { columns: { errorCode: 'ANALYSIS_FAILED', errorMessage: error instanceof Error ? error.message : String(error) } };
  }
}

function decodeAndMeasure(bytes: Uint8Array, kind: EcgFileKind): Outcome {
  const decoded = decodeEcg(bytes, kind);
  if ('problem' in decoded) return { columns: { errorCode: decoded.problem.code, errorMessage: decoded.problem.reason } };
  const { recording } = decoded;
  const shape = {
    sampleRateHz: recording.sampleRateHz,
    durationMs: recording.durationMs,
    leads: JSON.stringify(recording.leads.map((l) => l.name)),
  };
  const measurements = measureEcg(recording);
  return { columns: { ...shape, measurements: JSON.stringify(measurements) }, measurements };
}

const parseMeasurements = (json: string | null) => (json ? ecgMeasurementsSchema.parse(JSON.parse(json)) : null);

export function toEcgAnalysisDto(row: AnalysisRow): EcgAnalysisDto {
  return {
    id: row.id,
    source: row.instanceId ? { kind: 'instance', id: row.instanceId } : { kind: 'attachment', id: row.attachmentId! },
    sampleRateHz: row.sampleRateHz,
    durationMs: row.durationMs,
    leads: row.leads ? (JSON.parse(row.leads) as LeadName[]) : [],
    measurements: parseMeasurements(row.measurements),
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
  };
}

/** The decoded signal of one analysis, for the reader's grid: every lead in microvolts, rounded to whole µV. */
export async function ecgWaveform(ctx: AppContext, actor: Actor, analysisId: string): Promise<EcgWaveformDto> {
  const [analysis] = await analysedRecordings(ctx, { id: analysisId, case: caseScope(actor) });
  if (!analysis) throw notFound('ECG analysis');
  if (!analysis.recording) throw notFound('ECG signal');
  return waveformDto(analysis.recording);
}

export interface AnalysedRecording {
  analysisId: string;
  measurements: EcgMeasurements | null;
  /** null when the file can no longer be decoded (or is too large to read) */
  recording: EcgRecording | null;
}

/**
 * The decoded signals of the analyses matching `where`, oldest first, for the reader's grid and the printed
 * report. Files are read and decoded one at a time: a case has one or two, and each costs up to a few MB.
 */
export async function analysedRecordings(
  ctx: Pick<AppContext, 'db' | 'store'>,
  where: Prisma.EcgAnalysisWhereInput,
): Promise<AnalysedRecording[]> {
  const rows = await ctx.db.ecgAnalysis.findMany({
    where,
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      measurements: true,
      instance: { select: { storageKey: true } },
      attachment: { select: { storageKey: true } },
    },
  });
  const analysed: AnalysedRecording[] = [];
  for (const row of rows) {
    const source = row.instance
      ? { kind: 'dicom' as const, ...row.instance }
      : row.attachment
        ? { kind: 'aecg' as const, ...row.attachment }
        : null;
    if (!source) continue;
    const file = await readEcgFile(ctx.store, source.storageKey);
    const decoded = 'problem' in file ? file : decodeEcg(file.bytes, source.kind);
    analysed.push({
      analysisId: row.id,
      measurements: parseMeasurements(row.measurements),
      recording: 'problem' in decoded ? null : decoded.recording,
    });
  }
  return analysed;
}

/** The recording as JSON; its leads are already in LEAD_NAMES order (the decoders' contract). */
function waveformDto(recording: EcgRecording): EcgWaveformDto {
  return {
    sampleRateHz: recording.sampleRateHz,
    leads: recording.leads.map((lead) => ({ name: lead.name, microvolts: Array.from(lead.microvolts, Math.round) })),
  };
}
