// The printed report the township hands to the patient: the reading centre's hospital as the header and the
// township that examined; patient (name, sex, age at the exam) and exam (exam number, time, kind, body part,
// clinical question); findings and impression, key images; the signatures and signing time. An ECG report adds a
// landscape page per recording with the 12-lead tracing and its measurements (ecg-print.ts). A4, with an embedded
// CJK font; labels in Chinese (default) or English (print-labels.ts). With TELEDX_REPORT_QR, a QR code beside the
// verification code opens the report's public verification page (report-qr.ts).
import type { ExamKind, Sex } from '../../shared/domain.ts';
import type { EcgMeasurements } from '../../shared/ecg/types.ts';
import type { EcgReportFields, PrintLanguage } from '../../shared/reports.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import type { AppContext } from '../context.ts';
import type { Prisma } from '../db/client.ts';
import { analysedRecordings, type AnalysedRecording } from '../ecg/analyses.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { cjkPdfDocument } from './cjk-font.ts';
import { drawEcgPaper, printedEcgGeometry, PRINT_SCALE, PT_PER_MM } from './ecg-print.ts';
import { renderKeyImage } from './key-image.ts';
import { drawQrCode, verificationUrl } from './report-qr.ts';
import { PRINT_LABELS, type PrintLabels, type SignatureRole } from './print-labels.ts';
import { parseEcgFields } from './reports.ts';
import { contentSha256, signedContentOf, verificationCode } from './verification.ts';

/** One name under the report; a two-level report prints its reviewer as a second one. */
export interface Signature {
  role: SignatureRole;
  name: string;
  at: Date | null;
}

/** The exam's moment as printed: its date always, its time where known. */
export interface ExamMoment {
  date: string;
  time: string | null;
}

/** At most this many recordings get a tracing page (a case has one or two; the rest stay on screen). */
const MAX_TRACING_PAGES = 4;

export async function reportPdf(ctx: AppContext, actor: Actor, caseId: string, language: PrintLanguage = 'zh-CN'): Promise<Buffer> {
  return printReport(ctx, caseId, caseScope(actor), undefined, language);
}

/**
 * The printed report of a case within a scope: the current signed version, or the given signed or superseded
 * version (the HIS outbox sends the version it was queued for, server/fhir/outbox.ts).
 */
export async function printReport(
  ctx: Pick<AppContext, 'db' | 'store' | 'config'>,
  caseId: string,
  scope: Prisma.CaseWhereInput,
  reportId?: string,
  language: PrintLanguage = 'zh-CN',
): Promise<Buffer> {
  const printable = await loadPrintable(ctx, caseId, scope, reportId);
  return renderPdf(printable, PRINT_LABELS[language], ctx.config.reportQrOrigin);
}

type Printable = Awaited<ReturnType<typeof loadPrintable>>;

async function loadPrintable(ctx: Pick<AppContext, 'db' | 'store'>, caseId: string, scope: Prisma.CaseWhereInput, reportId?: string) {
  const kase = await ctx.db.case.findFirst({
    where: { AND: [{ id: caseId }, scope] },
    include: {
      patient: true,
      originOrg: true,
      centre: { include: { hospital: true } },
      studies: { select: { studyDate: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  if (!kase) throw notFound('case');
  const report = await ctx.db.report.findFirst({
    where: reportId ? { caseId, id: reportId, status: { not: 'DRAFT' } } : { caseId, status: 'SIGNED' },
    include: { signedBy: true, author: true },
  });
  if (!report) throw new HttpError(409, 'NO_SIGNED_REPORT', 'the report is not signed yet');
  const keyImageIds = JSON.parse(report.keyImageIds) as string[];
  const [keyInstances, firstFileAt, recordings] = await Promise.all([
    ctx.db.instance.findMany({ where: { id: { in: keyImageIds }, caseId }, select: { id: true, storageKey: true } }),
    firstFileReceived(ctx.db, caseId),
    kase.examKind === 'ECG' ? analysedRecordings(ctx, { caseId, errorCode: null }) : Promise.resolve([]),
  ]);
  const images = await Promise.all(keyInstances.map((i) => renderKeyImage(ctx.store, i.storageKey).catch(() => null)));
  const signatures = signaturesOf(report);
  return {
    kase,
    report,
    verificationCode: report.signedAt
      ? verificationCode(contentSha256(signedContentOf({ ...report, case: kase, signedAt: report.signedAt })))
      : null,
    exam: examMoment(
      kase.studies.map((s) => s.studyDate),
      firstFileAt ?? kase.createdAt,
    ),
    keyImages: { asked: keyImageIds.length, printable: images.filter((i): i is Buffer => i !== null) },
    recordings: recordings.slice(0, MAX_TRACING_PAGES),
    signatures,
  };
}

/** The reporter alone; or, when a second reader reviewed and signed another's report, the writer above them. */
function signaturesOf(report: {
  author: { id: string; displayName: string };
  signedBy: { id: string; displayName: string } | null;
  signedAt: Date | null;
}): Signature[] {
  const signer = report.signedBy?.displayName ?? '';
  if (!report.signedBy || report.signedBy.id === report.author.id) return [{ role: 'REPORTER', name: signer, at: report.signedAt }];
  return [
    { role: 'WRITER', name: report.author.displayName, at: null },
    { role: 'REVIEWER', name: signer, at: report.signedAt },
  ];
}

async function firstFileReceived(db: AppContext['db'], caseId: string): Promise<Date | null> {
  const [instance, attachment] = await Promise.all([
    db.instance.findFirst({ where: { caseId }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
    db.attachment.findFirst({ where: { caseId }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
  ]);
  const times = [instance?.createdAt, attachment?.createdAt].filter((t): t is Date => t !== undefined);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

/**
 * When the exam took place. The files come from the modality (or the technician) right after the exam, so the
 * first one's arrival gives the date and time; the DICOM Study Date, where it says another day (images sent
 * later), is the truer date, and then no time is printed rather than the arrival's (Study Time is not indexed).
 */
export function examMoment(studyDates: (string | null)[], firstFileAt: Date): ExamMoment {
  const received = beijingTime(firstFileAt);
  const studyDate = studyDates.find((d): d is string => d !== null && /^\d{4}-\d{2}-\d{2}$/.test(d));
  if (studyDate && studyDate !== received.date) return { date: studyDate, time: null };
  return received;
}

async function renderPdf(p: Printable, labels: PrintLabels, qrOrigin: string | null): Promise<Buffer> {
  const hospital = p.kase.centre?.hospital.name ?? '';
  const examKind = p.kase.examKind as ExamKind;
  const { doc, bytes } = cjkPdfDocument({ size: 'A4', margin: 50, info: { Title: `${hospital} ${labels.title(examKind)}` } });

  printHeader(doc, p, labels);
  printPatientAndExam(doc, p, labels);
  const ecg = ecgFieldsToPrint(p, labels);
  if (ecg) {
    doc.fontSize(12).text(`${labels.ecgMeasurements}${ecg.automatic ? labels.ecgAutomatic : ''}`);
    doc.moveDown(0.3).fontSize(10.5).text(ecgFieldsLine(ecg.fields, labels), { lineGap: 3 });
    doc.moveDown(0.8);
  }
  printReportText(doc, p, labels);
  printKeyImages(doc, p, labels);
  rule(doc);
  printSignatures(doc, p.signatures, labels);
  if (p.report.version > 1) doc.fontSize(9).text(labels.version(p.report.version, p.report.amendmentReason ?? ''));
  if (p.verificationCode) printVerification(doc, p, p.verificationCode, labels, qrOrigin);
  doc.moveDown(0.5).fontSize(8).fillColor('#555').text(labels.disclaimer).fillColor('black');
  for (const recording of p.recordings) printTracingPage(doc, p, recording, labels);
  doc.end();
  return bytes;
}

function printHeader(doc: PDFKit.PDFDocument, p: Printable, labels: PrintLabels): void {
  doc.fontSize(18).text(p.kase.centre?.hospital.name ?? '', { align: 'center' });
  doc.fontSize(14).text(labels.title(p.kase.examKind as ExamKind), { align: 'center' });
  const origin = `${labels.performedAt}${labels.colon}${p.kase.originOrg.name}`;
  const centre = p.kase.centre ? `    ${labels.readingCentre}${labels.colon}${p.kase.centre.name}` : '';
  doc
    .moveDown(0.5)
    .fontSize(10)
    .fillColor('#333')
    .text(origin + centre, { align: 'center' })
    .fillColor('black');
  rule(doc);
}

function printPatientAndExam(doc: PDFKit.PDFDocument, p: Printable, labels: PrintLabels): void {
  const { kase, exam } = p;
  const patient = kase.patient;
  fieldRows(doc, labels, [
    [
      [labels.name, patient.name],
      [labels.sexLabel, sexText(patient.sex, labels)],
      [labels.ageLabel, labels.age(patient.birthDate, exam.date)],
    ],
    [
      [labels.accessionNumber, kase.accessionNumber],
      [labels.examTime, examTimeText(exam)],
      [labels.examKindLabel, labels.examKind[kase.examKind as ExamKind] ?? kase.examKind],
    ],
    [
      [labels.bodyPart, kase.bodyPart],
      [labels.nationalId, patient.nationalId ? maskId(patient.nationalId) : null],
    ],
  ]);
  if (kase.clinicalQuestion) doc.fontSize(10.5).text(`${labels.clinicalQuestion}${labels.colon}${kase.clinicalQuestion}`);
  rule(doc);
}

/** The columns' shares of the width: the first holds the exam number, which should not wrap. */
const FIELD_COLUMNS = [0.42, 0.33, 0.25];

/** Label–value pairs in three aligned columns, a row at a time; an unknown value prints as a dash. */
function fieldRows(doc: PDFKit.PDFDocument, labels: PrintLabels, rows: [string, string | null][][]): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.fontSize(10.5);
  for (const row of rows) {
    const top = doc.y;
    let bottom = top;
    let x = left;
    row.forEach(([label, value], column) => {
      const columnWidth = width * FIELD_COLUMNS[column]!;
      doc.text(`${label}${labels.colon}${value || labels.none}`, x, top, { width: columnWidth - 8 });
      bottom = Math.max(bottom, doc.y);
      x += columnWidth;
    });
    doc.x = left;
    doc.y = bottom + 2;
  }
}

function printReportText(doc: PDFKit.PDFDocument, { report }: Printable, labels: PrintLabels): void {
  doc.fontSize(12).text(labels.findings);
  doc
    .moveDown(0.3)
    .fontSize(10.5)
    .text(report.findings || labels.none, { lineGap: 3 });
  doc.moveDown(0.8).fontSize(12).text(labels.impression);
  doc.moveDown(0.3).fontSize(11).text(report.impression, { lineGap: 3 });
  if (report.criticalFinding) doc.moveDown(0.5).fontSize(11).fillColor('#b00020').text(labels.critical).fillColor('black');
}

function printKeyImages(doc: PDFKit.PDFDocument, { keyImages }: Printable, labels: PrintLabels): void {
  if (keyImages.asked === 0) return;
  doc.moveDown(0.8).fontSize(12).text(labels.keyImages);
  const size = 150;
  let x = doc.page.margins.left;
  const y = doc.y + 6;
  for (const png of keyImages.printable.slice(0, 3)) {
    doc.image(png, x, y, { fit: [size, size] });
    x += size + 12;
  }
  doc.x = doc.page.margins.left;
  doc.y = y + (keyImages.printable.length ? size + 8 : 0);
  const missing = keyImages.asked - keyImages.printable.length;
  if (missing > 0) doc.fontSize(9).fillColor('#555').text(labels.notEmbedded(missing)).fillColor('black');
}

/** The signature block: one line per name (the reporter; a reviewer under it), each with its signing time. */
export function printSignatures(doc: PDFKit.PDFDocument, signatures: Signature[], labels: PrintLabels): void {
  doc.fontSize(10.5);
  for (const { role, name, at } of signatures) {
    const time = at ? beijingTime(at) : null;
    const signed = time ? `    ${labels.signedAt}${labels.colon}${time.date} ${time.time}` : '';
    doc.text(`${labels.signatureRole[role]}${labels.colon}${name}${signed}`);
  }
}

/** The side of the QR code, in points (about 25 mm: a phone reads it from a hand's length). */
const QR_SIZE = 72;

/**
 * The verification code and how to check it; with a QR origin, the QR code of the verification page at the
 * right margin, its caption beside the code (on the next page if this one has no room for it).
 */
function printVerification(doc: PDFKit.PDFDocument, p: Printable, code: string, labels: PrintLabels, qrOrigin: string | null): void {
  doc.moveDown(0.3).fontSize(9);
  if (!qrOrigin) {
    doc.text(labels.verification(code, p.report.version));
    return;
  }
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  if (doc.y + QR_SIZE > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  drawQrCode(doc, verificationUrl(qrOrigin, p.kase.accessionNumber, p.report.version, code), right - QR_SIZE, top, QR_SIZE);
  const width = right - QR_SIZE - 12 - left;
  doc.text(labels.verification(code, p.report.version), left, top + 6, { width });
  doc.moveDown(0.2).text(labels.scanToVerify, { width });
  doc.x = left;
  doc.y = Math.max(doc.y, top + QR_SIZE);
}

/** A landscape page: who and which exam, the measurements, the paper's scale, then the tracing. */
function printTracingPage(doc: PDFKit.PDFDocument, p: Printable, analysed: AnalysedRecording, labels: PrintLabels): void {
  if (!analysed.recording) return;
  doc.addPage({ size: 'A4', layout: 'landscape', margin: 28 });
  const { kase, exam } = p;
  const patient = kase.patient;
  const identity = [
    `${labels.name}${labels.colon}${patient.name}`,
    `${labels.sexLabel}${labels.colon}${sexText(patient.sex, labels)}`,
    `${labels.ageLabel}${labels.colon}${labels.age(patient.birthDate, exam.date) ?? labels.none}`,
    `${labels.accessionNumber}${labels.colon}${kase.accessionNumber}`,
    `${labels.examTime}${labels.colon}${examTimeText(exam)}`,
  ].join('    ');
  doc.fontSize(12).text(`${p.kase.centre?.hospital.name ?? ''}  ${labels.ecgTracing}`);
  doc.moveDown(0.2).fontSize(9).text(identity);
  const fields = ecgFieldsToPrint(p, labels, analysed.measurements);
  if (fields) doc.text(`${ecgFieldsLine(fields.fields, labels)}${fields.automatic ? `  ${labels.ecgAutomatic}` : ''}`);
  doc.text(labels.paperScale(PRINT_SCALE.speed, PRINT_SCALE.gain));
  const geometry = printedEcgGeometry(analysed.recording);
  const x = (doc.page.width - geometry.widthMm * PT_PER_MM) / 2;
  drawEcgPaper(doc, analysed.recording, x, doc.y + 6);
}

/**
 * The measurements to print: the reader's confirmed ones (the report's ECG fields), else the analysis' automatic
 * ones, marked as such.
 */
function ecgFieldsToPrint(
  { report, recordings }: Printable,
  labels: PrintLabels,
  measurements = recordings[0]?.measurements ?? null,
): { fields: EcgReportFields; automatic: boolean } | null {
  const confirmed = parseEcgFields(report.ecgFields);
  if (confirmed) return { fields: confirmed, automatic: false };
  return measurements ? { fields: automaticFields(measurements, labels), automatic: true } : null;
}

function automaticFields(m: EcgMeasurements, labels: PrintLabels): EcgReportFields {
  const round = (value: number | null) => (value === null ? null : Math.round(value));
  return {
    rhythm: labels.none,
    heartRateBpm: round(m.heartRateBpm),
    prMs: round(m.intervals.prMs),
    qrsMs: round(m.intervals.qrsMs),
    qtMs: round(m.intervals.qtMs),
    qtcMs: round(m.intervals.qtcBazettMs),
    axisDeg: round(m.qrsAxisDeg),
  };
}

/** 心律、心率、PR间期、QRS时限、QT/QTc、电轴 on one line, as ECG reports print them; — where not measured. */
function ecgFieldsLine(f: EcgReportFields, labels: PrintLabels): string {
  const v = (value: number | null, unit: string) => (value === null ? labels.none : `${value} ${unit}`);
  const field = (label: string, value: string) => `${label}${labels.colon}${value}`;
  return [
    field(labels.rhythm, f.rhythm || labels.none),
    field(labels.heartRate, v(f.heartRateBpm, labels.perMinute)),
    field(labels.pr, v(f.prMs, 'ms')),
    field(labels.qrs, v(f.qrsMs, 'ms')),
    field(labels.qtQtc, `${f.qtMs ?? labels.none}/${f.qtcMs ?? labels.none} ms`),
    field(labels.axis, v(f.axisDeg, '°')),
  ].join('    ');
}

const sexText = (sex: string, labels: PrintLabels) => labels.sex[sex as Sex] ?? sex;
const examTimeText = ({ date, time }: ExamMoment) => (time ? `${date} ${time}` : date);

export function rule(doc: PDFKit.PDFDocument): void {
  doc.moveDown(0.5);
  doc
    .moveTo(doc.page.margins.left, doc.y)
    .lineTo(doc.page.width - doc.page.margins.right, doc.y)
    .lineWidth(0.5)
    .stroke();
  doc.moveDown(0.5);
}

/** Printed documents show the ID number with the birth date and sequence hidden, as is customary. */
export function maskId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id;
}

/** Reports are read in China: Beijing time (UTC+8) whatever the server's zone. */
export function beijingTime(date: Date): ExamMoment & { time: string } {
  const t = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return { date: t.slice(0, 10), time: t.slice(11, 16) };
}
