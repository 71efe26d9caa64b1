// The FHIR reads, within the caller's case scope (cases/access.ts caseScope), exactly like the REST API: a
// resource of a case the caller may not see is 404, like a missing one. Only cases with a signed report are
// published (a draft is not a result).
import type { Bundle, DiagnosticReport, ImagingStudy, Observation, Organization, Patient } from '@medplum/fhirtypes';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import type { AppContext } from '../context.ts';
import type { Prisma } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { printReport } from '../reporting/pdf.ts';
import { loadFhirCase, loadFhirCases, type FhirCase } from './record.ts';
import {
  diagnosticReportResource,
  ecgObservations,
  imagingStudyResource,
  organizationResource,
  patientResource,
  searchsetBundle,
} from './resources.ts';
import { valuesFor, type ReportSearch } from './search-params.ts';
import { ACCESSION_SYSTEM, RESIDENT_ID_SYSTEM } from './systems.ts';

export interface FhirContext {
  ctx: Pick<AppContext, 'db' | 'store' | 'config'>;
  actor: Actor;
  /** scheme://host of this server, for fullUrls and the DICOMweb endpoint */
  base: string;
}

const inScope = (f: FhirContext, where: Prisma.CaseWhereInput): Prisma.CaseWhereInput => ({ AND: [where, caseScope(f.actor)] });

async function caseOrNotFound(f: FhirContext, what: string, where: Prisma.CaseWhereInput): Promise<FhirCase> {
  const kase = await loadFhirCase(f.ctx.db, inScope(f, where));
  if (!kase) throw notFound(what);
  return kase;
}

/** The report with its printed PDF (rendered from the same signed version). */
export async function reportOf(ctx: FhirContext['ctx'], kase: FhirCase): Promise<DiagnosticReport> {
  return diagnosticReportResource(kase, await printReport(ctx, kase.id, {}, kase.report.id));
}

export async function readDiagnosticReport(f: FhirContext, id: string): Promise<DiagnosticReport> {
  return reportOf(f.ctx, await caseOrNotFound(f, 'DiagnosticReport', { id }));
}

export async function searchDiagnosticReports(f: FhirContext, search: ReportSearch, self: string): Promise<Bundle> {
  const conditions: Prisma.CaseWhereInput[] = [];
  if (search.identifier) conditions.push({ accessionNumber: { in: valuesFor(search.identifier, ACCESSION_SYSTEM) } });
  if (search.patientIdentifier) {
    conditions.push({ patient: { nationalId: { in: valuesFor(search.patientIdentifier, RESIDENT_ID_SYSTEM) } } });
  }
  const cases = await loadFhirCases(f.ctx.db, inScope(f, { AND: conditions }), { take: search.count });
  const reports: DiagnosticReport[] = [];
  for (const kase of cases) reports.push(await reportOf(f.ctx, kase)); // one PDF at a time: pdfkit is CPU-bound
  return searchsetBundle(f.base, self, reports);
}

export async function readPatient(f: FhirContext, id: string): Promise<Patient> {
  return patientResource((await caseOrNotFound(f, 'Patient', { patientId: id })).patient);
}

export async function readImagingStudy(f: FhirContext, id: string): Promise<ImagingStudy> {
  const kase = await caseOrNotFound(f, 'ImagingStudy', { studies: { some: { id } } });
  return imagingStudyResource(
    kase,
    kase.studies.find((s) => s.id === id)!,
    f.base,
  );
}

/** Observation ids are `<case id>-<measurement>` (resources.ts). */
export async function readObservation(f: FhirContext, id: string): Promise<Observation> {
  const caseId = id.slice(0, id.lastIndexOf('-'));
  const kase = caseId ? await loadFhirCase(f.ctx.db, inScope(f, { id: caseId })) : null;
  const observation = kase && ecgObservations(kase).find((o) => o.id === id);
  if (!observation) throw notFound('Observation');
  return observation;
}

/** The consortium's organizations are no secret to its members (GET /api/consortium lists them too). */
export async function readOrganization(f: FhirContext, id: string): Promise<Organization> {
  const org = await f.ctx.db.organization.findUnique({
    where: { id },
    select: { id: true, code: true, name: true, kind: true, parentId: true },
  });
  if (!org) throw notFound('Organization');
  return organizationResource(org);
}
