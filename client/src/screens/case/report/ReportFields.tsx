import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { bodyRegionOf } from '../../../../../shared/body-regions.ts';
import {
  asReportTemplate,
  phrasesFor,
  REPORT_TEMPLATES,
  templatesFor,
  type ReportDraft,
  type ReportDto,
  type ReportTemplate,
} from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { useApi } from '../../../api/useApi.ts';
import { showsEcgFields, suggestedEcgFields, withEcgPrefill } from './ecg-fields.ts';
import { EcgFieldInputs } from './EcgReportFields.tsx';

/**
 * The report as the editor holds it: the body of PUT /report (an amendment adds its reason and password). ECG
 * fields are null until the report shows them.
 */
export type ReportFieldValues = ReportDraft;

/** The server keeps at most this many key images (reportDraftSchema). */
export const MAX_KEY_IMAGES = 12;
/** Used until the reader picks a template: every exam kind has it. */
export const FALLBACK_TEMPLATE = 'general';

export const emptyReport = (): ReportFieldValues => ({
  templateId: '',
  findings: '',
  impression: '',
  criticalFinding: false,
  keyImageIds: [],
  ecgFields: null,
});

/** A saved report's editable fields: a draft to go on with, or a signed version to amend. */
export const fieldValuesOf = (r: ReportDto): ReportFieldValues => ({
  templateId: r.templateId,
  findings: r.findings,
  impression: r.impression,
  criticalFinding: r.criticalFinding,
  keyImageIds: r.keyImageIds,
  ecgFields: r.ecgFields,
});

type TextField = 'findings' | 'impression';

/** 存为我的模板: the report's text as one of the reader's own templates, for this exam kind and body region. */
function SaveAsMyTemplate({ kase, value, onSaved }: { kase: CaseDetailDto; value: ReportFieldValues; onSaved: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState<string | null>(null);
  if (title === null) {
    return (
      <button type="button" className="button-quiet" data-testid="personal-template-new" onClick={() => setTitle('')}>
        {t('report.saveAsMine')}
      </button>
    );
  }
  const save = async () => {
    await api.createPersonalTemplate({
      title: title.trim(),
      examKind: kase.examKind,
      bodyRegion: bodyRegionOf(kase.bodyPart),
      findings: value.findings,
      impression: value.impression,
    });
    setTitle(null);
    onSaved();
  };
  return (
    <span className="personal-template-form">
      <input
        value={title}
        maxLength={100}
        placeholder={t('report.myTemplateTitle')}
        data-testid="personal-template-title"
        onChange={(e) => setTitle(e.target.value)}
      />
      <button
        type="button"
        data-testid="personal-template-save"
        disabled={!title.trim()}
        onClick={() => void save().catch(() => undefined)}
      >
        {t('report.saveMine')}
      </button>
      <button type="button" onClick={() => setTitle(null)}>
        {t('report.cancel')}
      </button>
    </span>
  );
}

/**
 * The report's fields: the template (choosing one fills the fields still empty), an ECG's measurements (prefilled
 * from the automatic analysis), findings and impression, the template's normal phrases (inserted where the cursor
 * is), the critical-finding flag and the key images.
 */
export function ReportFields({
  kase,
  value,
  onChange,
  onBlur,
  currentInstanceId,
}: {
  kase: CaseDetailDto;
  value: ReportFieldValues;
  onChange: (value: ReportFieldValues) => void;
  onBlur?: () => void;
  currentInstanceId: string | null;
}) {
  const { t } = useTranslation();
  // the reader's own templates first, then the shared ones; of the exam's body region (a chest CT is not offered
  // head phrases)
  const personal = useApi(() => api.personalTemplates(), []);
  const all = [...(personal.data ?? []).map(asReportTemplate), ...REPORT_TEMPLATES];
  const templates = templatesFor(kase.examKind, kase.bodyPart, all);
  const template = templates.find((tp) => tp.id === value.templateId);
  const phrases = template?.normalPhrases.length ? template.normalPhrases : phrasesFor(kase.examKind, kase.bodyPart, all);
  const fields = { findings: useRef<HTMLTextAreaElement>(null), impression: useRef<HTMLTextAreaElement>(null) };
  /** where a phrase goes: the text field the reader was last in */
  const lastField = useRef<TextField>('findings');

  const chooseTemplate = (id: string) => {
    const chosen = templates.find((tp) => tp.id === id);
    if (!chosen) return onChange({ ...value, templateId: id });
    const filled = {
      ...value,
      templateId: chosen.id,
      findings: value.findings.trim() ? value.findings : chosen.findings,
      impression: value.impression.trim() ? value.impression : chosen.impression,
    };
    onChange(withEcgPrefill(filled, kase));
  };

  const insertPhrase = (phrase: string) => {
    const name = lastField.current;
    const element = fields[name].current;
    const text = value[name];
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    onChange({ ...value, [name]: text.slice(0, start) + phrase + text.slice(end) });
    // after React has written the new text: the cursor goes behind the phrase, ready for the next one
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + phrase.length, start + phrase.length);
    });
  };

  const keyImageFull = value.keyImageIds.length >= MAX_KEY_IMAGES;
  const addKeyImage = () => {
    if (!currentInstanceId || value.keyImageIds.includes(currentInstanceId) || keyImageFull) return;
    onChange({ ...value, keyImageIds: [...value.keyImageIds, currentInstanceId] });
  };

  return (
    <div className="report-fields">
      <label className="field">
        <span>{t('report.template')}</span>
        <select value={template ? template.id : ''} data-testid="report-template" onChange={(e) => chooseTemplate(e.target.value)}>
          <option value="">{t('report.templateUnset')}</option>
          {templates.map((tp: ReportTemplate) => (
            <option key={tp.id} value={tp.id}>
              {tp.title}
            </option>
          ))}
        </select>
      </label>
      <SaveAsMyTemplate kase={kase} value={value} onSaved={personal.reload} />
      {phrases.length > 0 && (
        <div className="report-phrases" aria-label={t('report.phrases')}>
          <span className="muted small">{t('report.phrases')}</span>
          {phrases.map((phrase) => (
            // mousedown would take the focus (and the cursor position) away from the text field
            <button
              type="button"
              key={phrase}
              className="phrase-button"
              data-testid="report-phrase"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => insertPhrase(phrase)}
            >
              {phrase}
            </button>
          ))}
        </div>
      )}
      {value.ecgFields && showsEcgFields(kase, value.templateId) && (
        <EcgFieldInputs
          value={value.ecgFields}
          suggested={suggestedEcgFields(kase)}
          onChange={(ecgFields) => onChange({ ...value, ecgFields })}
          onBlur={onBlur}
        />
      )}
      <label className="field">
        <span>{t('report.findings')}</span>
        <textarea
          ref={fields.findings}
          rows={7}
          maxLength={20_000}
          value={value.findings}
          data-testid="report-findings"
          onFocus={() => (lastField.current = 'findings')}
          onBlur={onBlur}
          onChange={(e) => onChange({ ...value, findings: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('report.impression')}</span>
        <textarea
          ref={fields.impression}
          rows={3}
          maxLength={5_000}
          value={value.impression}
          data-testid="report-impression"
          onFocus={() => (lastField.current = 'impression')}
          onBlur={onBlur}
          onChange={(e) => onChange({ ...value, impression: e.target.value })}
        />
      </label>
      <label
        className={`checkbox-field report-critical${value.criticalFinding ? ' report-critical-on' : ''}`}
        title={t('report.criticalHint')}
      >
        <input
          type="checkbox"
          checked={value.criticalFinding}
          data-testid="report-critical"
          onChange={(e) => onChange({ ...value, criticalFinding: e.target.checked })}
        />
        {t('report.critical')}
        <span className="muted small">{t('report.criticalHint')}</span>
      </label>
      <div className="report-key-images">
        <div className="report-key-images-head">
          <strong>{t('report.keyImages')}</strong>
          <button
            type="button"
            data-testid="report-key-image-add"
            disabled={!currentInstanceId || keyImageFull || value.keyImageIds.includes(currentInstanceId)}
            title={
              !currentInstanceId
                ? t('report.keyImageNoViewer')
                : keyImageFull
                  ? t('report.keyImageFull', { max: MAX_KEY_IMAGES })
                  : undefined
            }
            onClick={addKeyImage}
          >
            {t('report.keyImageAdd')}
          </button>
        </div>
        <KeyImageList
          kase={kase}
          ids={value.keyImageIds}
          onRemove={(id) => onChange({ ...value, keyImageIds: value.keyImageIds.filter((k) => k !== id) })}
        />
      </div>
    </div>
  );
}

/** Key images by series and image number; `onRemove` makes them removable. */
export function KeyImageList({ kase, ids, onRemove }: { kase: CaseDetailDto; ids: readonly string[]; onRemove?: (id: string) => void }) {
  const { t } = useTranslation();
  const describe = useKeyImageLabel(kase);
  if (ids.length === 0) return onRemove ? <p className="muted small">{t('report.keyImageNone')}</p> : null;
  return (
    <ul className="key-image-list">
      {ids.map((id) => (
        <li key={id} data-testid="report-key-image" data-instance-id={id}>
          <span>{describe(id)}</span>
          {onRemove && (
            <button
              type="button"
              className="button-quiet"
              aria-label={t('report.keyImageRemove')}
              title={t('report.keyImageRemove')}
              onClick={() => onRemove(id)}
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function useKeyImageLabel(kase: CaseDetailDto): (instanceId: string) => string {
  const { t } = useTranslation();
  return (instanceId) => {
    for (const study of kase.studies) {
      for (const series of study.series) {
        const instance = series.instances.find((i) => i.id === instanceId);
        if (!instance) continue;
        const seriesName = [series.modality, series.seriesNumber !== null ? t('viewer.seriesLabel', { number: series.seriesNumber }) : null]
          .filter(Boolean)
          .join(' ');
        return t('report.keyImageLabel', { series: seriesName, number: instance.instanceNumber ?? '?' });
      }
    }
    return instanceId;
  };
}
