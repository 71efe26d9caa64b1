// Vocabulary shared by server and client. The database stores these as plain strings; these lists and the
// zod schemas built on them are where the allowed values are defined.
import { z } from 'zod';

export const ORG_KINDS = ['COUNTY_HOSPITAL', 'TOWNSHIP_CENTRE', 'VILLAGE_CLINIC'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const CENTRE_KINDS = ['IMAGING', 'ECG', 'ULTRASOUND', 'OTHER'] as const;
export type CentreKind = (typeof CENTRE_KINDS)[number];

/**
 * REFERRAL_COORDINATOR: the county's referral desk (accepts referrals for its departments); FINANCE: the
 * consortium's finance office (at the county hospital): agreements, prices, the monthly settlement. Neither reads cases.
 */
export const ROLES = [
  'TECHNICIAN',
  'TOWNSHIP_CLINICIAN',
  'TOWNSHIP_SUPERVISOR',
  'READER',
  'SUPERVISOR',
  'ADMIN',
  'REFERRAL_COORDINATOR',
  'FINANCE',
] as const;
export type Role = (typeof ROLES)[number];
/**
 * Roles that work at the place where exams are performed (township centre, village clinic). The township's
 * supervisor (院长/负责人) works as its staff do, and is who its unacknowledged critical values escalate to.
 */
export const TOWNSHIP_ROLES: readonly Role[] = ['TECHNICIAN', 'TOWNSHIP_CLINICIAN', 'TOWNSHIP_SUPERVISOR'];
/** The county hospital's referral coordinator (转诊协调员): answers two-way referrals for the departments they coordinate. */
export const REFERRAL_COORDINATOR_ROLES: readonly Role[] = ['REFERRAL_COORDINATOR'];
/** Roles that work in a county reading centre. */
export const CENTRE_ROLES: readonly Role[] = ['READER', 'SUPERVISOR'];

export const EXAM_KINDS = ['DR', 'CT', 'MR', 'US', 'ECG', 'OTHER'] as const;
export type ExamKind = (typeof EXAM_KINDS)[number];

export const PRIORITIES = ['STAT', 'URGENT', 'ROUTINE'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SEXES = ['M', 'F', 'O', 'U'] as const;
export type Sex = (typeof SEXES)[number];

/** Non-DICOM files teledx keeps, identified by content (see server/ingest/sniff.ts). */
export const ATTACHMENT_KINDS = ['ECG_XML', 'PDF', 'VIDEO', 'IMAGE'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * What each exam kind may carry. DICOM modalities are checked against the header's Modality (0008,0060);
 * SR/KO/PR/OT/SC/DOC are accepted everywhere because devices add reports, key images and screenshots.
 */
export const EXAM_KIND_RULES: Record<ExamKind, { modalities: readonly string[] | 'any'; attachments: readonly AttachmentKind[] }> = {
  DR: { modalities: ['DX', 'CR', 'DR', 'RF', 'MG', 'XA', 'PX', 'IO'], attachments: ['IMAGE', 'PDF'] },
  CT: { modalities: ['CT'], attachments: ['IMAGE', 'PDF'] },
  MR: { modalities: ['MR'], attachments: ['IMAGE', 'PDF'] },
  US: { modalities: ['US', 'IVUS'], attachments: ['VIDEO', 'IMAGE', 'PDF'] },
  ECG: { modalities: ['ECG', 'HD'], attachments: ['ECG_XML', 'PDF', 'IMAGE'] },
  OTHER: { modalities: 'any', attachments: ['ECG_XML', 'PDF', 'VIDEO', 'IMAGE'] },
};
export const AUXILIARY_MODALITIES: readonly string[] = ['SR', 'KO', 'PR', 'OT', 'SC', 'DOC'];

export function examKindAcceptsModality(kind: ExamKind, modality: string | undefined): boolean {
  const allowed = EXAM_KIND_RULES[kind].modalities;
  if (allowed === 'any' || !modality) return true;
  return allowed.includes(modality) || AUXILIARY_MODALITIES.includes(modality);
}

export const examKindSchema = z.enum(EXAM_KINDS);
export const prioritySchema = z.enum(PRIORITIES);
export const sexSchema = z.enum(SEXES);
export const roleSchema = z.enum(ROLES);
