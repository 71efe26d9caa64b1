// Registered DICOM devices: administrators list, add, change and remove them. Each device has a service account
// (an inactive user of its township, which can never log in) that authors what the device sends, so that every
// case, file and audit event from the DICOM port is attributed to the device.
import {
  deviceInputSchema,
  townshipDicomSettingsSchema,
  type DeviceDto,
  type DeviceInput,
  type TownshipDicomSettings,
  type TownshipDicomSettingsDto,
} from '../../shared/devices.ts';
import type { Actor } from '../auth/actor.ts';
import { createServiceAccount } from '../auth/service-accounts.ts';
import { recordAudit } from '../audit/audit.ts';
import { isUniqueViolation, type Db, type Prisma, type Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';

const include = { organization: true, _count: { select: { cases: true } } } satisfies Prisma.DicomDeviceInclude;
type DeviceRow = Prisma.DicomDeviceGetPayload<{ include: typeof include }>;

/** Devices send images into a township's cases: only organizations that register exams may have one. */
const DEVICE_ORGANIZATION_KINDS = ['TOWNSHIP_CENTRE', 'VILLAGE_CLINIC'];

export async function listDevices(db: Db): Promise<DeviceDto[]> {
  const rows = await db.dicomDevice.findMany({ include, orderBy: [{ active: 'desc' }, { aeTitle: 'asc' }] });
  return rows.map(toDto);
}

export async function createDevice(db: Db, actor: Actor | null, body: DeviceInput, ip?: string): Promise<DeviceDto> {
  const input = deviceInputSchema.parse(body);
  return withTakenCheck(() =>
    db.$transaction(async (tx) => {
      await checkOrganization(tx, input.organizationId);
      const row = await insertDevice(tx, input);
      await recordAudit(tx, {
        actorId: actor?.id ?? null,
        action: 'device.create',
        entityType: 'DicomDevice',
        entityId: row.id,
        ip,
        details: input,
      });
      return toDto(row);
    }),
  );
}

export async function updateDevice(db: Db, actor: Actor, id: string, body: DeviceInput, ip?: string): Promise<DeviceDto> {
  const input = deviceInputSchema.parse(body);
  return withTakenCheck(() =>
    db.$transaction(async (tx) => {
      const before = await tx.dicomDevice.findUnique({ where: { id } });
      if (!before) throw notFound('device');
      await checkOrganization(tx, input.organizationId);
      const row = await tx.dicomDevice.update({ where: { id }, data: input, include });
      await tx.user.update({
        where: { id: before.userId },
        data: { organizationId: input.organizationId, displayName: `设备 ${input.aeTitle}` },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'device.update',
        entityType: 'DicomDevice',
        entityId: id,
        ip,
        details: { before: { ...before, createdAt: before.createdAt.toISOString() }, after: input },
      });
      return toDto(row);
    }),
  );
}

/**
 * Removes a device. One that has sent images stays on record, switched off (its cases name it); one that never
 * did is deleted with its service account. Either way its AE title is refused from now on.
 */
export async function removeDevice(db: Db, actor: Actor, id: string, ip?: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.dicomDevice.findUnique({ where: { id }, include });
    if (!row) throw notFound('device');
    const used = row._count.cases > 0 || (await tx.case.count({ where: { createdById: row.userId } })) > 0;
    if (used) {
      await tx.dicomDevice.update({ where: { id }, data: { active: false } });
    } else {
      await tx.dicomDevice.delete({ where: { id } });
      await tx.user.delete({ where: { id: row.userId } });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: used ? 'device.deactivate' : 'device.delete',
      entityType: 'DicomDevice',
      entityId: id,
      ip,
      details: { aeTitle: row.aeTitle },
    });
  });
}

/** The device row and its service account, in the caller's transaction (also the demo seed's). */
export async function insertDevice(tx: Tx, input: ReturnType<typeof deviceInputSchema.parse>): Promise<DeviceRow> {
  const user = await createServiceAccount(tx, {
    kind: 'device',
    displayName: `设备 ${input.aeTitle}`,
    role: 'TECHNICIAN',
    organizationId: input.organizationId,
  });
  return tx.dicomDevice.create({ data: { ...input, userId: user.id }, include });
}

/** A township's DICOM settings (MPPS auto-submit): administrators change them, audited. */
export async function updateTownshipDicomSettings(
  db: Db,
  actor: Actor,
  organizationId: string,
  body: TownshipDicomSettings,
  ip?: string,
): Promise<TownshipDicomSettingsDto> {
  const input = townshipDicomSettingsSchema.parse(body);
  return db.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { id: organizationId } });
    if (!org || !DEVICE_ORGANIZATION_KINDS.includes(org.kind)) throw notFound('township');
    await tx.organization.update({ where: { id: organizationId }, data: input });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'device.township_settings',
      entityType: 'Organization',
      entityId: organizationId,
      ip,
      details: { from: { mppsAutoSubmit: org.mppsAutoSubmit }, to: input },
    });
    return { organizationId, mppsAutoSubmit: input.mppsAutoSubmit };
  });
}

async function checkOrganization(tx: Tx, organizationId: string): Promise<void> {
  const org = await tx.organization.findUnique({ where: { id: organizationId } });
  if (!org) throw new HttpError(400, 'UNKNOWN_ORGANIZATION', 'no such organization');
  if (!DEVICE_ORGANIZATION_KINDS.includes(org.kind)) {
    throw new HttpError(400, 'NOT_A_TOWNSHIP', 'devices belong to a township health centre or village clinic');
  }
}

async function withTakenCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw new HttpError(409, 'AE_TITLE_TAKEN', 'another device is registered with this AE title');
    throw error;
  }
}

function toDto(row: DeviceRow): DeviceDto {
  return {
    id: row.id,
    aeTitle: row.aeTitle,
    host: row.host,
    port: row.port,
    organization: { id: row.organization.id, name: row.organization.name },
    description: row.description,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    caseCount: row._count.cases,
  };
}
