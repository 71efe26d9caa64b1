// Service accounts: the inactive users that author what a DICOM device sends or an organization's API token does.
// Inactive, and with a password hash no password can match, they can never log in; they exist so that every case,
// file and audit event has a named author within its organization.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../shared/domain.ts';
import type { Tx } from '../db/client.ts';

export interface ServiceAccount {
  /** what the account stands for: the username's prefix ("device", "token") */
  kind: string;
  displayName: string;
  role: Role;
  organizationId: string;
  /** the reading centres it reads for (a county hospital's token) */
  centreIds?: string[];
}

export function createServiceAccount(tx: Tx, account: ServiceAccount) {
  return tx.user.create({
    data: {
      username: `${account.kind}:${randomUUID()}`,
      displayName: account.displayName.slice(0, 100),
      role: account.role,
      passwordHash: '!',
      active: false,
      organizationId: account.organizationId,
      centres: account.centreIds?.length ? { create: account.centreIds.map((centreId) => ({ centreId })) } : undefined,
    },
  });
}
