// A reader's own report templates and phrases: stored per user, seen and changed by their owner only (another
// user's template is not found, as a foreign case is not).
import type { BodyRegion } from '../../shared/body-regions.ts';
import type { ExamKind } from '../../shared/domain.ts';
import { personalTemplateInputSchema, type PersonalTemplateDto } from '../../shared/reports.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/errors.ts';

type Row = Awaited<ReturnType<Db['personalTemplate']['findFirstOrThrow']>>;

export async function listPersonalTemplates(db: Db, actor: Actor): Promise<PersonalTemplateDto[]> {
  const rows = await db.personalTemplate.findMany({ where: { ownerId: actor.id }, orderBy: [{ title: 'asc' }, { id: 'asc' }] });
  return rows.map(toDto);
}

export async function createPersonalTemplate(db: Db, actor: Actor, body: unknown): Promise<PersonalTemplateDto> {
  return toDto(await db.personalTemplate.create({ data: { ...stored(body), ownerId: actor.id } }));
}

export async function updatePersonalTemplate(db: Db, actor: Actor, id: string, body: unknown): Promise<PersonalTemplateDto> {
  const { count } = await db.personalTemplate.updateMany({ where: { id, ownerId: actor.id }, data: stored(body) });
  if (count === 0) throw notFound('template');
  return toDto(await db.personalTemplate.findUniqueOrThrow({ where: { id } }));
}

export async function deletePersonalTemplate(db: Db, actor: Actor, id: string): Promise<void> {
  const { count } = await db.personalTemplate.deleteMany({ where: { id, ownerId: actor.id } });
  if (count === 0) throw notFound('template');
}

function stored(body: unknown) {
  const input = personalTemplateInputSchema.parse(body);
  return { ...input, phrases: JSON.stringify(input.phrases) };
}

function toDto(row: Row): PersonalTemplateDto {
  return {
    id: row.id,
    title: row.title,
    examKind: row.examKind as ExamKind | null,
    bodyRegion: row.bodyRegion as BodyRegion | null,
    findings: row.findings,
    impression: row.impression,
    phrases: JSON.parse(row.phrases) as string[],
    updatedAt: row.updatedAt.toISOString(),
  };
}
