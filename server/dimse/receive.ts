// One instance received over DICOM C-STORE: landed by the rule every such channel shares (ingest/landing.ts) and
// ingested by the same core as the browser upload, acting as the device's service account. Answers the PS3.4
// C-STORE status for it.
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { landInstance, STORE_STATUS, storeStatusOf, type LandingLocks, type LandingMemo } from '../ingest/landing.ts';

export interface Device {
  id: string;
  aeTitle: string;
  organizationId: string;
  userId: string;
}

export interface StoreOutcome {
  status: number;
  /** the reason, for the Error Comment (0000,0902) of a failure */
  comment?: string;
  code?: string;
  caseId?: string;
}

/** The device's service account as the ingest core's actor: a technician of the device's township. */
export function deviceActor(device: Device): Actor {
  return {
    id: device.userId,
    username: `device:${device.aeTitle}`,
    displayName: `设备 ${device.aeTitle}`,
    role: 'TECHNICIAN',
    canSign: false,
    organizationId: device.organizationId,
    centreIds: [],
    sessionId: '',
  };
}

export async function receiveInstance(
  ctx: AppContext,
  locks: LandingLocks,
  device: Device,
  staged: StagedBlob,
  ip: string | undefined,
  memo?: LandingMemo,
): Promise<StoreOutcome> {
  try {
    const arrival = { organizationId: device.organizationId, userId: device.userId, device: { id: device.id, aeTitle: device.aeTitle } };
    const landed = await landInstance(ctx, locks, arrival, deviceActor(device), staged, ip, memo);
    if (!landed.ok) return { status: storeStatusOf(landed.code), comment: landed.reason, code: landed.code, caseId: landed.caseId };
    return { status: STORE_STATUS.success, caseId: landed.caseId };
  } catch (error) {
    if (error instanceof HttpError) return { status: STORE_STATUS.processingFailure, comment: error.message, code: error.code };
    ctx.log.error({ err: error, device: device.aeTitle }, 'C-STORE failed');
    return { status: STORE_STATUS.processingFailure, comment: 'internal error', code: 'INTERNAL' };
  } finally {
    await staged.discard();
  }
}
