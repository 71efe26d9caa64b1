// The audit trail: one row per consequential act (login, case created, files ingested, status changed).
// Written inside the same transaction as the change it describes, so the trail never disagrees with the data.
import type { Tx, Db } from '../db/client.ts';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(tx: Tx | Db, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    },
    select: { id: true }, // nothing is read back: every column would be returned and mapped otherwise
  });
}
