// Verifying a printed report: the report prints a verification code, the first 48 bits of the SHA-256 of its
// signed content; anyone holding the paper can ask, without logging in, whether the report with that exam number,
// version and code was signed, by whom and when. The code is what keeps the public answer from being a lookup by
// exam number (exam numbers are sequential): without the paper, a guess has one chance in 2^48.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReportVerificationDto } from '../../shared/reports.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../http/errors.ts';

/**
 * The signed content as hashed: what the reader signed, and which exam and version it is. Not the patient's record
 * nor the signer's display name: a corrected name must not make an authentic report fail to verify (the signer
 * is hashed by id, which never changes; the exam number ties it to the patient).
 */
export interface SignedContent {
  accessionNumber: string;
  version: number;
  findings: string;
  impression: string;
  criticalFinding: boolean;
  ecgFields: string | null;
  signedById: string | null;
  signedAt: Date;
}

export function contentSha256(content: SignedContent): string {
  // an array in a fixed order: the hash does not depend on how an object's keys happen to be ordered
  const canonical = JSON.stringify([
    content.accessionNumber,
    content.version,
    content.findings,
    content.impression,
    content.criticalFinding,
    content.ecgFields,
    content.signedById,
    content.signedAt.toISOString(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The code printed on the report: 12 hex digits of the hash, in three groups (3F9A-7C21-B04E). */
export function verificationCode(sha256: string): string {
  return sha256.slice(0, 12).toUpperCase().match(/.{4}/g)!.join('-');
}

/** A name as a public answer shows it: first and last character, the rest starred (王*国, 王*). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

const sameCode = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a.toUpperCase()), Buffer.from(b.toUpperCase())];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The verification of one signed (or since superseded) version; 404 alike for an unknown report and a wrong code. */
export async function verifyReport(
  { db }: Pick<AppContext, 'db'>,
  accessionNumber: string,
  version: number,
  code: string,
): Promise<ReportVerificationDto> {
  const report = await db.report.findFirst({
    where: { version, status: { in: ['SIGNED', 'SUPERSEDED'] }, case: { accessionNumber } },
    include: {
      signedBy: { select: { displayName: true } },
      case: { include: { patient: true, centre: { include: { hospital: true } } } },
    },
  });
  if (!report?.signedAt) throw notFound('report');
  const sha256 = contentSha256(signedContentOf({ ...report, signedAt: report.signedAt }));
  if (!sameCode(verificationCode(sha256), code)) throw notFound('report');
  return {
    accessionNumber,
    version,
    current: report.status === 'SIGNED',
    hospital: report.case.centre?.hospital.name ?? null,
    readingCentre: report.case.centre?.name ?? null,
    patientName: maskName(report.case.patient.name),
    signedBy: report.signedBy?.displayName ?? null,
    signedAt: report.signedAt.toISOString(),
    contentSha256: sha256,
  };
}

interface SignedReportRow {
  version: number;
  findings: string;
  impression: string;
  criticalFinding: boolean;
  ecgFields: string | null;
  signedAt: Date | null;
  signedById: string | null;
  case: { accessionNumber: string };
}

/** The content of a signed report row (with its case), as hashed. */
export function signedContentOf(report: SignedReportRow & { signedAt: Date }): SignedContent {
  return {
    accessionNumber: report.case.accessionNumber,
    version: report.version,
    findings: report.findings,
    impression: report.impression,
    criticalFinding: report.criticalFinding,
    ecgFields: report.ecgFields,
    signedById: report.signedById,
    signedAt: report.signedAt,
  };
}
