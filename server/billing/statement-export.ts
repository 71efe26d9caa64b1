// The settlement statement exported: an XLSX workbook (exceljs) for the finance offices' spreadsheets, and a PDF
// (pdfkit, with the CJK font of the printed reports) to sign and file. Both show the same statement: the pair, the
// month and its status, the totals per service, and every entry; amounts in yuan with two decimals, made from the
// integer fen of the ledger (the totals are sums of integers, never of rounded yuan).
import { formatYuan, type FeeEntryDto, type FeeTotals, type SettlementStatementDto } from '../../shared/billing.ts';
import { cjkPdfDocument } from '../reporting/cjk-font.ts';
import { beijingMinute, STATEMENT_LABELS as L } from './statement-labels.ts';

/** fen → yuan as a spreadsheet number (exact to the fen: fen / 100 is the nearest double, and shows as 0.00) */
const yuan = (fen: number) => fen / 100;
const YUAN_FORMAT = '#,##0.00';

function headerLines(s: SettlementStatementDto): [string, string][] {
  const { summary } = s;
  const who = (p: { displayName: string } | null, at: string | null) => (p && at ? `${p.displayName} ${beijingMinute(at)}` : '—');
  return [
    [L.month, summary.month],
    [L.inviting, summary.inviting.name],
    [L.invited, summary.invited.name],
    [L.status, L.status_[summary.status]],
    [L.reviewedBy, who(summary.reviewedBy, summary.reviewedAt)],
    [L.lockedBy, who(summary.lockedBy, summary.lockedAt)],
  ];
}

const reference = (e: FeeEntryDto) => e.accessionNumber ?? (e.consultationId ? L.consultation : '');

/** The workbook: one sheet, the header block, the per-service totals, then the entries with their total row. */
export async function statementXlsx(s: SettlementStatementDto): Promise<Buffer> {
  // loaded on the first export, not at start-up: exceljs is large, and most servers never write a workbook
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'teledx';
  const sheet = workbook.addWorksheet(L.sheet);
  sheet.addRow([L.title]).font = { bold: true, size: 14 };
  for (const line of headerLines(s)) sheet.addRow(line);
  sheet.addRow([]);

  sheet.addRow([L.byService]).font = { bold: true };
  const totalsHeader = sheet.addRow([L.columns.service, L.columns.count, L.columns.price, L.columns.inviting, L.columns.invited]);
  totalsHeader.font = { bold: true };
  const totalsRow = (label: string, t: FeeTotals) => {
    const row = sheet.addRow([label, t.entries, yuan(t.priceFen), yuan(t.invitingShareFen), yuan(t.invitedShareFen)]);
    for (const c of [3, 4, 5]) row.getCell(c).numFmt = YUAN_FORMAT;
    return row;
  };
  for (const { service, totals } of s.byService) totalsRow(L.service[service], totals);
  totalsRow(L.total, s.summary.totals).font = { bold: true };
  if (s.summary.totals.flaggedEntries > 0) {
    const row = sheet.addRow([L.flaggedNote, s.summary.totals.flaggedEntries, yuan(s.summary.totals.flaggedPriceFen)]);
    row.getCell(3).numFmt = YUAN_FORMAT;
  }
  sheet.addRow([]);

  sheet.addRow([L.entries]).font = { bold: true };
  const c = L.columns;
  sheet.addRow([c.index, c.serviceAt, c.kind, c.service, c.reference, c.agreement, c.flag, c.price, c.inviting, c.invited, c.reason]).font =
    {
      bold: true,
    };
  s.entries.forEach((e, i) => {
    const row = sheet.addRow([i + 1, ...entryCells(e, yuan), e.reason ?? '']);
    for (const col of [8, 9, 10]) row.getCell(col).numFmt = YUAN_FORMAT;
  });
  const t = s.summary.totals;
  const total = sheet.addRow([L.total, '', '', '', '', '', '', yuan(t.priceFen), yuan(t.invitingShareFen), yuan(t.invitedShareFen), '']);
  total.font = { bold: true };
  for (const col of [8, 9, 10]) total.getCell(col).numFmt = YUAN_FORMAT;
  sheet.addRow([]);
  sheet.addRow([L.rounding]);
  sheet.columns.forEach((column, i) => (column.width = [14, 18, 10, 22, 20, 24, 12, 12, 12, 12, 24][i] ?? 12));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** One entry's cells after its number, in both exports: the amounts as `money` writes them (a number, a text). */
function entryCells<M>(e: FeeEntryDto, money: (fen: number) => M): (string | M)[] {
  return [
    beijingMinute(e.serviceAt),
    L.kind[e.kind],
    L.service[e.service],
    reference(e),
    e.agreementTitle ?? '',
    e.flag ? L.flag[e.flag] : '',
    money(e.priceFen),
    money(e.invitingShareFen),
    money(e.invitedShareFen),
  ];
}

/** The PDF: A4 landscape, the same blocks as the workbook. */
export async function statementPdf(s: SettlementStatementDto): Promise<Buffer> {
  const { doc, bytes } = cjkPdfDocument({ size: 'A4', layout: 'landscape', margin: 40, info: { Title: `${L.title} ${s.summary.month}` } });
  doc.fontSize(16).text(L.title, { align: 'center' });
  doc.moveDown(0.5).fontSize(10);
  for (const [label, value] of headerLines(s)) doc.text(`${label}：${value}`);
  doc.moveDown(0.5).fontSize(11).text(L.byService);
  const c = L.columns;
  const totalsWidths = [180, 60, 100, 100, 100];
  row(doc, [c.service, c.count, c.price, c.inviting, c.invited], totalsWidths, 9);
  for (const { service, totals } of s.byService) row(doc, [L.service[service], ...totalCells(totals)], totalsWidths, 9);
  row(doc, [L.total, ...totalCells(s.summary.totals)], totalsWidths, 9);
  if (s.summary.totals.flaggedEntries > 0) {
    row(doc, [L.flaggedNote, String(s.summary.totals.flaggedEntries), formatYuan(s.summary.totals.flaggedPriceFen)], totalsWidths, 9);
  }
  doc.moveDown(0.5).fontSize(11).text(L.entries);
  const widths = [30, 80, 50, 120, 100, 120, 60, 60, 60, 60];
  row(doc, [c.index, c.serviceAt, c.kind, c.service, c.reference, c.agreement, c.flag, c.price, c.inviting, c.invited], widths, 8);
  s.entries.forEach((e, i) => row(doc, [String(i + 1), ...entryCells(e, formatYuan)], widths, 8));
  const t = s.summary.totals;
  row(
    doc,
    [L.total, '', '', '', '', '', '', formatYuan(t.priceFen), formatYuan(t.invitingShareFen), formatYuan(t.invitedShareFen)],
    widths,
    8,
  );
  doc.moveDown(0.5).fontSize(8).fillColor('#555').text(L.rounding).fillColor('black');
  doc.end();
  return bytes;
}

const totalCells = (t: FeeTotals) => [
  String(t.entries),
  formatYuan(t.priceFen),
  formatYuan(t.invitingShareFen),
  formatYuan(t.invitedShareFen),
];

/** One table row: each cell in its column, the row as tall as its tallest cell; a new page when it would not fit. */
function row(doc: PDFKit.PDFDocument, cells: string[], widths: number[], size: number): void {
  doc.fontSize(size);
  const left = doc.page.margins.left;
  const height = Math.max(...cells.map((text, i) => doc.heightOfString(text || ' ', { width: widths[i]! - 4 })));
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  let x = left;
  cells.forEach((text, i) => {
    doc.text(text, x, top, { width: widths[i]! - 4, lineBreak: true });
    x += widths[i]!;
  });
  doc.x = left;
  doc.y = top + height + 2;
}
