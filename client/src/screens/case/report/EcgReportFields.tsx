// The ECG report's structured part: inputs in the editor, a small table in the signed report. Values the
// automatic analysis suggested stay marked "auto" until the physician changes them or confirms them all.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EcgReportFields } from '../../../../../shared/reports.ts';

type NumberField = Exclude<keyof EcgReportFields, 'rhythm'>;
/** The numeric fields in report order, with the name of their label and test id (report.ecg.<name>, report-ecg-<name>). */
const NUMBER_FIELDS: readonly [field: NumberField, name: 'rate' | 'pr' | 'qrs' | 'qt' | 'qtc' | 'axis'][] = [
  ['heartRateBpm', 'rate'],
  ['prMs', 'pr'],
  ['qrsMs', 'qrs'],
  ['qtMs', 'qt'],
  ['qtcMs', 'qtc'],
  ['axisDeg', 'axis'],
];

export function EcgFieldInputs({
  value,
  suggested,
  onChange,
  onBlur,
}: {
  value: EcgReportFields;
  /** the automatic measurements as fields; null: there are none */
  suggested: EcgReportFields | null;
  onChange: (value: EcgReportFields) => void;
  onBlur?: () => void;
}) {
  const { t } = useTranslation();
  const [confirmed, setConfirmed] = useState(false);
  const isAuto = (field: keyof EcgReportFields) =>
    !confirmed && suggested !== null && value[field] === suggested[field] && value[field] !== null && value[field] !== '';
  const anyAuto = (['rhythm', ...NUMBER_FIELDS.map(([field]) => field)] as const).some(isAuto);

  return (
    <fieldset className="report-ecg" data-testid="report-ecg">
      <legend>{t('report.ecg.title')}</legend>
      {anyAuto && (
        <p className="report-ecg-prefilled small" data-testid="report-ecg-prefilled">
          {t('report.ecg.prefilled')}
          <button type="button" className="phrase-button" data-testid="report-ecg-confirm" onClick={() => setConfirmed(true)}>
            {t('report.ecg.confirm')}
          </button>
        </p>
      )}
      <label className="field report-ecg-rhythm">
        <span>
          {t('report.ecg.rhythm')} {isAuto('rhythm') && <AutoMark />}
        </span>
        <input
          type="text"
          maxLength={200}
          value={value.rhythm}
          data-testid="report-ecg-rhythm"
          data-prefilled={isAuto('rhythm')}
          onBlur={onBlur}
          onChange={(e) => onChange({ ...value, rhythm: e.target.value })}
        />
      </label>
      <div className="report-ecg-numbers">
        {NUMBER_FIELDS.map(([field, name]) => (
          <label key={field} className="field">
            <span>
              {t(`report.ecg.${name}`)} {isAuto(field) && <AutoMark />}
            </span>
            <IntegerInput
              value={value[field]}
              testId={`report-ecg-${name}`}
              prefilled={isAuto(field)}
              onBlur={onBlur}
              onChange={(n) => onChange({ ...value, [field]: n })}
            />
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function AutoMark() {
  const { t } = useTranslation();
  return (
    <span className="badge report-ecg-auto" title={t('report.ecg.autoHint')}>
      {t('report.ecg.auto')}
    </span>
  );
}

const parseInteger = (text: string): number | null | undefined =>
  text.trim() === '' ? null : /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : undefined;

/**
 * A whole number or empty (null). The text is kept as typed, so that "-" on the way to "-30" is not wiped; the
 * value changes only when the text is a number (or empty), and an outside change (a prefill) replaces the text.
 */
function IntegerInput({
  value,
  testId,
  prefilled,
  onChange,
  onBlur,
}: {
  value: number | null;
  testId: string;
  prefilled: boolean;
  onChange: (value: number | null) => void;
  onBlur?: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => {
    if (parseInteger(text) !== value) setText(value === null ? '' : String(value));
  }, [value]);
  const invalid = parseInteger(text) === undefined;
  return (
    <input
      type="text"
      inputMode="numeric"
      value={text}
      data-testid={testId}
      data-prefilled={prefilled}
      aria-invalid={invalid}
      title={invalid ? t('report.ecg.notInteger') : undefined}
      onBlur={onBlur}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseInteger(e.target.value);
        if (parsed !== undefined) onChange(parsed);
      }}
    />
  );
}

/** The signed report's ECG fields: one row of values under their names. */
export function EcgFieldsTable({ fields }: { fields: EcgReportFields }) {
  const { t } = useTranslation();
  const shown = (v: number | null) => (v === null ? t('common.none') : String(v));
  return (
    <table className="report-ecg-table" data-testid="report-signed-ecg">
      <thead>
        <tr>
          <th>{t('report.ecg.rhythm')}</th>
          {NUMBER_FIELDS.map(([field, name]) => (
            <th key={field}>{t(`report.ecg.${name}`)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <td data-field="rhythm">{fields.rhythm || t('common.none')}</td>
          {NUMBER_FIELDS.map(([field]) => (
            <td key={field} data-field={field}>
              {shown(fields[field])}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
