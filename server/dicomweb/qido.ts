// QIDO-RS (PS3.18 10.6): studies, series and instances the caller may see (cases/access.ts caseScope), matched in
// the database. A wildcard value is matched in two steps: the database narrows the rows with conditions every
// true match satisfies (its literal parts, case-insensitive; for names each character, since "张三*" must
// find "张^三"), then the exact DICOM match runs on those rows, page by page, so paging stays exact and no
// query loads more than a page of rows at a time.
import { MAX_QIDO_LIMIT, QIDO_MATCHING_KEYS, qidoQuerySchema, type QidoQuery } from '../../shared/dicomweb.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import type { Db, Prisma, Provider } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { NAME_SEPARATORS, personNameMatches, wildcardMatches } from '../dicom/wildcard.ts';
import { attr, daOf, keywordOf, personName } from './dicom-json.ts';
import type { DicomJsonDataset } from './instance-file.ts';

export type QidoLevel = 'study' | 'series' | 'instance';

/** The raw query string → validated keys (tags turned into keywords, includefield split on commas). */
export function parseQidoQuery(search: URLSearchParams): QidoQuery {
  const raw: Record<string, string | string[]> = {};
  const includefield: string[] = [];
  for (const [key, value] of search) {
    if (key === 'includefield') {
      for (const field of value.split(',').map((f) => f.trim())) {
        if (!field) continue;
        if (field !== 'all' && !keywordOf(field))
          throw new HttpError(400, 'UNKNOWN_ATTRIBUTE', `includefield: ${field} is not a DICOM attribute`);
        includefield.push(field);
      }
      continue;
    }
    const name = ['limit', 'offset', 'fuzzymatching'].includes(key) ? key : keywordOf(key);
    if (!name) throw new HttpError(400, 'UNKNOWN_ATTRIBUTE', `${key} is not a DICOM attribute or a QIDO-RS parameter`);
    if (/^[A-Z]/.test(name) && !QIDO_MATCHING_KEYS.includes(name)) {
      throw new HttpError(
        400,
        'UNSUPPORTED_MATCHING_KEY',
        `matching on ${name} is not supported (supported: ${QIDO_MATCHING_KEYS.join(', ')})`,
      );
    }
    if (name in raw) throw new HttpError(400, 'DUPLICATE_PARAMETER', `${name} is given more than once`);
    raw[name] = value;
  }
  if (includefield.length) raw.includefield = includefield;
  const parsed = qidoQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, 'BAD_QUERY_PARAMETER', `${issue.path.join('.') || 'query'}: ${issue.message}`, parsed.error.issues);
  }
  return parsed.data;
}

// ---- matching ----

const hasWildcard = (v: string) => /[*?]/.test(v);

type TextFilter = Prisma.StringNullableFilter;

/** The database side of a text match: exact, or conditions every wildcard match satisfies. */
function textFilter(provider: Provider, pattern: string, insensitive: boolean): TextFilter[] {
  const mode = provider === 'postgresql' && insensitive ? ({ mode: 'insensitive' } as object) : {};
  if (!hasWildcard(pattern)) return [{ equals: pattern, ...mode }];
  const parts = pattern.split(/[*?]/);
  const filters: TextFilter[] = [];
  if (parts[0]) filters.push({ startsWith: parts[0], ...mode });
  if (parts.at(-1) && parts.length > 1) filters.push({ endsWith: parts.at(-1), ...mode });
  for (const part of parts.slice(1, -1)) if (part) filters.push({ contains: part, ...mode });
  return filters;
}

/** Every character a name match must contain, whichever way the name is written (^ and = forms, spaces). */
function nameCharacters(pattern: string): string[] {
  return [...new Set([...pattern.replace(/[*?]/g, '').replace(NAME_SEPARATORS, '').toLowerCase()])];
}

const textMatches = (pattern: string, value: string | null | undefined, insensitive = false) =>
  value !== null &&
  value !== undefined &&
  (hasWildcard(pattern)
    ? wildcardMatches(pattern, value)
    : insensitive
      ? value.toLowerCase() === pattern.toLowerCase()
      : value === pattern);

// ---- the rows ----

const studySelect = {
  id: true,
  studyInstanceUid: true,
  studyDate: true,
  studyDescription: true,
  accessionNumber: true,
  dicomPatientName: true,
  dicomPatientId: true,
  dicomPatientSex: true,
  dicomBirthDate: true,
  case: { select: { patient: { select: { name: true, sex: true, birthDate: true } } } },
} satisfies Prisma.StudySelect;

const studyListSelect = {
  ...studySelect,
  series: { select: { modality: true, _count: { select: { instances: true } } } },
} satisfies Prisma.StudySelect;

const seriesSelect = {
  id: true,
  seriesInstanceUid: true,
  modality: true,
  seriesNumber: true,
  seriesDescription: true,
  bodyPart: true,
  study: { select: studySelect },
  _count: { select: { instances: true } },
} satisfies Prisma.SeriesSelect;

const instanceSelect = {
  id: true,
  sopInstanceUid: true,
  sopClassUid: true,
  instanceNumber: true,
  transferSyntaxUid: true,
  rows: true,
  columns: true,
  frames: true,
  series: { select: { seriesInstanceUid: true, modality: true, seriesNumber: true, study: { select: studySelect } } },
} satisfies Prisma.InstanceSelect;

type StudyRow = Prisma.StudyGetPayload<{ select: typeof studySelect }>;
type SeriesRow = Prisma.SeriesGetPayload<{ select: typeof seriesSelect }>;
type InstanceRow = Prisma.InstanceGetPayload<{ select: typeof instanceSelect }>;

interface Built<Where> {
  where: Where;
  /** the exact match on a row the database narrowed; null when the database match is exact */
  post: ((study: StudyRow, series?: { modality: string | null; seriesDescription?: string | null }) => boolean) | null;
}

function studyWhere(actor: Actor, provider: Provider, q: QidoQuery, studyUid?: string): Built<Prisma.StudyWhereInput> {
  const and: Prisma.StudyWhereInput[] = [{ case: caseScope(actor) }];
  const post: ((s: StudyRow) => boolean)[] = [];
  const uids = studyUid ? [studyUid] : q.StudyInstanceUID;
  if (uids) and.push({ studyInstanceUid: { in: uids } });
  if (q.PatientName !== undefined && q.PatientName.replace(/\*/g, '') !== '') {
    const pattern = q.PatientName;
    const mode = provider === 'postgresql' ? ({ mode: 'insensitive' } as object) : {};
    const chars = nameCharacters(pattern);
    and.push({
      OR: [
        { AND: chars.map((c) => ({ dicomPatientName: { contains: c, ...mode } })) },
        { dicomPatientName: null, case: { patient: { AND: chars.map((c) => ({ name: { contains: c, ...mode } })) } } },
      ],
    });
    post.push((s) => personNameMatches(pattern, s.dicomPatientName ?? s.case.patient.name));
  }
  for (const [key, field] of [
    ['PatientID', 'dicomPatientId'],
    ['AccessionNumber', 'accessionNumber'],
    ['StudyDescription', 'studyDescription'],
  ] as const) {
    const pattern = q[key];
    if (pattern === undefined || pattern.replace(/\*/g, '') === '') continue;
    const insensitive = key === 'StudyDescription';
    for (const filter of textFilter(provider, pattern, insensitive)) and.push({ [field]: filter });
    if (hasWildcard(pattern)) post.push((s) => textMatches(pattern, s[field], insensitive));
  }
  if (q.StudyDate) {
    const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    and.push({
      studyDate: { ...(q.StudyDate.from ? { gte: iso(q.StudyDate.from) } : {}), ...(q.StudyDate.to ? { lte: iso(q.StudyDate.to) } : {}) },
    });
  }
  if (q.ModalitiesInStudy?.length) and.push({ series: { some: { modality: { in: q.ModalitiesInStudy } } } });
  return { where: { AND: and }, post: post.length ? (s) => post.every((p) => p(s)) : null };
}

function seriesWhere(
  actor: Actor,
  provider: Provider,
  q: QidoQuery,
  studyUid?: string,
  seriesUid?: string,
): Built<Prisma.SeriesWhereInput> {
  const study = studyWhere(actor, provider, q, studyUid);
  const and: Prisma.SeriesWhereInput[] = [{ study: study.where }];
  const post: ((s: StudyRow, series?: { modality: string | null; seriesDescription?: string | null }) => boolean)[] = [];
  if (study.post) post.push(study.post);
  const uids = seriesUid ? [seriesUid] : q.SeriesInstanceUID;
  if (uids) and.push({ seriesInstanceUid: { in: uids } });
  if (q.SeriesNumber !== undefined) and.push({ seriesNumber: q.SeriesNumber });
  for (const [key, field] of [
    ['Modality', 'modality'],
    ['SeriesDescription', 'seriesDescription'],
  ] as const) {
    const pattern = q[key];
    if (pattern === undefined || pattern.replace(/\*/g, '') === '') continue;
    const insensitive = key === 'SeriesDescription';
    for (const filter of textFilter(provider, pattern, insensitive)) and.push({ [field]: filter });
    if (hasWildcard(pattern)) post.push((_s, series) => textMatches(pattern, series?.[field], insensitive));
  }
  return { where: { AND: and }, post: post.length ? (s, series) => post.every((p) => p(s, series)) : null };
}

/** Pages through the narrowed rows, keeping the exact matches, until offset + limit are found or rows run out. */
async function page<Row>(
  fetch: (skip: number, take: number) => Promise<Row[]>,
  post: ((row: Row) => boolean) | null,
  offset: number,
  limit: number,
): Promise<Row[]> {
  if (!post) return limit === 0 ? [] : fetch(offset, limit);
  const batch = Math.max(100, Math.min(1000, (offset + limit) * 2));
  const found: Row[] = [];
  let skipped = 0;
  for (let skip = 0; found.length < limit; skip += batch) {
    const rows = await fetch(skip, batch);
    for (const row of rows) {
      if (!post(row)) continue;
      if (skipped < offset) skipped += 1;
      else if (found.length < limit) found.push(row);
    }
    if (rows.length < batch) break;
  }
  return found;
}

// ---- the answers ----

export interface QidoContext {
  db: Db;
  provider: Provider;
  actor: Actor;
  /** this server's DICOMweb root, e.g. http://host/dicom-web */
  base: string;
}

/** without a limit, a query answers at most this many matches (PS3.18 lets the server cap them) */
const DEFAULT_LIMIT = MAX_QIDO_LIMIT;

function studyAttributes(s: StudyRow, base: string): DicomJsonDataset {
  return {
    '00080005': attr('CS', 'ISO_IR 192'),
    '00080020': attr('DA', daOf(s.studyDate)),
    '00080030': attr('TM'),
    '00080050': attr('SH', s.accessionNumber),
    '00080090': attr('PN'),
    '00081030': attr('LO', s.studyDescription),
    '00100010': personName(s.dicomPatientName ?? s.case.patient.name),
    '00100020': attr('LO', s.dicomPatientId),
    '00100030': attr('DA', daOf(s.dicomBirthDate ?? s.case.patient.birthDate)),
    '00100040': attr('CS', s.dicomPatientSex ?? s.case.patient.sex),
    '0020000D': attr('UI', s.studyInstanceUid),
    '00200010': attr('SH'),
    '00081190': attr('UR', `${base}/studies/${s.studyInstanceUid}`),
  };
}

/**
 * The rows of a page in the order of `ids`, read in a second query: the page is chosen on narrow rows first, since
 * the relation counts (series, instances) computed for every matching row before the limit cost ~0.1 ms a row.
 */
async function inOrder<Row extends { id: string }>(ids: string[], read: (ids: string[]) => Promise<Row[]>): Promise<Row[]> {
  if (!ids.length) return [];
  const byId = new Map((await read(ids)).map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function searchStudies(c: QidoContext, q: QidoQuery): Promise<DicomJsonDataset[]> {
  const built = studyWhere(c.actor, c.provider, q);
  const orderBy = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.StudyOrderByWithRelationInput[];
  const chosen = await page<{ id: string } & Partial<StudyRow>>(
    (skip, take) => c.db.study.findMany({ where: built.where, select: built.post ? studySelect : { id: true }, orderBy, skip, take }),
    built.post ? (row) => built.post!(row as StudyRow) : null,
    q.offset ?? 0,
    q.limit ?? DEFAULT_LIMIT,
  );
  const rows = await inOrder(
    chosen.map((row) => row.id),
    (ids) => c.db.study.findMany({ where: { id: { in: ids } }, select: studyListSelect }),
  );
  return rows.map((s) => {
    const modalities = [...new Set(s.series.map((x) => x.modality).filter((m): m is string => !!m))].sort();
    return {
      ...studyAttributes(s, c.base),
      '00080056': attr('CS', 'ONLINE'),
      '00080061': attr('CS', ...modalities),
      '00201206': attr('IS', s.series.length),
      '00201208': attr(
        'IS',
        s.series.reduce((n, x) => n + x._count.instances, 0),
      ),
    };
  });
}

export async function searchSeries(c: QidoContext, q: QidoQuery, studyUid?: string): Promise<DicomJsonDataset[]> {
  const built = seriesWhere(c.actor, c.provider, q, studyUid);
  const post = built.post;
  const narrow = { id: true, modality: true, seriesDescription: true, study: { select: studySelect } } satisfies Prisma.SeriesSelect;
  const chosen = await page<Prisma.SeriesGetPayload<{ select: typeof narrow }>>(
    (skip, take) =>
      c.db.series.findMany({
        where: built.where,
        select: narrow,
        orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
        skip,
        take,
      }),
    post ? (row) => post(row.study, row) : null,
    q.offset ?? 0,
    q.limit ?? DEFAULT_LIMIT,
  );
  const rows = await inOrder<SeriesRow>(
    chosen.map((row) => row.id),
    (ids) => c.db.series.findMany({ where: { id: { in: ids } }, select: seriesSelect }),
  );
  return rows.map((x) => ({
    ...(studyUid
      ? { '00080005': attr('CS', 'ISO_IR 192'), '0020000D': attr('UI', x.study.studyInstanceUid) }
      : studyAttributes(x.study, c.base)),
    '00080060': attr('CS', x.modality),
    '00080021': attr('DA'),
    '0008103E': attr('LO', x.seriesDescription),
    '00180015': attr('CS', x.bodyPart),
    '0020000E': attr('UI', x.seriesInstanceUid),
    '00200011': attr('IS', x.seriesNumber),
    '00201209': attr('IS', x._count.instances),
    '00081190': attr('UR', `${c.base}/studies/${x.study.studyInstanceUid}/series/${x.seriesInstanceUid}`),
  }));
}

export async function searchInstances(c: QidoContext, q: QidoQuery, studyUid?: string, seriesUid?: string): Promise<DicomJsonDataset[]> {
  const series = seriesWhere(c.actor, c.provider, q, studyUid, seriesUid);
  const and: Prisma.InstanceWhereInput[] = [{ series: series.where }];
  if (q.SOPInstanceUID) and.push({ sopInstanceUid: { in: q.SOPInstanceUID } });
  if (q.SOPClassUID) and.push({ sopClassUid: { in: q.SOPClassUID } });
  if (q.InstanceNumber !== undefined) and.push({ instanceNumber: q.InstanceNumber });
  const post = series.post;
  const rows = await page<InstanceRow>(
    (skip, take) =>
      c.db.instance.findMany({
        where: { AND: and },
        select: instanceSelect,
        orderBy: [{ instanceNumber: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
        skip,
        take,
      }),
    post ? (row) => post(row.series.study, row.series) : null,
    q.offset ?? 0,
    q.limit ?? DEFAULT_LIMIT,
  );
  return rows.map((i) => {
    const study = i.series.study;
    const seriesUrl = `${c.base}/studies/${study.studyInstanceUid}/series/${i.series.seriesInstanceUid}`;
    return {
      ...(studyUid ? { '00080005': attr('CS', 'ISO_IR 192') } : studyAttributes(study, c.base)),
      '00080016': attr('UI', i.sopClassUid),
      '00080018': attr('UI', i.sopInstanceUid),
      '00080056': attr('CS', 'ONLINE'),
      '00080060': attr('CS', i.series.modality),
      '00083002': attr('UI', i.transferSyntaxUid),
      '0020000D': attr('UI', study.studyInstanceUid),
      '0020000E': attr('UI', i.series.seriesInstanceUid),
      '00200011': attr('IS', i.series.seriesNumber),
      '00200013': attr('IS', i.instanceNumber),
      '00280008': attr('IS', i.frames),
      '00280010': attr('US', i.rows),
      '00280011': attr('US', i.columns),
      '00081190': attr('UR', `${seriesUrl}/instances/${i.sopInstanceUid}`),
    };
  });
}

/** The instances (files) of a study, series or one instance the caller may see, for WADO-RS. */
export async function instancesToRetrieve(
  db: Db,
  actor: Actor,
  target: { study: string; series?: string; sop?: string },
): Promise<
  {
    sopInstanceUid: string;
    seriesInstanceUid: string;
    studyInstanceUid: string;
    storageKey: string;
    transferSyntaxUid: string;
    sha256: string;
  }[]
> {
  const rows = await db.instance.findMany({
    where: {
      ...(target.sop ? { sopInstanceUid: target.sop } : {}),
      series: {
        ...(target.series ? { seriesInstanceUid: target.series } : {}),
        study: { studyInstanceUid: target.study, case: caseScope(actor) },
      },
    },
    select: {
      sopInstanceUid: true,
      storageKey: true,
      transferSyntaxUid: true,
      sha256: true,
      series: { select: { seriesInstanceUid: true } },
    },
    orderBy: [{ series: { seriesNumber: 'asc' } }, { instanceNumber: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    take: 100_000,
  });
  return rows.map((r) => ({
    sopInstanceUid: r.sopInstanceUid,
    seriesInstanceUid: r.series.seriesInstanceUid,
    studyInstanceUid: target.study,
    storageKey: r.storageKey,
    transferSyntaxUid: r.transferSyntaxUid,
    sha256: r.sha256,
  }));
}
