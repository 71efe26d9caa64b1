// The pure FHIR mapping (fhir/resources.ts) on a made-up case: every resource it emits, and the HIS Bundle, valid
// against the R4 StructureDefinitions; the edge cases of the mapping (no resident ID, odd DICOM dates, an amended
// version, no ECG fields) and the outbox's retry schedule.
import { describe, expect, it } from 'vitest';
import type { FhirCase } from '../../server/fhir/record.ts';
import { retryDelayMs } from '../../server/fhir/outbox.ts';
import {
  ecgObservations,
  hisTransactionBundle,
  operationOutcome,
  patientResource,
  reportResources,
  studyDateForFhir,
} from '../../server/fhir/resources.ts';
import { expectValidR4 } from '../helpers/fhir.ts';

const org = (id: string, parentId: string | null) => ({ id, code: id.toUpperCase(), name: `机构${id}`, kind: 'TOWNSHIP_CENTRE', parentId });

function aCase(overrides: Partial<FhirCase> = {}): FhirCase {
  return {
    id: 'case1',
    accessionNumber: 'CGZ-20261202-0001',
    examKind: 'ECG',
    bodyPart: null,
    effective: '2026-12-02',
    patient: { id: 'p1', name: '欧阳娜娜', sex: 'F', birthDate: '1990-03-07', nationalId: '110101199003074522', organizationId: 'town' },
    originOrg: org('town', 'county'),
    hospital: org('county', null),
    studies: [
      {
        id: 's1',
        studyInstanceUid: '1.2.3',
        studyDate: '2026-13-45', // not a calendar date: left out
        studyDescription: null,
        series: [
          {
            seriesInstanceUid: '1.2.3.4',
            modality: 'ECG',
            seriesNumber: -1,
            seriesDescription: null,
            instances: [{ sopInstanceUid: '1.2.3.4.5', sopClassUid: '1.2.840.10008.5.1.4.1.1.9.1.1', instanceNumber: null }],
          },
        ],
      },
    ],
    report: {
      id: 'r2',
      version: 2,
      findings: '',
      impression: '窦性心律',
      signedAt: '2026-12-02T08:00:00.000Z',
      signerName: '心电医生',
      ecgFields: { rhythm: '', heartRateBpm: 72, prMs: null, qrsMs: 90, qtMs: null, qtcMs: 410, axisDeg: -30 },
    },
    ...overrides,
  };
}

const pdf = Buffer.from('%PDF-1.4 test');

describe('the FHIR mapping', () => {
  it('emits only valid R4 resources, and a valid transaction Bundle of PUTs', () => {
    for (const resource of reportResources(aCase(), pdf, 'https://teledx.example')) expectValidR4(resource);
    const bundle = hisTransactionBundle(aCase(), pdf, 'https://teledx.example', 'd1', '2026-12-02T08:00:01.000Z');
    expectValidR4(bundle);
    expect(bundle.entry!.every((e) => e.request!.method === 'PUT' && e.fullUrl!.startsWith('https://teledx.example/fhir/'))).toBe(true);
    for (const [status, code] of [
      [400, 'invalid'],
      [401, 'login'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [500, 'exception'],
    ] as const) {
      const outcome = operationOutcome(status, 'CODE', 'why');
      expectValidR4(outcome);
      expect(outcome.issue![0]!.code).toBe(code);
    }
  });

  it('marks a later version amended and measures only what the reader confirmed', () => {
    const observations = ecgObservations(aCase());
    expect(observations.map((o) => o.id)).toEqual(['case1-hr', 'case1-qrs', 'case1-qtc', 'case1-axis']);
    expect(observations.every((o) => o.status === 'amended')).toBe(true);
    expect(ecgObservations(aCase({ report: { ...aCase().report, ecgFields: null } }))).toEqual([]);
  });

  it('leaves out what it cannot state: no resident ID, an odd date, a negative series number', () => {
    const patient = patientResource({ ...aCase().patient, nationalId: null, birthDate: null, sex: 'X' });
    expect(patient.identifier).toBeUndefined();
    expect(patient.gender).toBe('unknown');
    expectValidR4(patient);
    // as ingest stores it, and in the DICOM form
    expect(studyDateForFhir('2026-12-02')).toBe('2026-12-02');
    expect(studyDateForFhir('20261202')).toBe('2026-12-02');
    expect(studyDateForFhir('2026-02-30')).toBeUndefined();
    expect(studyDateForFhir('2026-1-2')).toBeUndefined();
    expect(studyDateForFhir(null)).toBeUndefined();
    const study = reportResources(aCase(), pdf, 'http://x').find((r) => r.resourceType === 'ImagingStudy');
    expect(study).toMatchObject({ series: [{ uid: '1.2.3.4' }] });
    expect((study as { started?: string }).started).toBeUndefined();
  });
});

describe('the retry schedule', () => {
  const his = { retryMs: 30_000, retryMaxMs: 3_600_000 };
  it('doubles from the first retry up to the maximum, within ±20 %', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, his, () => 0.5))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(30, his, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(1, his, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, his, () => 1)).toBe(36_000);
  });
});
