// A case's studies, series and instances as the API shows them (the case page, a prior's pane).
import type { DemographicsMismatch, IdentityState, SeriesRole, StudyDto } from '../../shared/api.ts';
import { EXAM_KIND_RULES, type ExamKind } from '../../shared/domain.ts';
import type { Prisma } from '../db/client.ts';
import { assessIdentity, type IdentityAssessment, type RegisteredPatient } from './identity.ts';

/** A case's studies with their series and instances, in reading order. */
export const studiesInclude = {
  orderBy: { createdAt: 'asc' },
  include: {
    series: {
      orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }],
      include: { instances: { orderBy: [{ instanceNumber: 'asc' }, { sopInstanceUid: 'asc' }] } },
    },
  },
} satisfies Prisma.Case$studiesArgs;

type StudyRow = Prisma.StudyGetPayload<{ include: typeof studiesInclude.include }>;
type SeriesRow = StudyRow['series'][number];

/** Secondary Capture Image Storage and its multi-frame kinds (1.2.840.10008.5.1.4.1.1.7, .7.1 … .7.4) */
const SECONDARY_CAPTURE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.\d+)?$/;

/** What a series is in an exam of this kind: its own modality, a secondary capture, or another modality. */
export function seriesRole(examKind: ExamKind, series: Pick<SeriesRow, 'modality' | 'instances'>): SeriesRole {
  if (series.modality === 'SC' || series.instances.some((i) => SECONDARY_CAPTURE.test(i.sopClassUid))) return 'SECONDARY_CAPTURE';
  const own = EXAM_KIND_RULES[examKind].modalities;
  if (own === 'any' || !series.modality) return 'PRIMARY';
  return own.includes(series.modality) ? 'PRIMARY' : 'OTHER_MODALITY';
}

/** A case's studies as the API shows them, with the identity verdict on its files. */
export function caseStudies(kase: { examKind: string; patient: RegisteredPatient; studies: StudyRow[] }): {
  studies: StudyDto[];
  identity: IdentityAssessment;
} {
  const identity = assessIdentity(
    kase.patient,
    kase.studies.flatMap((s) => s.series.flatMap((se) => se.instances)),
  );
  const studies = kase.studies.map((s) => toStudyDto(s, kase.examKind as ExamKind, identity.byInstance));
  return { studies, identity };
}

function toStudyDto(s: StudyRow, examKind: ExamKind, identityOf: Map<string, IdentityState>): StudyDto {
  return {
    id: s.id,
    studyInstanceUid: s.studyInstanceUid,
    studyDate: s.studyDate,
    studyDescription: s.studyDescription,
    accessionNumber: s.accessionNumber,
    dicomPatient: { name: s.dicomPatientName, id: s.dicomPatientId, sex: s.dicomPatientSex, birthDate: s.dicomBirthDate },
    demographicsMismatch: s.demographicsMismatch ? (JSON.parse(s.demographicsMismatch) as DemographicsMismatch[]) : [],
    series: s.series.map((se) => ({
      id: se.id,
      seriesInstanceUid: se.seriesInstanceUid,
      modality: se.modality,
      seriesNumber: se.seriesNumber,
      seriesDescription: se.seriesDescription,
      bodyPart: se.bodyPart,
      role: seriesRole(examKind, se),
      instances: se.instances.map((i) => ({
        id: i.id,
        sopInstanceUid: i.sopInstanceUid,
        sopClassUid: i.sopClassUid,
        instanceNumber: i.instanceNumber,
        transferSyntaxUid: i.transferSyntaxUid,
        rows: i.rows,
        columns: i.columns,
        frames: i.frames,
        byteSize: Number(i.byteSize),
        sha256: i.sha256,
        identity: identityOf.get(i.id) ?? 'MATCH',
      })),
    })),
  };
}
