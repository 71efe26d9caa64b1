// What the FHIR resources are made of, loaded within a case scope (cases/access.ts caseScope for a caller, or the
// whole database for the HIS outbox): a case with its patient, organizations, studies and one signed report version.
import type { EcgReportFields } from '../../shared/reports.ts';
import type { Db, Prisma } from '../db/client.ts';
import { parseEcgFields } from '../reporting/reports.ts';
import { studyDateForFhir } from './resources.ts';

export interface FhirOrganization {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
}

export interface FhirPatient {
  id: string;
  name: string;
  sex: string;
  birthDate: string | null;
  nationalId: string | null;
  organizationId: string;
}

export interface FhirStudy {
  id: string;
  studyInstanceUid: string;
  studyDate: string | null;
  studyDescription: string | null;
  series: {
    seriesInstanceUid: string;
    modality: string | null;
    seriesNumber: number | null;
    seriesDescription: string | null;
    instances: { sopInstanceUid: string; sopClassUid: string; instanceNumber: number | null }[];
  }[];
}

export interface FhirCase {
  id: string;
  accessionNumber: string;
  examKind: string;
  bodyPart: string | null;
  /** when the exam was made: the first study date, else when it was sent for reading (FHIR dateTime) */
  effective: string | undefined;
  patient: FhirPatient;
  originOrg: FhirOrganization;
  /** the county hospital of the reading centre */
  hospital: FhirOrganization | null;
  studies: FhirStudy[];
  report: {
    id: string;
    version: number;
    findings: string;
    impression: string;
    signedAt: string;
    signerName: string | null;
    ecgFields: EcgReportFields | null;
  };
}

const ORG = { id: true, code: true, name: true, kind: true, parentId: true } as const;

const CASE_INCLUDE = {
  patient: { select: { id: true, name: true, sex: true, birthDate: true, nationalId: true, organizationId: true } },
  originOrg: { select: ORG },
  centre: { select: { hospital: { select: ORG } } },
  studies: {
    orderBy: { createdAt: 'asc' },
    include: {
      series: {
        orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }],
        include: {
          instances: {
            orderBy: [{ instanceNumber: 'asc' }, { createdAt: 'asc' }],
            select: { sopInstanceUid: true, sopClassUid: true, instanceNumber: true },
          },
        },
      },
    },
  },
} satisfies Prisma.CaseInclude;

/** Cases that have a signed report: the only ones FHIR shows a DiagnosticReport for. */
export const SIGNED: Prisma.CaseWhereInput = { reports: { some: { status: 'SIGNED' } } };

/**
 * The cases matching `where` with their current signed report (or, with `reportId`, that signed or superseded
 * version: the outbox sends the version it queued). Cases without one are left out.
 */
export async function loadFhirCases(
  db: Db,
  where: Prisma.CaseWhereInput,
  options: { reportId?: string; take?: number } = {},
): Promise<FhirCase[]> {
  const cases = await db.case.findMany({
    where: { AND: [where, SIGNED] },
    include: {
      ...CASE_INCLUDE,
      reports: {
        where: options.reportId ? { id: options.reportId, status: { not: 'DRAFT' } } : { status: 'SIGNED' },
        include: { signedBy: { select: { displayName: true } } },
      },
    },
    orderBy: { createdAt: 'desc' },
    take: options.take,
  });
  return cases.flatMap((c) => {
    const report = c.reports[0];
    if (!report?.signedAt) return [];
    const firstStudyDate = c.studies.map((s) => studyDateForFhir(s.studyDate)).find((d) => d !== undefined);
    return [
      {
        id: c.id,
        accessionNumber: c.accessionNumber,
        examKind: c.examKind,
        bodyPart: c.bodyPart,
        effective: firstStudyDate ?? (c.submittedAt ?? c.createdAt).toISOString(),
        patient: c.patient,
        originOrg: c.originOrg,
        hospital: c.centre?.hospital ?? null,
        studies: c.studies,
        report: {
          id: report.id,
          version: report.version,
          findings: report.findings,
          impression: report.impression,
          signedAt: report.signedAt.toISOString(),
          signerName: report.signedBy?.displayName ?? null,
          ecgFields: parseEcgFields(report.ecgFields),
        },
      },
    ];
  });
}

export async function loadFhirCase(db: Db, where: Prisma.CaseWhereInput, reportId?: string): Promise<FhirCase | null> {
  return (await loadFhirCases(db, where, { reportId, take: 1 }))[0] ?? null;
}
