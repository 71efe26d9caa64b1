// The HIS outbox's worker: every server instance looks for due delivery rows (queued by outbox-queue.ts in the
// signature's transaction), claims one with a lease (a compare-and-set UPDATE, the same on SQLite and PostgreSQL,
// so two instances never send the same row at once), POSTs the report's FHIR transaction Bundle to TELEDX_HIS_URL
// and either marks it delivered (with its audit row) or schedules the next attempt with a doubling delay. The rows
// are the truth: a restarted server picks up whatever is pending, and a lease left by a crashed instance runs out.
//
// Delivery is at least once: a crash after the HIS stored the Bundle but before the row was marked sends it
// again, which is harmless because the Bundle is a transaction of PUTs to fixed ids (resources.ts).
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.ts';
import type { HisSettings } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/client.ts';
import { printReport } from '../reporting/pdf.ts';
import { loadFhirCase } from './record.ts';
import { FHIR_CONTENT_TYPE, hisTransactionBundle } from './resources.ts';

export interface HisOutbox {
  /** the instance's claim name, as written into leaseOwner */
  owner: string;
  /** looks for due rows now (also done every pollMs); resolves when this round is done */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  caseId: string;
  reportId: string;
  event: string;
  attempts: number;
}

/** The wait before attempt n+1 after n failures: retryMs · 2^(n−1), at most retryMaxMs, ±20 % so instances spread. */
export function retryDelayMs(failures: number, his: Pick<HisSettings, 'retryMs' | 'retryMaxMs'>, random = Math.random): number {
  const base = Math.min(his.retryMs * 2 ** Math.max(0, failures - 1), his.retryMaxMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

const free = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });

/**
 * Claims the oldest due row whose lease is free, skipping a case's later versions while an earlier one is still
 * pending (an amendment must not reach the HIS before the signature it amends).
 */
export async function claimNext(db: Db, owner: string, leaseMs: number, now = new Date()): Promise<Claimed | null> {
  const due = await db.hisDelivery.findMany({
    where: { status: 'PENDING', nextAttemptAt: { lte: now }, ...free(now) },
    orderBy: { createdAt: 'asc' },
    take: 20,
    select: { id: true, caseId: true, reportId: true, event: true, attempts: true, createdAt: true },
  });
  for (const row of due) {
    const earlier = await db.hisDelivery.count({ where: { caseId: row.caseId, status: 'PENDING', createdAt: { lt: row.createdAt } } });
    if (earlier > 0) continue;
    const { count } = await db.hisDelivery.updateMany({
      where: { id: row.id, status: 'PENDING', ...free(now) },
      data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
    });
    if (count === 1) return row;
  }
  return null;
}

/** One POST of the row's Bundle: the HTTP status, or null with the reason when nothing answered. */
async function post(his: HisSettings, body: string): Promise<{ status: number | null; error: string | null }> {
  try {
    const res = await fetch(his.url, {
      method: 'POST',
      headers: {
        'content-type': `${FHIR_CONTENT_TYPE}; charset=utf-8`,
        accept: FHIR_CONTENT_TYPE,
        ...(his.authorization ? { authorization: his.authorization } : {}),
      },
      body,
      // shorter than the lease, so an attempt ends before another instance may take the row over
      signal: AbortSignal.timeout(Math.min(30_000, his.leaseMs / 2)),
    });
    const text = await res.text().catch(() => '');
    return { status: res.status, error: res.ok ? null : `HTTP ${res.status}: ${text.slice(0, 300)}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: null, error: `${(error as Error).message}${cause ? ` (${cause})` : ''}`.slice(0, 300) };
  }
}

async function bundleOf(ctx: Pick<AppContext, 'db' | 'store' | 'config'>, base: string, row: Claimed): Promise<string | null> {
  const kase = await loadFhirCase(ctx.db, { id: row.caseId }, row.reportId);
  if (!kase) return null;
  const pdf = await printReport(ctx, kase.id, {}, row.reportId);
  return JSON.stringify(hisTransactionBundle(kase, pdf, base, row.id, new Date().toISOString()));
}

export async function deliver(
  ctx: Pick<AppContext, 'db' | 'store' | 'config'>,
  his: HisSettings,
  base: string,
  owner: string,
  row: Claimed,
): Promise<boolean> {
  const result = await bundleOf(ctx, base, row).then(
    (body) => (body ? post(his, body) : { status: null, error: 'the report version is gone' }),
    // a Bundle that cannot be made (the PDF's font, a stored image) is a failed attempt like any other
    (error: unknown) => ({ status: null, error: `building the Bundle: ${(error as Error).message}`.slice(0, 300) }),
  );
  const mine = { id: row.id, leaseOwner: owner };
  if (result.error === null) {
    await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.hisDelivery.updateMany({
        where: mine,
        data: {
          status: 'DELIVERED',
          deliveredAt: new Date(),
          attempts: { increment: 1 },
          leaseOwner: null,
          leaseUntil: null,
          lastError: null,
        },
      });
      if (count !== 1) return; // the lease ran out and another instance took over: it records the delivery
      await recordAudit(tx, {
        actorId: null,
        action: 'case.his_delivered',
        entityType: 'Case',
        entityId: row.caseId,
        details: { deliveryId: row.id, event: row.event, reportId: row.reportId, httpStatus: result.status, attempts: row.attempts + 1 },
      });
    });
    return true;
  }
  await ctx.db.hisDelivery.updateMany({
    where: mine,
    data: {
      attempts: { increment: 1 },
      nextAttemptAt: new Date(Date.now() + retryDelayMs(row.attempts + 1, his)),
      lastHttpStatus: result.status,
      lastError: result.error,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  return false;
}

/**
 * Starts this instance's worker: a round every pollMs, one row at a time (each round sends until nothing is due).
 * `base` is the address the resources' fullUrls and the DICOMweb endpoint name (TELEDX_PUBLIC_ORIGIN, else ours).
 */
export function startHisOutbox(ctx: Pick<AppContext, 'db' | 'store' | 'log' | 'config'>, his: HisSettings, base: string): HisOutbox {
  const owner = randomUUID();
  const log = ctx.log.child({ component: 'his-outbox' });
  let running: Promise<void> | null = null;
  let stopped = false;

  const round = async () => {
    for (;;) {
      if (stopped) return;
      const row = await claimNext(ctx.db, owner, his.leaseMs);
      if (!row) return;
      const ok = await deliver(ctx, his, base, owner, row);
      if (ok) log.info({ deliveryId: row.id, caseId: row.caseId }, 'report delivered to the HIS');
      else log.warn({ deliveryId: row.id, caseId: row.caseId, attempt: row.attempts + 1 }, 'HIS delivery failed; will retry');
    }
  };
  const runOnce = () => {
    running ??= round()
      .catch((error: unknown) => log.error({ err: error }, 'HIS outbox round failed'))
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void runOnce(), his.pollMs);
  timer.unref();
  void runOnce(); // resume what a previous run left pending
  return {
    owner,
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** What an administrator sees: deliveries not yet acknowledged (oldest first), then the latest delivered. */
export async function listHisDeliveries(db: Db, configured: boolean) {
  const select = {
    id: true,
    event: true,
    status: true,
    attempts: true,
    nextAttemptAt: true,
    lastHttpStatus: true,
    lastError: true,
    deliveredAt: true,
    createdAt: true,
    report: { select: { version: true } },
    case: { select: { id: true, accessionNumber: true } },
  } as const;
  const [pending, delivered] = await Promise.all([
    db.hisDelivery.findMany({ where: { status: 'PENDING' }, orderBy: { createdAt: 'asc' }, take: 200, select }),
    db.hisDelivery.findMany({ where: { status: 'DELIVERED' }, orderBy: { deliveredAt: 'desc' }, take: 20, select }),
  ]);
  const dto = (r: (typeof pending)[number]) => ({
    id: r.id,
    caseId: r.case.id,
    accessionNumber: r.case.accessionNumber,
    reportVersion: r.report.version,
    event: r.event as 'sign' | 'amend',
    status: r.status as 'PENDING' | 'DELIVERED',
    attempts: r.attempts,
    nextAttemptAt: r.status === 'PENDING' ? r.nextAttemptAt.toISOString() : null,
    lastHttpStatus: r.lastHttpStatus,
    lastError: r.lastError,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  });
  return { configured, pending: pending.map(dto), delivered: delivered.map(dto) };
}
