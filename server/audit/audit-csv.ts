// The audit log as a CSV file, with the same filters as the screen: UTF-8 with a byte-order mark, which is how
// Excel knows the file is UTF-8 (without it, Chinese names and verbs open as mojibake on a Chinese Windows), CRLF
// line ends (RFC 4180). Written a page at a time, so that a year of acts is never held in memory at once.
import type { Response } from 'express';
import { once } from 'node:events';
import type { AuditEntryDto, AuditFilter } from '../../shared/api.ts';
import type { Db } from '../db/client.ts';
import { auditLog } from './audit-log.ts';

const PAGE = 500;
const BOM = '\uFEFF';
const HEADINGS = ['时间 (北京时间)', '操作', '操作人', '所属机构', '检查号', '患者', '对象类型', '对象编号', 'IP 地址', '详情'];

export async function sendAuditCsv(db: Db, filter: AuditFilter, res: Response): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.setHeader('Cache-Control', 'private, no-store');
  await write(res, BOM + csvLine(HEADINGS));
  let before: string | undefined;
  for (;;) {
    const page = await auditLog(db, { ...filter, before, limit: PAGE });
    if (page.length > 0) await write(res, page.map((e) => csvLine(auditCsvCells(e))).join(''));
    if (page.length < PAGE) break;
    before = page.at(-1)!.id;
  }
  res.end();
}

export function auditCsvCells(e: AuditEntryDto): string[] {
  return [
    beijingTime(e.at),
    e.action,
    e.actor?.displayName ?? '系统',
    e.actor?.organization ?? '',
    e.exam?.accessionNumber ?? '',
    e.exam?.patientName ?? '',
    e.entityType,
    e.entityId ?? '',
    e.ip ?? '',
    e.details ? JSON.stringify(e.details) : '',
  ];
}

/** One record: fields quoted when they hold a separator, a quote or a line break; formulas defused for Excel. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(value: string): string {
  // a cell beginning with = + - @ is a formula to Excel (CSV injection): a leading apostrophe keeps it text
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const beijingTime = (iso: string) => {
  const t = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
};

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain');
}
