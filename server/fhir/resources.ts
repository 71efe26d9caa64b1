// teledx's records as FHIR R4 resources: plain functions from the loaded records (record.ts) to the resources the
// /fhir edge answers and the HIS outbox sends. Nothing here reads the database or the clock.
//
// Logical ids: DiagnosticReport = the case (one report per exam; an amendment is a new version of the same
// resource, meta.versionId = the report version, status `amended`), ImagingStudy = the study row, Patient and
// Organization = their rows, Observation = `<case id>-<measurement>`.
import type {
  Attachment,
  Bundle,
  BundleEntry,
  CodeableConcept,
  DiagnosticReport,
  Identifier,
  ImagingStudy,
  Observation,
  OperationOutcome,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import type { FhirCase, FhirOrganization, FhirPatient, FhirStudy } from './record.ts';
import {
  ACCESSION_SYSTEM,
  DICOM_DCM,
  DICOM_UID_SYSTEM,
  ECG_OBSERVATIONS,
  ECG_RHYTHM,
  ENDPOINT_CONNECTION_TYPE,
  LOINC,
  OBSERVATION_CATEGORY,
  ORGANIZATION_CODE_SYSTEM,
  ORGANIZATION_TYPE,
  REPORT_CODES,
  RESIDENT_ID_SYSTEM,
  UCUM,
  URI_SYSTEM,
  V2_DIAGNOSTIC_SERVICE,
  V2_IDENTIFIER_TYPE,
} from './systems.ts';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';

const GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', O: 'other', U: 'unknown' };

const ref = <T extends Resource>(type: T['resourceType'], id: string, display?: string): Reference<T> => ({
  reference: `${type}/${id}`,
  ...(display ? { display } : {}),
});
const identifierType = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: V2_IDENTIFIER_TYPE, code, display }],
});

export function accessionIdentifier(accessionNumber: string): Identifier {
  return { use: 'usual', type: identifierType('ACSN', 'Accession ID'), system: ACCESSION_SYSTEM, value: accessionNumber };
}

export function patientResource(p: FhirPatient): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    ...(p.nationalId
      ? {
          identifier: [
            {
              use: 'official',
              type: identifierType('NI', 'National unique individual identifier'),
              system: RESIDENT_ID_SYSTEM,
              value: p.nationalId,
            },
          ],
        }
      : {}),
    // Chinese names are written whole, family name first; splitting them (compound surnames) would only guess
    name: [{ use: 'official', text: p.name }],
    gender: GENDER[p.sex] ?? 'unknown',
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    managingOrganization: ref<Organization>('Organization', p.organizationId),
  };
}

export function organizationResource(o: FhirOrganization): Organization {
  return {
    resourceType: 'Organization',
    id: o.id,
    identifier: [{ system: ORGANIZATION_CODE_SYSTEM, value: o.code }],
    active: true,
    type: [{ coding: [{ system: ORGANIZATION_TYPE, code: 'prov', display: 'Healthcare Provider' }], text: o.kind }],
    name: o.name,
    ...(o.parentId ? { partOf: ref<Organization>('Organization', o.parentId) } : {}),
  };
}

/** DICOM dates (YYYYMMDD) as FHIR dates; anything else is left out rather than guessed. */
/**
 * A stored study date as a FHIR date. Ingest stores StudyDate as YYYY-MM-DD (dicom-header.ts); the DICOM form
 * YYYYMMDD is accepted too, so a date written by an older version still counts.
 */
export function studyDateForFhir(value: string | null): string | undefined {
  const m = value?.match(/^(\d{4})-?(\d{2})-?(\d{2})$/);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  // a calendar date only: FHIR's validator refuses 2026-13-45, and so would the HIS
  const time = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(iso) ? iso : undefined;
}

const modalityCoding = (code: string) => ({ system: DICOM_DCM, code });
const unsigned = (n: number | null) => (n !== null && Number.isInteger(n) && n >= 0 ? n : undefined);

/** The study with its series and instances, and a contained Endpoint: where DICOMweb serves it (WADO-RS). */
export function imagingStudyResource(kase: FhirCase, study: FhirStudy, base: string): ImagingStudy {
  const modalities = [...new Set(study.series.map((s) => s.modality).filter((m): m is string => !!m))];
  const started = studyDateForFhir(study.studyDate);
  return {
    resourceType: 'ImagingStudy',
    id: study.id,
    contained: [
      {
        resourceType: 'Endpoint',
        id: 'dicomweb',
        status: 'active',
        connectionType: { system: ENDPOINT_CONNECTION_TYPE, code: 'dicom-wado-rs' },
        payloadType: [{ text: 'DICOM' }],
        payloadMimeType: ['application/dicom'],
        address: `${base}/dicom-web`,
      },
    ],
    identifier: [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${study.studyInstanceUid}` }, accessionIdentifier(kase.accessionNumber)],
    status: 'available',
    ...(modalities.length ? { modality: modalities.map(modalityCoding) } : {}),
    subject: ref<Patient>('Patient', kase.patient.id),
    ...(started ? { started } : {}),
    endpoint: [{ reference: '#dicomweb' }],
    numberOfSeries: study.series.length,
    numberOfInstances: study.series.reduce((n, s) => n + s.instances.length, 0),
    ...(study.studyDescription ? { description: study.studyDescription } : {}),
    series: study.series.map((s) => ({
      uid: s.seriesInstanceUid,
      ...(unsigned(s.seriesNumber) !== undefined ? { number: unsigned(s.seriesNumber) } : {}),
      modality: modalityCoding(s.modality ?? 'OT'),
      ...(s.seriesDescription ? { description: s.seriesDescription } : {}),
      numberOfInstances: s.instances.length,
      instance: s.instances.map((i) => ({
        uid: i.sopInstanceUid,
        sopClass: { system: URI_SYSTEM, code: `urn:oid:${i.sopClassUid}` },
        ...(unsigned(i.instanceNumber) !== undefined ? { number: unsigned(i.instanceNumber) } : {}),
      })),
    })),
  };
}

/** The status a report's resources carry: its first signature is final, every later version an amendment. */
const reportStatus = (kase: FhirCase): 'final' | 'amended' => (kase.report.version > 1 ? 'amended' : 'final');

/** The ECG measurements the reader confirmed in the signed report, one Observation each (LOINC, UCUM). */
export function ecgObservations(kase: FhirCase): Observation[] {
  const fields = kase.report.ecgFields;
  if (!fields) return [];
  const common = (key: string, loinc: string, display: string) =>
    ({
      resourceType: 'Observation',
      id: `${kase.id}-${key}`,
      status: reportStatus(kase),
      category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'procedure', display: 'Procedure' }] }],
      code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
      subject: ref<Patient>('Patient', kase.patient.id),
      ...(kase.effective ? { effectiveDateTime: kase.effective } : {}),
      issued: kase.report.signedAt,
      ...(kase.hospital ? { performer: [ref<Organization>('Organization', kase.hospital.id, kase.hospital.name)] } : {}),
    }) satisfies Observation;
  const measured: Observation[] = ECG_OBSERVATIONS.flatMap((m) => {
    const value = fields[m.field];
    if (value === null) return [];
    return [{ ...common(m.key, m.loinc, m.display), valueQuantity: { value, unit: m.unitText, system: UCUM, code: m.unit } }];
  });
  const rhythm: Observation[] = fields.rhythm
    ? [{ ...common(ECG_RHYTHM.key, ECG_RHYTHM.loinc, ECG_RHYTHM.display), valueString: fields.rhythm }]
    : [];
  return [...measured, ...rhythm];
}

/** The report's printed form (the signed PDF, as the township prints it) and its text, findings then impression. */
function presentedForm(kase: FhirCase, pdf: Buffer): Attachment[] {
  const text = `检查所见：\n${kase.report.findings || '—'}\n\n诊断意见：\n${kase.report.impression}`;
  return [
    {
      contentType: 'application/pdf',
      language: 'zh-CN',
      data: pdf.toString('base64'),
      title: `诊断报告 ${kase.accessionNumber}`,
      creation: kase.report.signedAt,
    },
    { contentType: 'text/plain; charset=utf-8', language: 'zh-CN', data: Buffer.from(text).toString('base64'), title: '报告正文' },
  ];
}

export function diagnosticReportResource(kase: FhirCase, pdf: Buffer): DiagnosticReport {
  const code = REPORT_CODES[kase.examKind] ?? REPORT_CODES.OTHER!;
  return {
    resourceType: 'DiagnosticReport',
    id: kase.id,
    meta: { versionId: String(kase.report.version), lastUpdated: kase.report.signedAt },
    identifier: [accessionIdentifier(kase.accessionNumber)],
    status: reportStatus(kase),
    category: [{ coding: [{ system: V2_DIAGNOSTIC_SERVICE, code: code.service }], text: kase.examKind }],
    code: { coding: [{ system: LOINC, code: code.code, display: code.display }], ...(kase.bodyPart ? { text: kase.bodyPart } : {}) },
    subject: ref<Patient>('Patient', kase.patient.id, kase.patient.name),
    ...(kase.effective ? { effectiveDateTime: kase.effective } : {}),
    issued: kase.report.signedAt,
    ...(kase.hospital ? { performer: [ref<Organization>('Organization', kase.hospital.id, kase.hospital.name)] } : {}),
    ...(kase.report.signerName ? { resultsInterpreter: [{ display: kase.report.signerName }] } : {}),
    ...(ecgObservations(kase).length ? { result: ecgObservations(kase).map((o) => ref<Observation>('Observation', o.id!)) } : {}),
    ...(kase.studies.length ? { imagingStudy: kase.studies.map((s) => ref<ImagingStudy>('ImagingStudy', s.id)) } : {}),
    conclusion: kase.report.impression,
    presentedForm: presentedForm(kase, pdf),
  };
}

/** Every resource of a signed report: the report, its patient, both organizations, studies and observations. */
export function reportResources(kase: FhirCase, pdf: Buffer, base: string): Resource[] {
  const organizations = [kase.originOrg, ...(kase.hospital && kase.hospital.id !== kase.originOrg.id ? [kase.hospital] : [])];
  return [
    diagnosticReportResource(kase, pdf),
    patientResource(kase.patient),
    ...organizations.map(organizationResource),
    ...kase.studies.map((s) => imagingStudyResource(kase, s, base)),
    ...ecgObservations(kase),
  ];
}

const fullUrl = (base: string, r: Resource) => `${base}/fhir/${r.resourceType}/${r.id}`;

/**
 * What the HIS receives: a transaction Bundle of PUTs (update-as-create) of every resource of the report, so a
 * repeated delivery (an acknowledgement lost on the way) and an amendment both overwrite rather than duplicate.
 */
export function hisTransactionBundle(kase: FhirCase, pdf: Buffer, base: string, deliveryId: string, now: string): Bundle {
  return {
    resourceType: 'Bundle',
    id: deliveryId,
    type: 'transaction',
    timestamp: now,
    entry: reportResources(kase, pdf, base).map((resource): BundleEntry => ({
      fullUrl: fullUrl(base, resource),
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  };
}

export function searchsetBundle(base: string, self: string, reports: DiagnosticReport[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: reports.length,
    link: [{ relation: 'self', url: self }],
    entry: reports.map((resource) => ({ fullUrl: fullUrl(base, resource), resource, search: { mode: 'match' } })),
  };
}

const ISSUE_CODES: Record<number, NonNullable<OperationOutcome['issue']>[number]['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  500: 'exception',
  503: 'transient',
};

export function operationOutcome(status: number, code: string, message: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: status >= 500 ? 'fatal' : 'error',
        code: ISSUE_CODES[status] ?? (status >= 500 ? 'exception' : 'processing'),
        details: { coding: [{ system: 'urn:teledx:error-code', code }], text: message },
        diagnostics: message,
      },
    ],
  };
}
