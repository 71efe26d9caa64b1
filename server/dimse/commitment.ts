// Storage Commitment Push Model (PS3.4 annex J, IHE RAD-10) as SCP: a device asks, by N-ACTION, whether teledx
// holds the instances it sent; teledx answers the N-ACTION at once and then reports, by N-EVENT-REPORT on a new
// association to the device's own address and port, which instances are committed and which are not. Committed
// means: the instance row exists with the same SOP class, in a case of the device's township, and its bytes are in
// the blob store (the ingest core commits bytes before rows, so a row without its blob is a damaged store).
import { setTimeout as sleep } from 'node:timers/promises';
import dcmjsDimse from 'dcmjs-dimse';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import type { Device } from './receive.ts';

const { Client, Dataset } = dcmjsDimse;
const { NActionResponse } = dcmjsDimse.responses;
const { NEventReportRequest } = dcmjsDimse.requests;
type NActionRequest = dcmjsDimse.requests.NActionRequest;
type NActionResponseType = dcmjsDimse.responses.NActionResponse;

export const STORAGE_COMMITMENT_PUSH = '1.2.840.10008.1.20.1';
/** the well-known SOP instance of the push model */
export const STORAGE_COMMITMENT_INSTANCE = '1.2.840.10008.1.20.1.1';
/** N-ACTION action type "Request Storage Commitment" */
const REQUEST_COMMITMENT = 1;
/** N-EVENT-REPORT event types: all committed / some failed */
export const EVENT_ALL_COMMITTED = 1;
export const EVENT_SOME_FAILED = 2;

/** N-ACTION statuses (PS3.7 C) */
export const NACTION_STATUS = {
  success: 0x0000,
  processingFailure: 0x0110,
  noSuchSopInstance: 0x0112,
  noSuchSopClass: 0x0118,
  missingAttribute: 0x0120,
  noSuchActionType: 0x0123,
  invalidArgumentValue: 0x0115,
} as const;

/** Failure Reason (0008,1197) of a Failed SOP Sequence item (PS3.3 C.14.1.1) */
export const FAILURE_REASON = {
  processingFailure: 0x0110,
  noSuchObjectInstance: 0x0112,
  classInstanceConflict: 0x0119,
} as const;

/**
 * A report the device did not take (down, busy, rejecting) is sent this many times in all, the waits between them
 * doubling from TELEDX_COMMITMENT_RETRY_SECONDS: 10 s gives 10 + 20 + 40 + 80 s, a modality's restart or a dropped
 * link, after which the device is expected to ask again (IHE RAD-10 lets the requester re-send its N-ACTION).
 */
export const COMMITMENT_REPORT_ATTEMPTS = 5;

/** A request names at most this many instances: the check stays a bounded number of queries. */
export const MAX_COMMITMENT_REFERENCES = 10_000;
const UID = /^[0-9]+(\.[0-9]+)*$/;

export interface SopReference {
  sopClassUid: string;
  sopInstanceUid: string;
}
export interface FailedReference extends SopReference {
  reason: number;
}
export interface CommitmentResult {
  committed: SopReference[];
  failed: FailedReference[];
}
export type ParsedCommitmentRequest =
  { ok: true; transactionUid: string; references: SopReference[] } | { ok: false; status: number; comment: string };

const uidOf = (value: unknown): string | null => {
  const text = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof text !== 'string') return null;
  const uid = text.replace(/\0+$/, '').trim();
  return uid.length <= 64 && UID.test(uid) ? uid : null;
};

/**
 * The Transaction UID and Referenced SOP Sequence of a Request Storage Commitment data set (outside input, as
 * dcmjs naturalizes it: keywords, sequences as arrays of items). Anything else answers the N-ACTION's status.
 */
export function parseCommitmentRequest(elements: unknown): ParsedCommitmentRequest {
  if (!elements || typeof elements !== 'object') return refused(NACTION_STATUS.missingAttribute, 'no data set');
  const { TransactionUID, ReferencedSOPSequence } = elements as Record<string, unknown>;
  if (TransactionUID === undefined) return refused(NACTION_STATUS.missingAttribute, 'Transaction UID missing');
  const transactionUid = uidOf(TransactionUID);
  if (!transactionUid) return refused(NACTION_STATUS.invalidArgumentValue, 'Transaction UID is not a UID');
  if (!Array.isArray(ReferencedSOPSequence) || ReferencedSOPSequence.length === 0)
    return refused(NACTION_STATUS.missingAttribute, 'Referenced SOP Sequence missing or empty');
  if (ReferencedSOPSequence.length > MAX_COMMITMENT_REFERENCES)
    return refused(NACTION_STATUS.invalidArgumentValue, `more than ${MAX_COMMITMENT_REFERENCES} instances in one request`);
  const references: SopReference[] = [];
  for (const item of ReferencedSOPSequence) {
    const fields = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    const sopClassUid = uidOf(fields.ReferencedSOPClassUID);
    const sopInstanceUid = uidOf(fields.ReferencedSOPInstanceUID);
    if (!sopClassUid || !sopInstanceUid)
      return refused(NACTION_STATUS.invalidArgumentValue, 'a Referenced SOP item lacks a valid class or instance UID');
    references.push({ sopClassUid, sopInstanceUid });
  }
  return { ok: true, transactionUid, references };
}

function refused(status: number, comment: string): ParsedCommitmentRequest {
  return { ok: false, status, comment };
}

/** Which of the references teledx holds for the township, bytes included; the others with their failure reason. */
export async function checkCommitment(ctx: AppContext, organizationId: string, references: SopReference[]): Promise<CommitmentResult> {
  const rows = new Map<string, { sopClassUid: string; storageKey: string; originOrgId: string }>();
  // in slices: SQLite bounds the number of bound parameters of one query
  for (let i = 0; i < references.length; i += 500) {
    const found = await ctx.db.instance.findMany({
      where: { sopInstanceUid: { in: references.slice(i, i + 500).map((r) => r.sopInstanceUid) } },
      select: { sopInstanceUid: true, sopClassUid: true, storageKey: true, case: { select: { originOrgId: true } } },
    });
    for (const row of found) rows.set(row.sopInstanceUid, { ...row, originOrgId: row.case.originOrgId });
  }
  const result: CommitmentResult = { committed: [], failed: [] };
  for (const reference of references) {
    const row = rows.get(reference.sopInstanceUid);
    // another township's instance is, to this device, no instance at all
    const reason =
      !row || row.originOrgId !== organizationId
        ? FAILURE_REASON.noSuchObjectInstance
        : row.sopClassUid !== reference.sopClassUid
          ? FAILURE_REASON.classInstanceConflict
          : (await ctx.store.size(row.storageKey)) === null
            ? FAILURE_REASON.processingFailure
            : null;
    if (reason === null) result.committed.push(reference);
    else result.failed.push({ ...reference, reason });
  }
  return result;
}

/** The N-EVENT-REPORT data set (PS3.4 J.3.3): event type 1 when every instance is committed, else 2. */
export function commitmentReport(
  transactionUid: string,
  result: CommitmentResult,
): { eventType: number; elements: Record<string, unknown> } {
  const elements: Record<string, unknown> = { TransactionUID: transactionUid };
  if (result.committed.length > 0)
    elements.ReferencedSOPSequence = result.committed.map((r) => ({
      ReferencedSOPClassUID: r.sopClassUid,
      ReferencedSOPInstanceUID: r.sopInstanceUid,
    }));
  if (result.failed.length > 0)
    elements.FailedSOPSequence = result.failed.map((r) => ({
      ReferencedSOPClassUID: r.sopClassUid,
      ReferencedSOPInstanceUID: r.sopInstanceUid,
      FailureReason: r.reason,
    }));
  return { eventType: result.failed.length === 0 ? EVENT_ALL_COMMITTED : EVENT_SOME_FAILED, elements };
}

/** Sends the report as SCU on an association of its own; resolves with the device's N-EVENT-REPORT status. */
export function sendCommitmentReport(
  target: { host: string; port: number; aeTitle: string },
  ourAeTitle: string,
  report: { eventType: number; elements: Record<string, unknown> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const request = new NEventReportRequest(STORAGE_COMMITMENT_PUSH, STORAGE_COMMITMENT_INSTANCE, report.eventType);
    request.setDataset(new Dataset(report.elements));
    let status: number | null = null;
    let failure: string | null = null;
    request.on('response', (response: dcmjsDimse.responses.NEventReportResponse) => {
      status = response.getStatus();
    });
    client.on('associationRejected', (result: { reason?: number }) => {
      failure = `association rejected (reason ${result?.reason ?? '?'})`;
    });
    client.on('networkError', (error: Error) => {
      failure = `network error: ${error.message}`;
    });
    client.on('closed', () => (status !== null ? resolve(status) : reject(new Error(failure ?? 'no N-EVENT-REPORT response'))));
    client.addRequest(request);
    client.send(target.host, target.port, ourAeTitle, target.aeTitle, {
      connectTimeout: 10_000,
      associationTimeout: 30_000,
      pduTimeout: 30_000,
    });
  });
}

export interface CommitmentAnswer {
  response: NActionResponseType;
  /** the report to send once the response is on its way (absent when the request was refused) */
  report?: () => Promise<void>;
}

/**
 * Answers a device's N-ACTION: refused with a PS3.7 status and a comment when malformed or when the device has no
 * address and port to report to; else success, with the report (checked and sent later) to run. Both audited.
 */
export async function answerCommitment(
  ctx: AppContext,
  ourAeTitle: string,
  device: Device,
  request: NActionRequest,
  ip: string | undefined,
  /** aborted when the service stops: a report still waiting to be retried is given up, and audited so */
  stopping: AbortSignal,
): Promise<CommitmentAnswer> {
  const response = NActionResponse.fromRequest(request);
  const refuse = (status: number, comment: string) => {
    response.setStatus(status);
    response.setErrorComment(comment.slice(0, 64));
  };
  const parsed =
    request.getRequestedSopInstanceUid() !== STORAGE_COMMITMENT_INSTANCE
      ? refused(NACTION_STATUS.noSuchSopInstance, `the push model's instance is ${STORAGE_COMMITMENT_INSTANCE}`)
      : request.getActionTypeId() !== REQUEST_COMMITMENT
        ? refused(NACTION_STATUS.noSuchActionType, 'only action type 1, Request Storage Commitment')
        : parseCommitmentRequest(request.getDataset()?.getElements());
  const row = await ctx.db.dicomDevice.findUnique({ where: { id: device.id }, select: { host: true, port: true } });
  const target = row?.host && row.port ? { host: row.host, port: row.port, aeTitle: device.aeTitle } : null;
  const outcome = !parsed.ok
    ? parsed
    : !target
      ? refused(NACTION_STATUS.processingFailure, 'device has no address and port registered for the report')
      : parsed;
  await recordAudit(ctx.db, {
    actorId: device.userId,
    action: 'dicom.commitment_request',
    entityType: 'DicomDevice',
    entityId: device.id,
    ip,
    details: {
      callingAeTitle: device.aeTitle,
      ...(parsed.ok ? { transactionUid: parsed.transactionUid, instances: parsed.references.length } : {}),
      ...(outcome.ok ? {} : { refused: outcome.comment, status: outcome.status }),
    },
  });
  if (!outcome.ok) {
    refuse(outcome.status, outcome.comment);
    return { response };
  }
  response.setStatus(NACTION_STATUS.success);
  const transaction = { uid: outcome.transactionUid, references: outcome.references };
  return { response, report: () => reportCommitment(ctx, ourAeTitle, device, target!, transaction, stopping) };
}

/** Sends the report until the device takes it, at most COMMITMENT_REPORT_ATTEMPTS times: how it went, and how often. */
async function deliverWithRetries(
  ctx: AppContext,
  send: () => Promise<number>,
  stopping: AbortSignal,
  about: Record<string, string>,
): Promise<({ status: number } | { error: string }) & { attempts: number }> {
  let wait = ctx.config.dicom.commitmentRetryMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return { status: await send(), attempts: attempt };
    } catch (error) {
      const last = attempt === COMMITMENT_REPORT_ATTEMPTS || stopping.aborted;
      ctx.log.warn({ err: error, ...about, attempt, retryInMs: last ? null : wait }, 'storage commitment report not delivered');
      if (last) return { error: (error as Error).message, attempts: attempt };
    }
    try {
      await sleep(wait, undefined, { signal: stopping });
    } catch {
      return { error: 'not delivered before the DICOM service stopped', attempts: attempt };
    }
    wait *= 2;
  }
}

async function reportCommitment(
  ctx: AppContext,
  ourAeTitle: string,
  device: Device,
  target: { host: string; port: number; aeTitle: string },
  transaction: { uid: string; references: SopReference[] },
  stopping: AbortSignal,
): Promise<void> {
  const transactionUid = transaction.uid;
  // checked once: a retry reports what was committed when the device asked, as the first attempt would have
  const result = await checkCommitment(ctx, device.organizationId, transaction.references);
  const report = commitmentReport(transactionUid, result);
  const delivery = await deliverWithRetries(ctx, () => sendCommitmentReport(target, ourAeTitle, report), stopping, {
    device: device.aeTitle,
    transactionUid,
  });
  await recordAudit(ctx.db, {
    actorId: device.userId,
    action: 'dicom.commitment_report',
    entityType: 'DicomDevice',
    entityId: device.id,
    details: {
      transactionUid,
      eventType: report.eventType,
      committed: result.committed.length,
      failed: result.failed.length,
      // the first failures by name: enough to find them, bounded for a request of thousands
      failures: result.failed.slice(0, 100).map((f) => ({ sopInstanceUid: f.sopInstanceUid, reason: f.reason })),
      to: `${target.aeTitle}@${target.host}:${target.port}`,
      ...delivery,
    },
  });
}
