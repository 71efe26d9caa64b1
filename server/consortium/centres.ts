// Reading centres as the API shows them, and their two-level reporting setting (which exam kinds' reports need a
// second reader, shared/case-status.ts).
import type { ConsortiumDto } from '../../shared/api.ts';
import { EXAM_KINDS, type ExamKind } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/errors.ts';

type CentreDto = ConsortiumDto['centres'][number];

const kinds = (stored: string) => stored.split(',').filter((k) => k !== '');

export function centreDto(c: {
  id: string;
  code: string;
  name: string;
  kind: string;
  examKinds: string;
  reviewExamKinds: string;
}): CentreDto {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    kind: c.kind,
    examKinds: kinds(c.examKinds),
    reviewExamKinds: kinds(c.reviewExamKinds).filter((k): k is ExamKind => (EXAM_KINDS as readonly string[]).includes(k)),
  };
}

/** Sets the exam kinds whose reports need a second reader; cases already in review stay in review. Audited. */
export async function setReviewExamKinds(db: Db, actor: Actor, centreId: string, examKinds: ExamKind[], ip?: string): Promise<CentreDto> {
  // stored in EXAM_KINDS order, each once
  const stored = EXAM_KINDS.filter((k) => examKinds.includes(k)).join(',');
  return db.$transaction(async (tx) => {
    const { count } = await tx.readingCentre.updateMany({ where: { id: centreId }, data: { reviewExamKinds: stored } });
    if (count === 0) throw notFound('centre');
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'consortium.review_exam_kinds',
      entityType: 'ReadingCentre',
      entityId: centreId,
      ip,
      details: { examKinds: stored ? stored.split(',') : [] },
    });
    return centreDto(await tx.readingCentre.findUniqueOrThrow({ where: { id: centreId } }));
  });
}
