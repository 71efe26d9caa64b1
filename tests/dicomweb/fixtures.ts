// What the DICOMweb tests upload: real DICOM files from our writer, sent through the REST upload as a township
// technician and submitted (so the imaging centre's readers see them), and dicomweb-client set up on Node.
import iconv from 'iconv-lite';
import { createRequire } from 'node:module';
import { api } from 'dicomweb-client';
import {
  CT_IMAGE_STORAGE,
  encapsulatedPixelData,
  newUid,
  syntheticCt,
  syntheticUsCine,
  writeDicom,
  type Element,
} from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';

type XhrClass = { prototype: { _restrictedHeaders: Record<string, boolean> } };
const XHR = createRequire(import.meta.url)('xhr2') as XhrClass;
// A browser sends the session cookie itself; on Node the polyfill must let the test set it as a header.
XHR.prototype._restrictedHeaders = { ...XHR.prototype._restrictedHeaders, cookie: false };
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XHR;

/** The calls the tests make (dicomweb-client's generated types mark every documented option as required). */
type Call<R = unknown> = (options: Record<string, unknown>) => Promise<R>;
export interface DicomWebCalls {
  headers: Record<string, string>;
  searchForStudies: Call<unknown[]>;
  searchForSeries: Call<unknown[]>;
  searchForInstances: Call<unknown[]>;
  retrieveStudyMetadata: Call<unknown[]>;
  retrieveSeriesMetadata: Call<unknown[]>;
  retrieveInstanceMetadata: Call<unknown[]>;
  retrieveInstanceFrames: Call<ArrayBuffer[]>;
  retrieveInstance: Call<ArrayBuffer>;
  retrieveSeries: Call<ArrayBuffer[]>;
  retrieveStudy: Call<ArrayBuffer[]>;
  retrieveBulkData: Call<ArrayBuffer[]>;
}

export function dicomWebClient(baseUrl: string, session: ApiClient): DicomWebCalls {
  const options = { url: `${baseUrl}/dicom-web`, headers: { cookie: session.cookie }, verbose: false };
  return new api.DICOMwebClient(options as unknown as ConstructorParameters<typeof api.DICOMwebClient>[0]) as unknown as DicomWebCalls;
}

/** a GB18030 name, declared as such (Zhang^San=张^三) */
export const GB_NAME = Buffer.concat([Buffer.from('Zhang^San='), iconv.encode('张^三', 'gb18030'), Buffer.from('=')]);

export interface Uploaded {
  caseId: string;
  studyUid: string;
  seriesUid: string;
  files: { sopInstanceUid: string; bytes: Buffer }[];
}

async function uploadCase(
  tech: ApiClient,
  name: string,
  files: { sopInstanceUid: string; bytes: Buffer }[],
  submit: boolean,
  examKind = 'CT',
) {
  const created = await tech.post('/api/cases', { patient: { name }, examKind, bodyPart: '头部', priority: 'ROUTINE' });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const up = await tech.upload(
    id,
    files.map((f, i) => ({ name: `f${i}.dcm`, data: f.bytes })),
  );
  if (up.status !== 200 || up.body.rejected?.length) throw new Error(`upload: ${JSON.stringify(up.body)}`);
  if (submit) {
    const res = await tech.post(`/api/cases/${id}/submit`);
    if (res.status !== 200) throw new Error(`submit: ${JSON.stringify(res.body)}`);
  }
  return id;
}

/** Three 32×32 CT slices of 张三 (GB18030), submitted. */
export async function uploadChineseCt(tech: ApiClient): Promise<Uploaded> {
  const studyUid = newUid();
  const seriesUid = newUid();
  const files = [1, 2, 3].map((n) =>
    syntheticCt({ rows: 32, columns: 32, studyUid, seriesUid, instanceNumber: n, seed: n, charset: 'GB18030', patientName: GB_NAME }),
  );
  const caseId = await uploadCase(tech, '张三', files, true);
  return { caseId, studyUid, seriesUid, files };
}

/** One CT of 李四 (UTF-8), and a 4-frame ultrasound cine in the same study, submitted. */
export async function uploadUtf8Study(
  tech: ApiClient,
): Promise<Uploaded & { cine: { sopInstanceUid: string; bytes: Buffer; seriesUid: string } }> {
  const ct = syntheticCt({ rows: 16, columns: 16, charset: 'ISO_IR 192', patientName: Buffer.from('李^四', 'utf8') });
  const cine = syntheticUsCine({ frames: 4, rows: 8, columns: 8, studyUid: ct.studyUid });
  const caseId = await uploadCase(tech, '李四', [ct, cine], true, 'OTHER');
  return { caseId, studyUid: ct.studyUid, seriesUid: ct.seriesUid, files: [ct], cine };
}

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/**
 * An MR study dated 2025-03-15 with an accession number and a two-frame instance in JPEG baseline syntax
 * (encapsulated, one even-length fragment per frame: the bytes are opaque to the server, which serves them as stored).
 */
export function encapsulatedMr(): { bytes: Buffer; studyUid: string; seriesUid: string; sopInstanceUid: string; fragments: Buffer[] } {
  const studyUid = newUid();
  const seriesUid = newUid();
  const sopInstanceUid = newUid();
  const fragments = [Buffer.from('\xff\xd8frame-one-byte\xff\xd9', 'latin1'), Buffer.from('\xff\xd8frame-two!\xff\xd9', 'latin1')];
  const dataSet: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
    { tag: 0x00080020, vr: 'DA', value: '20250315' },
    { tag: 0x00080050, vr: 'SH', value: 'ACC-0042' },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00100010, vr: 'PN', value: 'Wang^Wu' },
    { tag: 0x00100020, vr: 'LO', value: 'PID-777' },
    { tag: 0x0020000d, vr: 'UI', value: studyUid },
    { tag: 0x0020000e, vr: 'UI', value: seriesUid },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280008, vr: 'IS', value: '2' },
    { tag: 0x00280010, vr: 'US', value: [8] },
    { tag: 0x00280011, vr: 'US', value: [8] },
    { tag: 0x00280100, vr: 'US', value: [8] },
    { tag: 0x00280101, vr: 'US', value: [8] },
    { tag: 0x00280102, vr: 'US', value: [7] },
    { tag: 0x00280103, vr: 'US', value: [0] },
  ];
  const bytes = writeDicom(dataSet, CT_IMAGE_STORAGE, sopInstanceUid, JPEG_BASELINE, encapsulatedPixelData(fragments));
  return { bytes, studyUid, seriesUid, sopInstanceUid, fragments };
}

export async function uploadEncapsulatedMr(tech: ApiClient, submit = true) {
  const mr = encapsulatedMr();
  const caseId = await uploadCase(tech, '王五', [mr], submit, 'MR');
  return { ...mr, caseId };
}

/** A draft of another township, never submitted. */
export async function uploadDraft(tech: ApiClient): Promise<Uploaded> {
  const ct = syntheticCt({ rows: 8, columns: 8 });
  const caseId = await uploadCase(tech, '赵六', [ct], false);
  return { caseId, studyUid: ct.studyUid, seriesUid: ct.seriesUid, files: [ct] };
}

/** The uncompressed pixel data of one of our writer's files: its last rows × columns × bytes-per-sample × frames bytes. */
export function nativePixels(bytes: Buffer, frameBytes: number, frames = 1): Buffer {
  return bytes.subarray(bytes.length - frameBytes * frames);
}
