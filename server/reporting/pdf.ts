// The printed report the township hands to the patient: the county hospital's header, patient and exam,
// findings and impression, key images, the signing physician and time. A4, with an embedded CJK font.
import PDFDocument from 'pdfkit';
import type { EcgReportFields } from '../../shared/reports.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import type { AppContext } from '../context.ts';
import type { Prisma } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { findCjkFont } from './cjk-font.ts';
import { renderKeyImage } from './key-image.ts';
import { parseEcgFields } from './reports.ts';

const EXAM_TITLES: Record<string, string> = { DR: 'X线', CT: 'CT', MR: '磁共振', US: '超声', ECG: '心电图', OTHER: '' };
const SEX = { M: '男', F: '女', O: '其他', U: '未知' } as Record<string, string>;

export async function reportPdf(ctx: AppContext, actor: Actor, caseId: string): Promise<Buffer> {
  return printReport(ctx, caseId, caseScope(actor));
}

/**
 * The printed report of a case within a scope: the current signed version, or the given signed or superseded
 * version (the HIS outbox sends the version it was queued for, server/fhir/outbox.ts).
 */
export async function printReport(
  ctx: Pick<AppContext, 'db' | 'store'>,
  caseId: string,
  scope: Prisma.CaseWhereInput,
  reportId?: string,
): Promise<Buffer> {
  const kase = await ctx.db.case.findFirst({
    where: { AND: [{ id: caseId }, scope] },
    include: { patient: true, originOrg: true, centre: { include: { hospital: true } } },
  });
  if (!kase) throw notFound('case');
  const report = await ctx.db.report.findFirst({
    where: reportId ? { caseId, id: reportId, status: { not: 'DRAFT' } } : { caseId, status: 'SIGNED' },
    include: { signedBy: true, author: true },
  });
  if (!report) throw new HttpError(409, 'NO_SIGNED_REPORT', 'the report is not signed yet');
  const font = findCjkFont();
  const keyImageIds = JSON.parse(report.keyImageIds) as string[];
  const keyInstances = await ctx.db.instance.findMany({
    where: { id: { in: keyImageIds }, caseId },
    select: { id: true, storageKey: true },
  });
  const images = await Promise.all(keyInstances.map((i) => renderKeyImage(ctx.store, i.storageKey).catch(() => null)));

  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${kase.centre?.hospital.name ?? ''} 诊断报告` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');

  const hospital = kase.centre?.hospital.name ?? '';
  doc.fontSize(18).text(hospital, { align: 'center' });
  doc.fontSize(14).text(`${EXAM_TITLES[kase.examKind] ?? ''}诊断报告`, { align: 'center' });
  doc
    .moveDown(0.5)
    .fontSize(9)
    .fillColor('#555')
    .text(`${kase.centre?.name ?? ''}  ·  检查编号 ${kase.id}`, { align: 'center' })
    .fillColor('black');
  rule(doc);

  const p = kase.patient;
  const line = (label: string, value: string) => doc.fontSize(10.5).text(`${label}：${value}`, { continued: false });
  line('姓名', `${p.name}    性别：${SEX[p.sex] ?? p.sex}    出生日期：${p.birthDate ?? '—'}`);
  line('身份证号', p.nationalId ? maskId(p.nationalId) : '—');
  line('送检机构', `${kase.originOrg.name}    检查部位：${kase.bodyPart ?? '—'}    检查类型：${kase.examKind}`);
  line('提交时间', kase.submittedAt ? beijingTime(kase.submittedAt) : '—');
  if (kase.clinicalQuestion) line('临床问题', kase.clinicalQuestion);
  rule(doc);

  const ecg = parseEcgFields(report.ecgFields);
  if (ecg) {
    doc.fontSize(12).text('心电图测量');
    doc.moveDown(0.3).fontSize(10.5).text(ecgFieldsLine(ecg), { lineGap: 3 });
    doc.moveDown(0.8);
  }
  doc.fontSize(12).text('检查所见');
  doc
    .moveDown(0.3)
    .fontSize(10.5)
    .text(report.findings || '—', { lineGap: 3 });
  doc.moveDown(0.8).fontSize(12).text('诊断意见');
  doc.moveDown(0.3).fontSize(11).text(report.impression, { lineGap: 3 });
  if (report.criticalFinding) doc.moveDown(0.5).fontSize(11).fillColor('#b00020').text('【危急值】已通知送检机构').fillColor('black');

  const printable = images.filter((i): i is Buffer => i !== null);
  if (keyImageIds.length > 0) {
    doc.moveDown(0.8).fontSize(12).text('关键图像');
    const size = 150;
    let x = doc.page.margins.left;
    const y = doc.y + 6;
    for (const png of printable.slice(0, 3)) {
      doc.image(png, x, y, { fit: [size, size] });
      x += size + 12;
    }
    doc.y = y + (printable.length ? size + 8 : 0);
    if (printable.length < keyImageIds.length) {
      doc
        .fontSize(9)
        .fillColor('#555')
        .text(`（${keyImageIds.length - printable.length} 幅为压缩格式，未嵌入）`)
        .fillColor('black');
    }
  }

  rule(doc);
  doc.fontSize(10.5).text(`${physiciansLine(report)}    签发时间：${report.signedAt ? beijingTime(report.signedAt) : ''}`);
  if (report.version > 1) doc.fontSize(9).text(`第 ${report.version} 版（修订：${report.amendmentReason ?? ''}）`);
  doc.moveDown(0.5).fontSize(8).fillColor('#555').text('本报告仅供临床参考，经远程诊断平台 teledx 签发。').fillColor('black');
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** One physician who wrote and signed (报告医师), or the writer and the second reader who reviewed and signed. */
function physiciansLine(report: { author: { id: string; displayName: string }; signedBy: { id: string; displayName: string } | null }) {
  const signer = report.signedBy?.displayName ?? '';
  if (!report.signedBy || report.signedBy.id === report.author.id) return `报告医师：${signer}`;
  return `书写医师：${report.author.displayName}    审核医师：${signer}`;
}

/** 心律、心率、PR、QRS、QT/QTc、电轴 on one line, as ECG reports print them; — where not measured. */
function ecgFieldsLine(f: EcgReportFields): string {
  const v = (value: number | null, unit: string) => (value === null ? '—' : `${value} ${unit}`);
  return [
    `心律：${f.rhythm || '—'}`,
    `心率：${v(f.heartRateBpm, '次/分')}`,
    `PR：${v(f.prMs, 'ms')}`,
    `QRS：${v(f.qrsMs, 'ms')}`,
    `QT/QTc：${f.qtMs ?? '—'}/${f.qtcMs ?? '—'} ms`,
    `电轴：${v(f.axisDeg, '°')}`,
  ].join('    ');
}

function rule(doc: PDFKit.PDFDocument): void {
  doc.moveDown(0.5);
  doc
    .moveTo(doc.page.margins.left, doc.y)
    .lineTo(doc.page.width - doc.page.margins.right, doc.y)
    .lineWidth(0.5)
    .stroke();
  doc.moveDown(0.5);
}

/** Printed documents show the ID number with the birth date and sequence hidden, as is customary. */
function maskId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id;
}

/** Reports are read in China: print Beijing time (UTC+8) whatever the server's zone. */
function beijingTime(date: Date): string {
  const t = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}
