// Taking files out of a case before it is sent (DRAFT) or sent again (RETURNED): a wrong patient's images, a retake's
// rejected originals. The rows go (the instance or attachment, its ECG analysis, a series or study left empty), so no
// reader, DICOMweb query or report ever sees them; the study's recorded demographics follow its remaining files; one
// audit event names every file removed. The bytes follow the blob store's rule for unreferenced blobs
// (orphan-blobs.ts): deleted after the commit if nothing else references them and they are old enough, else left to
// the start-up sweep (content-addressed: another case may hold the same bytes).
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { townshipWriteScope } from '../cases/access.ts';
import { lockOpenCase } from '../cases/open-case.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { compareDemographics } from './ingest.ts';
import { reclaimBlobsOf } from './orphan-blobs.ts';

export interface RemoveFiles {
  instanceIds: string[];
  attachmentIds: string[];
  reason?: string;
}

export async function removeFiles(ctx: AppContext, actor: Actor, caseId: string, request: RemoveFiles, ip?: string): Promise<void> {
  const scope = townshipWriteScope(actor);
  if (!scope) throw notFound('case');
  const instanceIds = [...new Set(request.instanceIds)];
  const attachmentIds = [...new Set(request.attachmentIds)];
  const keys = await ctx.db.$transaction(async (tx) => {
    await lockOpenCase(tx, caseId, scope);
    const [instances, attachments] = await Promise.all([
      tx.instance.findMany({
        where: { caseId, id: { in: instanceIds } },
        select: { id: true, sopInstanceUid: true, sha256: true, storageKey: true, seriesId: true, series: { select: { studyId: true } } },
      }),
      tx.attachment.findMany({
        where: { caseId, id: { in: attachmentIds } },
        select: { id: true, fileName: true, sha256: true, storageKey: true },
      }),
    ]);
    // all or nothing: a file of another case (or one already removed) is not this case's to remove
    if (instances.length !== instanceIds.length || attachments.length !== attachmentIds.length) throw notFound('file');

    await tx.ecgAnalysis.deleteMany({ where: { OR: [{ instanceId: { in: instanceIds } }, { attachmentId: { in: attachmentIds } }] } });
    await dropKeyImages(tx, caseId, new Set(instanceIds));
    await tx.instance.deleteMany({ where: { id: { in: instanceIds } } });
    await tx.attachment.deleteMany({ where: { id: { in: attachmentIds } } });
    const emptied = await dropEmptySeriesAndStudies(
      tx,
      [...new Set(instances.map((i) => i.seriesId))],
      [...new Set(instances.map((i) => i.series.studyId))],
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'case.files_removed',
      entityType: 'Case',
      entityId: caseId,
      ip,
      details: {
        reason: request.reason ?? null,
        instances: instances.map((i) => ({ sopInstanceUid: i.sopInstanceUid, sha256: i.sha256 })),
        attachments: attachments.map((a) => ({ fileName: a.fileName, sha256: a.sha256 })),
        ...emptied,
      },
    });
    return [...instances, ...attachments].map((f) => f.storageKey);
  });
  ctx.notify.caseChanged(caseId, 'files_removed');
  try {
    await reclaimBlobsOf({ db: ctx.db, store: ctx.store }, keys);
  } catch (error) {
    // the rows are gone; bytes left behind are the start-up sweep's
    ctx.log.error({ err: error, caseId }, 'deleting removed files failed; the start-up sweep reclaims them');
  }
}

/** A draft report must not point at images that are gone (signing checks its key images). */
async function dropKeyImages(tx: Tx, caseId: string, removed: Set<string>): Promise<void> {
  const drafts = await tx.report.findMany({ where: { caseId, status: 'DRAFT' }, select: { id: true, keyImageIds: true } });
  for (const draft of drafts) {
    const ids = JSON.parse(draft.keyImageIds) as string[];
    const kept = ids.filter((id) => !removed.has(id));
    if (kept.length !== ids.length) await tx.report.update({ where: { id: draft.id }, data: { keyImageIds: JSON.stringify(kept) } });
  }
}

/**
 * Series without instances and studies without series are removed with their last file; a study that keeps files
 * takes its recorded demographics (and their comparison with the patient) from one of them.
 */
async function dropEmptySeriesAndStudies(tx: Tx, seriesIds: string[], studyIds: string[]) {
  const series = await tx.series.deleteMany({ where: { id: { in: seriesIds }, instances: { none: {} } } });
  const studies = await tx.study.deleteMany({ where: { id: { in: studyIds }, series: { none: {} } } });
  const remaining = await tx.study.findMany({
    where: { id: { in: studyIds } },
    select: {
      id: true,
      case: { select: { patient: true } },
      series: { take: 1, orderBy: { createdAt: 'asc' }, select: { instances: { take: 1, orderBy: { createdAt: 'asc' } } } },
    },
  });
  for (const study of remaining) {
    const first = study.series[0]?.instances[0];
    if (!first) continue;
    const dicom = { name: first.dicomPatientName, id: first.dicomPatientId, sex: first.dicomPatientSex, birthDate: first.dicomBirthDate };
    const mismatch = compareDemographics(study.case.patient, {
      name: dicom.name ?? undefined,
      id: dicom.id ?? undefined,
      sex: dicom.sex ?? undefined,
      birthDate: dicom.birthDate ?? undefined,
    });
    await tx.study.update({
      where: { id: study.id },
      data: {
        dicomPatientName: dicom.name,
        dicomPatientId: dicom.id,
        dicomPatientSex: dicom.sex,
        dicomBirthDate: dicom.birthDate,
        demographicsMismatch: mismatch.length ? JSON.stringify(mismatch) : null,
      },
    });
  }
  return { seriesRemoved: series.count, studiesRemoved: studies.count };
}
