// A case's studies, series and instances as the API shows them (the case page, a prior's pane).
import type { DemographicsMismatch, StudyDto } from '../../shared/api.ts';
import type { Prisma } from '../db/client.ts';

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

export function toStudyDto(s: StudyRow): StudyDto {
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
      })),
    })),
  };
}
