// Every dashboard figure as a CSV file for Excel, the audit log's way (audit/audit-csv.ts: UTF-8 with a byte-order
// mark, CRLF, formulas defused). The figures are small (months × townships × services at most), so each file is
// written in one piece.
import type { Response } from 'express';
import type { DashboardLoad, DashboardQuality, DashboardTurnaround, DashboardVolumes, VolumeService } from '../../shared/dashboard.ts';
import type { Priority } from '../../shared/domain.ts';
import { csvLine } from '../audit/audit-csv.ts';

const BOM = '\uFEFF';

const SERVICE_LABELS: Record<VolumeService, string> = {
  IMAGING: '影像诊断',
  ECG: '心电诊断',
  CONSULTATION: '远程会诊',
  REFERRAL_UP: '上转',
  REFERRAL_DOWN: '下转',
};
const PRIORITY_LABELS: Record<Priority, string> = { STAT: '急诊', URGENT: '加急', ROUTINE: '常规' };

/** a share as a percentage with one decimal, empty when there is nothing to divide by */
const percent = (part: number, whole: number) => (whole === 0 ? '' : ((part * 100) / whole).toFixed(1));
const minutes = (value: number | undefined) => (value === undefined ? '' : String(value));

export function volumesCsv(v: DashboardVolumes): string[][] {
  const orgName = new Map(v.organizations.map((o) => [o.id, o.name]));
  return [
    ['月份', '机构', '服务', '检查类别', '数量'],
    ...v.rows.map((r) => [
      r.month,
      orgName.get(r.organizationId) ?? r.organizationId,
      SERVICE_LABELS[r.service],
      r.kind ?? '',
      String(r.count),
    ]),
  ];
}

export function turnaroundCsv(t: DashboardTurnaround): string[][] {
  return [
    [
      '诊断中心',
      '优先级',
      '签发数',
      '按时签发数',
      '按时率 (%)',
      '待领取中位数 (分钟)',
      '待领取 P90 (分钟)',
      '总时长中位数 (分钟)',
      '总时长 P90 (分钟)',
    ],
    ...t.rows.map((r) => [
      r.centre.name,
      PRIORITY_LABELS[r.priority],
      String(r.signed),
      String(r.onTime),
      percent(r.onTime, r.signed),
      minutes(r.toClaim?.median),
      minutes(r.toClaim?.p90),
      String(r.total.median),
      String(r.total.p90),
    ]),
  ];
}

export function qualityCsv(q: DashboardQuality): string[][] {
  return [
    ['机构', '签发数', '退回重拍病例数', '退回率 (%)', '退回次数', '危急值病例数', '危急值率 (%)'],
    ...q.rows.map((r) => [
      r.organization.name,
      String(r.signed),
      String(r.returned),
      percent(r.returned, r.signed),
      String(r.returns),
      String(r.critical),
      percent(r.critical, r.signed),
    ]),
  ];
}

export function loadCsv(l: DashboardLoad): string[][] {
  return [
    ['诊断中心', '待领取', '阅片中', '超时'],
    ...l.rows.map((r) => [r.centre.name, String(r.waiting), String(r.claimed), String(r.overdue)]),
  ];
}

/** `name-<period>.csv`, as a download */
export function sendCsv(res: Response, filename: string, table: string[][]): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.csv"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(BOM + table.map(csvLine).join(''));
}
