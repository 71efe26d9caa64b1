// Structured reports: templates per exam kind and body region, the report shapes, and the quality-return vocabulary.
// A signed report is immutable; an amendment is a new signed version with a reason, and the history is kept.
import { z } from 'zod';
import { personRefSchema } from './consult.ts';
import { criticalValueDtoSchema } from './critical.ts';
import { bodyRegionOf, bodyRegionSchema } from './body-regions.ts';
import { examKindSchema, type ExamKind } from './domain.ts';
import { idText, safeText } from './input.ts';

export const reportTemplateSchema = z.strictObject({
  id: z.string(),
  examKinds: z.array(examKindSchema).readonly(),
  /** the body regions it is written for; empty: any (shared/body-regions.ts) */
  bodyRegions: z.array(bodyRegionSchema).readonly(),
  /** zh-CN title; templates are clinical text in Chinese, the language of the reports */
  title: z.string(),
  findings: z.string(),
  impression: z.string(),
  /** phrases a reader inserts with one click */
  normalPhrases: z.array(z.string()).readonly(),
});
export type ReportTemplate = z.infer<typeof reportTemplateSchema>;

export const REPORT_TEMPLATES: readonly ReportTemplate[] = [
  {
    id: 'chest-dr',
    examKinds: ['DR'],
    bodyRegions: ['CHEST'],
    title: '胸部正位片',
    findings: '胸廓对称，气管居中。双肺纹理清晰，未见明显实质性病变。心影大小、形态未见异常。双侧膈面光整，肋膈角锐利。',
    impression: '胸部正位片未见明显异常。',
    normalPhrases: ['双肺纹理清晰', '心影大小形态正常', '双侧肋膈角锐利', '纵隔居中，未见增宽'],
  },
  {
    id: 'head-ct',
    examKinds: ['CT'],
    bodyRegions: ['HEAD'],
    title: '头颅CT平扫',
    findings: '脑实质内未见异常密度影，灰白质分界清楚。脑室系统大小、形态正常，中线结构居中。颅骨未见骨折。',
    impression: '头颅CT平扫未见明显异常。',
    normalPhrases: ['未见出血灶', '中线结构居中', '脑沟脑裂未见增宽', '颅骨未见骨折'],
  },
  {
    id: 'chest-ct',
    examKinds: ['CT'],
    bodyRegions: ['CHEST'],
    title: '胸部CT平扫',
    findings:
      '胸廓对称，气管及主支气管通畅。双肺纹理清晰，肺实质内未见明显异常密度影。纵隔居中，未见肿大淋巴结。心影大小正常。双侧胸膜未见增厚，胸腔未见积液。',
    impression: '胸部CT平扫未见明显异常。',
    normalPhrases: ['双肺未见实质性病变', '气管支气管通畅', '纵隔未见肿大淋巴结', '双侧胸腔未见积液'],
  },
  {
    id: 'abdomen-ct',
    examKinds: ['CT'],
    bodyRegions: ['ABDOMEN', 'PELVIS'],
    title: '腹部CT平扫',
    findings:
      '肝脏大小形态正常，实质密度均匀。胆囊不大，腔内未见异常密度影。胰腺、脾脏、双肾形态密度未见异常。腹腔及腹膜后未见肿大淋巴结。',
    impression: '腹部CT平扫未见明显异常。',
    normalPhrases: ['肝实质密度均匀', '胆囊未见结石', '双肾未见积水', '腹膜后未见肿大淋巴结'],
  },
  {
    id: 'abdomen-us',
    examKinds: ['US'],
    bodyRegions: ['ABDOMEN'],
    title: '腹部超声',
    findings: '肝脏大小形态正常，包膜光滑，实质回声均匀。胆囊大小正常，壁光滑，腔内未见异常回声。胰腺、脾脏、双肾未见明显异常。',
    impression: '肝、胆、胰、脾、双肾超声未见明显异常。',
    normalPhrases: ['肝实质回声均匀', '胆囊未见结石', '双肾未见积水', '脾脏大小正常'],
  },
  {
    id: 'head-mr',
    examKinds: ['MR'],
    bodyRegions: ['HEAD'],
    title: '头颅MR平扫',
    findings: '脑实质内未见异常信号，灰白质分界清楚。脑室系统大小形态正常，中线结构居中。',
    impression: '头颅MR平扫未见明显异常。',
    normalPhrases: ['脑实质未见异常信号', 'DWI未见弥散受限', '中线结构居中'],
  },
  {
    id: 'mr-general',
    examKinds: ['MR'],
    bodyRegions: [],
    title: 'MR检查',
    findings: '',
    impression: '',
    normalPhrases: ['未见异常信号', '增强扫描未见异常强化'],
  },
  {
    id: 'ecg-12lead',
    examKinds: ['ECG'],
    bodyRegions: [],
    title: '十二导联心电图',
    // the rhythm, rate, intervals and axis are the report's structured ECG fields (prefilled from the automatic
    // measurements), so the text describes the waveforms only
    findings: '各导联P波、QRS波群形态正常，ST段未见明显偏移，T波未见明显异常。',
    impression: '窦性心律，正常心电图。',
    normalPhrases: ['窦性心律', '正常心电图', 'ST-T未见异常'],
  },
  {
    id: 'general',
    examKinds: ['DR', 'CT', 'MR', 'US', 'ECG', 'OTHER'],
    bodyRegions: [],
    title: '通用报告',
    findings: '',
    impression: '',
    normalPhrases: [],
  },
];

/**
 * The templates for an exam of this kind and body part: those written for its body region, then those for any
 * region. When the body part names no region we know, every template of the exam kind.
 */
export function templatesFor(
  examKind: ExamKind,
  bodyPart?: string | null,
  templates: readonly ReportTemplate[] = REPORT_TEMPLATES,
): ReportTemplate[] {
  const region = bodyRegionOf(bodyPart);
  const ofKind = templates.filter((t) => t.examKinds.includes(examKind));
  if (!region) return ofKind;
  const specific = ofKind.filter((t) => t.bodyRegions.includes(region));
  return [...specific, ...ofKind.filter((t) => t.bodyRegions.length === 0)];
}

/** The phrase library of an exam: the phrases of its templates (as templatesFor chose them), each once. */
export function phrasesFor(
  examKind: ExamKind,
  bodyPart?: string | null,
  templates: readonly ReportTemplate[] = REPORT_TEMPLATES,
): string[] {
  return [...new Set(templatesFor(examKind, bodyPart, templates).flatMap((t) => t.normalPhrases))];
}

/** A reader's own template (POST/PUT /api/personal-templates): its text and phrases, for an exam kind and body region. */
export const personalTemplateInputSchema = z.object({
  title: safeText().trim().min(1).max(100),
  examKind: examKindSchema.nullable().default(null),
  bodyRegion: bodyRegionSchema.nullable().default(null),
  findings: safeText({ multiline: true }).max(20_000).default(''),
  impression: safeText({ multiline: true }).max(5_000).default(''),
  phrases: z.array(safeText().trim().min(1).max(200)).max(50).default([]),
});
export type PersonalTemplateInput = z.input<typeof personalTemplateInputSchema>;

export const personalTemplateDtoSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  examKind: examKindSchema.nullable(),
  bodyRegion: bodyRegionSchema.nullable(),
  findings: z.string(),
  impression: z.string(),
  phrases: z.array(z.string()),
  updatedAt: z.iso.datetime(),
});
export type PersonalTemplateDto = z.infer<typeof personalTemplateDtoSchema>;

/** A personal template as the editor offers it beside the shared ones (its id prefixed, so the two never clash). */
export function asReportTemplate(p: PersonalTemplateDto): ReportTemplate {
  return {
    id: `personal:${p.id}`,
    examKinds: p.examKind ? [p.examKind] : examKindSchema.options,
    bodyRegions: p.bodyRegion ? [p.bodyRegion] : [],
    title: p.title,
    findings: p.findings,
    impression: p.impression,
    normalPhrases: p.phrases,
  };
}

/** Why a reader sends a case back to the township for a retake (counted per township for quality control). */
export const QUALITY_RETURN_CODES = [
  'MOTION_ARTIFACT',
  'POSITIONING',
  'INCOMPLETE_COVERAGE',
  'EXPOSURE',
  'MISSING_SERIES',
  'PATIENT_INFO',
  'OTHER',
] as const;
export type QualityReturnCode = (typeof QUALITY_RETURN_CODES)[number];

/**
 * An ECG report's structured part: what the reader confirmed or corrected of the automatic measurements. Values
 * are whole numbers in beats per minute, milliseconds and degrees; null where not measurable.
 */
const ecgValue = (max: number) => z.number().int().min(-max).max(max).nullable();
export const ecgReportFieldsSchema = z.object({
  rhythm: safeText().trim().max(200),
  heartRateBpm: ecgValue(400),
  prMs: ecgValue(1000),
  qrsMs: ecgValue(1000),
  qtMs: ecgValue(2000),
  qtcMs: ecgValue(2000),
  axisDeg: ecgValue(180),
});
export type EcgReportFields = z.infer<typeof ecgReportFieldsSchema>;

/** The printed report's labels: Chinese (the default, what the township hands to the patient) or English. */
export const PRINT_LANGUAGES = ['zh-CN', 'en'] as const;
export const printLanguageSchema = z.enum(PRINT_LANGUAGES);
export type PrintLanguage = z.infer<typeof printLanguageSchema>;

/**
 * What the public verification of a printed report answers (GET /api/report-verification/…): that this version of
 * the report with this exam number was signed, by whom and when, and the hash of what it says; of the patient only
 * the masked name, so that a found printout can be checked without revealing more than it already shows.
 */
export const reportVerificationDtoSchema = z.strictObject({
  accessionNumber: z.string(),
  version: z.number().int(),
  /** false when a later amendment superseded this version */
  current: z.boolean(),
  hospital: z.string().nullable(),
  readingCentre: z.string().nullable(),
  patientName: z.string(),
  signedBy: z.string().nullable(),
  signedAt: z.string(),
  /** SHA-256 (hex) of the signed content: exam number, version, findings, impression, ECG fields, signer, time */
  contentSha256: z.string(),
});
export type ReportVerificationDto = z.infer<typeof reportVerificationDtoSchema>;

/**
 * The public page that checks one printed version (the client's verify screen, which the printed QR code opens):
 * /verify/<exam number>/<version>/<verification code>.
 */
export function verificationPath(accessionNumber: string, version: number, code: string): string {
  return `/verify/${encodeURIComponent(accessionNumber)}/${version}/${encodeURIComponent(code)}`;
}

/** The parts of a verification page's path, or null for any other path. */
export function parseVerificationPath(pathname: string): { accessionNumber: string; version: number; code: string } | null {
  const match = /^\/verify\/([^/]+)\/(\d{1,6})\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  try {
    return { accessionNumber: decodeURIComponent(match[1]!), version: Number(match[2]), code: decodeURIComponent(match[3]!) };
  } catch {
    return null; // a malformed escape
  }
}

const reportBody = {
  templateId: idText(),
  findings: safeText({ multiline: true }).max(20_000),
  impression: safeText({ multiline: true }).max(5_000),
  criticalFinding: z.boolean().default(false),
  /** instance ids of the key images shown with the report */
  keyImageIds: z.array(idText()).max(12).default([]),
  /** ECG reports only */
  ecgFields: ecgReportFieldsSchema.nullable().default(null),
};

export const reportDraftSchema = z.object(reportBody);
/** The body of PUT /api/cases/:id/report: what the report editor holds. */
export type ReportDraft = z.infer<typeof reportDraftSchema>;
export const signReportSchema = z.object({ password: z.string().min(1) });
export const amendReportSchema = z.object({
  ...reportBody,
  reason: safeText({ multiline: true }).trim().min(2).max(500),
  password: z.string().min(1),
});
/** The reviewer sends a preliminary report back to its writer: what to change. */
export const returnToWriterSchema = z.object({ note: safeText({ multiline: true }).trim().min(2).max(1000) });
export const qualityReturnSchema = z.object({
  codes: z.array(z.enum(QUALITY_RETURN_CODES)).min(1),
  note: safeText({ multiline: true }).trim().max(1000).default(''),
});

// ---- responses (strict objects; the types are inferred) ----

const isoDateTime = z.iso.datetime();

export const reportDtoSchema = z.strictObject({
  id: z.string(),
  version: z.number().int(),
  status: z.enum(['DRAFT', 'SIGNED', 'SUPERSEDED']),
  templateId: z.string(),
  findings: z.string(),
  impression: z.string(),
  criticalFinding: z.boolean(),
  keyImageIds: z.array(z.string()),
  /** ECG reports: rhythm, rate, intervals and axis as confirmed by the reader */
  ecgFields: ecgReportFieldsSchema.strict().nullable(),
  author: personRefSchema,
  signedBy: personRefSchema.nullable(),
  signedAt: isoDateTime.nullable(),
  amendmentReason: z.string().nullable(),
  updatedAt: isoDateTime,
});
export type ReportDto = z.infer<typeof reportDtoSchema>;

export const caseReportDtoSchema = z.strictObject({
  /** the report in force: the draft being written, or the latest signed version */
  current: reportDtoSchema.nullable(),
  /** earlier signed versions, newest first */
  history: z.array(reportDtoSchema),
  /** the critical value (危急值) the signed report flagged, and how far its loop is (shared/critical.ts) */
  critical: criticalValueDtoSchema.nullable(),
});
export type CaseReportDto = z.infer<typeof caseReportDtoSchema>;

/** GET /api/quality/returns: how many retakes each township was asked for, most first. */
export const qualityReturnsRowSchema = z.strictObject({
  organization: z.strictObject({ id: z.string(), name: z.string() }),
  returns: z.number().int(),
});
export type QualityReturnsRow = z.infer<typeof qualityReturnsRowSchema>;
