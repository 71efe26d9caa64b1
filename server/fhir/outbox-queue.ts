// The HIS outbox's write side: a delivery row queued inside the transaction that signs or amends a report, so a
// signed report is queued exactly when it is signed (a rolled-back signature queues nothing, a crash after the
// commit loses nothing). The worker that sends the rows is outbox.ts.
import type { HisSettings } from '../config.ts';
import type { Tx } from '../db/client.ts';

export type HisEvent = 'sign' | 'amend';

/** What signing needs to know of the outbox: whether a HIS is configured at all (AppContext satisfies it). */
export interface HisOutboxConfig {
  config: { his: HisSettings | null };
}

export async function queueHisDelivery(
  tx: Tx,
  { config }: HisOutboxConfig,
  delivery: { caseId: string; reportId: string; event: HisEvent },
): Promise<void> {
  if (!config.his) return;
  await tx.hisDelivery.create({ data: { ...delivery, status: 'PENDING', nextAttemptAt: new Date() } });
}
