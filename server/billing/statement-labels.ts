// Every word of the exported settlement statement (XLSX and PDF): a document exchanged between the institutions'
// finance offices, in Chinese.
import type { FeeEntryKind, FeeFlag, FeeService, SettlementStatus } from '../../shared/billing.ts';
import { beijingTime } from '../reporting/pdf.ts';

export const STATEMENT_LABELS = {
  title: '远程医疗服务费用结算单',
  sheet: '结算单',
  month: '结算月份',
  inviting: '邀请方（基层医疗机构）',
  invited: '受邀方（县级医院）',
  status: '状态',
  reviewedBy: '审核',
  lockedBy: '锁定',
  byService: '按服务项目汇总',
  entries: '费用明细',
  total: '合计',
  flaggedNote: '其中未纳入协议（待处理）',
  rounding: '分成按分计：邀请方份额向下取整到分，余数归受邀方；两方份额之和等于价格。',
  columns: {
    index: '序号',
    serviceAt: '服务时间',
    kind: '类型',
    service: '服务项目',
    reference: '检查号/会诊',
    agreement: '协议',
    flag: '标记',
    count: '笔数',
    price: '价格（元）',
    inviting: '邀请方（元）',
    invited: '受邀方（元）',
    reason: '说明',
  },
  status_: { OPEN: '未审核', REVIEWED: '已审核', LOCKED: '已锁定' } satisfies Record<SettlementStatus, string>,
  kind: { CHARGE: '计费', REVERSAL: '冲销', REBILL: '重新计费' } satisfies Record<FeeEntryKind, string>,
  flag: { NO_AGREEMENT: '无协议', NOT_COVERED: '协议未覆盖' } satisfies Record<FeeFlag, string>,
  service: {
    IMAGING_DR: '远程影像诊断（DR）',
    IMAGING_CT: '远程影像诊断（CT）',
    IMAGING_MR: '远程影像诊断（MR）',
    IMAGING_US: '远程超声诊断',
    IMAGING_OTHER: '远程影像诊断（其他）',
    ECG: '远程心电诊断',
    CONSULT_REGULAR: '远程会诊（普通）',
    CONSULT_JOINT: '远程联合会诊',
    CONSULT_NAMED: '远程会诊（指定专家）',
    CONSULT_URGENT: '远程急会诊',
  } satisfies Record<FeeService, string>,
  consultation: '会诊',
};

/** A moment as the statement prints it: Beijing time, minutes. */
export function beijingMinute(iso: string): string {
  const { date, time } = beijingTime(new Date(iso));
  return `${date} ${time}`;
}
