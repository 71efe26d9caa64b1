// Every word the printed report prints of its own, per language. The report's text (findings, impression, the
// confirmed rhythm) is the reader's and stays as written; only these labels follow the chosen language, so a
// Chinese report carries no English word but the lead names and units that Chinese ECGs print too.
import type { ExamKind, Sex } from '../../shared/domain.ts';
import { ageOn, chineseAge } from '../../shared/patient-age.ts';
import type { PrintLanguage } from '../../shared/reports.ts';

/** Who put their name to the report: the signing reader, and (two-level reading) the reviewing one. */
/** one physician who wrote and signed; or, in two-level reporting, the writer and the reviewer who signed */
export type SignatureRole = 'REPORTER' | 'WRITER' | 'REVIEWER';

export interface PrintLabels {
  title: (examKind: ExamKind) => string;
  examKind: Record<ExamKind, string>;
  sex: Record<Sex, string>;
  age: (birthDate: string | null, examDate: string) => string | null;
  performedAt: string;
  readingCentre: string;
  name: string;
  sexLabel: string;
  ageLabel: string;
  accessionNumber: string;
  examTime: string;
  examKindLabel: string;
  bodyPart: string;
  nationalId: string;
  clinicalQuestion: string;
  findings: string;
  impression: string;
  critical: string;
  keyImages: string;
  notEmbedded: (count: number) => string;
  signatureRole: Record<SignatureRole, string>;
  signedAt: string;
  version: (version: number, reason: string) => string;
  disclaimer: string;
  verification: (code: string, version: number) => string;
  /** beside the QR code (TELEDX_REPORT_QR) */
  scanToVerify: string;
  ecgMeasurements: string;
  ecgAutomatic: string;
  ecgTracing: string;
  rhythm: string;
  heartRate: string;
  perMinute: string;
  pr: string;
  qrs: string;
  qtQtc: string;
  axis: string;
  paperScale: (speedMmPerS: number, gainMmPerMv: number) => string;
  /** between a label and its value */
  colon: string;
  none: string;
}

const ZH: PrintLabels = {
  title: (kind) => `${ZH.examKind[kind] === '其他' ? '' : ZH.examKind[kind]}诊断报告`,
  examKind: { DR: 'X线摄影', CT: 'CT', MR: '磁共振', US: '超声', ECG: '心电图', OTHER: '其他' },
  sex: { M: '男', F: '女', O: '其他', U: '未知' },
  age: chineseAge,
  performedAt: '检查机构',
  readingCentre: '诊断中心',
  name: '姓名',
  sexLabel: '性别',
  ageLabel: '年龄',
  accessionNumber: '检查号',
  examTime: '检查时间',
  examKindLabel: '检查类型',
  bodyPart: '检查部位',
  nationalId: '身份证号',
  clinicalQuestion: '临床问题',
  findings: '检查所见',
  impression: '诊断意见',
  critical: '【危急值】已通知送检机构',
  keyImages: '关键图像',
  notEmbedded: (count) => `（${count} 幅为压缩格式，未嵌入）`,
  signatureRole: { REPORTER: '报告医师', WRITER: '书写医师', REVIEWER: '审核医师' },
  signedAt: '签发时间',
  version: (version, reason) => `第 ${version} 版（修订：${reason}）`,
  disclaimer: '本报告仅供临床参考，经远程诊断平台签发。',
  verification: (code, version) => `报告验证码：${code}（凭检查号、第 ${version} 版与此码可在诊断平台查验本报告）`,
  scanToVerify: '手机扫描右侧二维码，即可查验本报告的真伪。',
  ecgMeasurements: '心电图测量',
  ecgAutomatic: '（自动测量，未经医师确认）',
  ecgTracing: '十二导联心电图',
  rhythm: '心律',
  heartRate: '心率',
  perMinute: '次/分',
  pr: 'PR间期',
  qrs: 'QRS时限',
  qtQtc: 'QT/QTc',
  axis: '电轴',
  paperScale: (speed, gain) => `走纸速度 ${speed} mm/s  增益 ${gain} mm/mV`,
  colon: '：',
  none: '—',
};

const EN_AGE_UNITS = { years: 'y', months: 'mo', days: 'd' } as const;

const EN: PrintLabels = {
  title: (kind) => `${kind === 'OTHER' ? 'Diagnostic' : EN.examKind[kind]} report`,
  examKind: { DR: 'Radiography', CT: 'CT', MR: 'MR', US: 'Ultrasound', ECG: 'ECG', OTHER: 'Other' },
  sex: { M: 'Male', F: 'Female', O: 'Other', U: 'Unknown' },
  age: (birthDate, examDate) => {
    const age = ageOn(birthDate, examDate);
    return age && `${age.count} ${EN_AGE_UNITS[age.unit]}`;
  },
  performedAt: 'Examined at',
  readingCentre: 'Reading centre',
  name: 'Name',
  sexLabel: 'Sex',
  ageLabel: 'Age',
  accessionNumber: 'Exam no.',
  examTime: 'Exam time',
  examKindLabel: 'Exam',
  bodyPart: 'Body part',
  nationalId: 'ID number',
  clinicalQuestion: 'Clinical question',
  findings: 'Findings',
  impression: 'Impression',
  critical: '[Critical finding] The referring organization was notified',
  keyImages: 'Key images',
  notEmbedded: (count) => `(${count} compressed, not embedded)`,
  signatureRole: { REPORTER: 'Reported by', WRITER: 'Written by', REVIEWER: 'Reviewed by' },
  signedAt: 'Signed',
  version: (version, reason) => `Version ${version} (amended: ${reason})`,
  disclaimer: 'For clinical reference; signed on the teledx remote diagnosis platform.',
  verification: (code, version) => `Verification code: ${code} (with the exam number and version ${version}, checks this report)`,
  scanToVerify: 'Scan the QR code on the right with a phone to check that this report is authentic.',
  ecgMeasurements: 'ECG measurements',
  ecgAutomatic: '(automatic, not confirmed by a physician)',
  ecgTracing: '12-lead ECG',
  rhythm: 'Rhythm',
  heartRate: 'Rate',
  perMinute: 'bpm',
  pr: 'PR',
  qrs: 'QRS',
  qtQtc: 'QT/QTc',
  axis: 'Axis',
  paperScale: (speed, gain) => `${speed} mm/s  ${gain} mm/mV`,
  colon: ': ',
  none: '—',
};

export const PRINT_LABELS: Record<PrintLanguage, PrintLabels> = { 'zh-CN': ZH, en: EN };
