// Finding a patient before registering their exam (the new-exam form's search box): the township's own records
// only, by the beginning of the resident ID number or of the name, so that a second exam of the same person links
// to the same record instead of a retyped one. Another township's records are never read here (as in service.ts).
import type { PatientMatchDto } from '../../shared/api.ts';
import type { Sex } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { forbidden } from '../http/errors.ts';
import { townshipWriteScope } from './access.ts';

export async function searchPatients(db: Db, actor: Actor, query: { q: string; limit: number }): Promise<PatientMatchDto[]> {
  if (!townshipWriteScope(actor)) throw forbidden('only township staff search their patients');
  const q = query.q;
  const rows = await db.patient.findMany({
    where: {
      organizationId: actor.organizationId,
      OR: [{ nationalId: { startsWith: q.toUpperCase() } }, { name: { startsWith: q } }],
    },
    include: { cases: { select: { createdAt: true }, orderBy: { createdAt: 'desc' }, take: 1 } },
    orderBy: [{ name: 'asc' }, { createdAt: 'asc' }],
    take: query.limit,
  });
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    sex: p.sex as Sex,
    birthDate: p.birthDate,
    nationalId: p.nationalId,
    phone: p.phone,
    lastExamAt: p.cases[0]?.createdAt.toISOString() ?? null,
  }));
}
