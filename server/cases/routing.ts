// Which reading centre reads a submitted case: a centre of the county hospital above the sending
// organization that reads this exam kind; if that hospital has none, any centre in the consortium that does.
// (Rule-based routing with per-township overrides replaces this in the queue work.)
import type { ExamKind } from '../../shared/domain.ts';
import type { Tx } from '../db/client.ts';

export async function chooseCentre(tx: Tx, originOrgId: string, examKind: ExamKind): Promise<{ id: string } | null> {
  const centres = await tx.readingCentre.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, hospitalId: true, examKinds: true } });
  const reading = centres.filter((c) => c.examKinds.split(',').includes(examKind));
  const hospitals = await ancestorIds(tx, originOrgId);
  return reading.find((c) => hospitals.includes(c.hospitalId)) ?? reading[0] ?? null;
}

async function ancestorIds(tx: Tx, orgId: string): Promise<string[]> {
  const ids: string[] = [];
  let current: string | null = orgId;
  while (current && !ids.includes(current)) {
    ids.push(current);
    const org: { parentId: string | null } | null = await tx.organization.findUnique({ where: { id: current }, select: { parentId: true } });
    current = org?.parentId ?? null;
  }
  return ids;
}
