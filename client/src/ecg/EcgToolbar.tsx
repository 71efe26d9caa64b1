// The reader's controls: layout, paper speed, gain, display filters, zoom and the caliper tool. Every control is
// a button showing its state (aria-pressed), so the current settings can be read off the toolbar at a glance.
import { useTranslation } from 'react-i18next';
import { LAYOUTS, type LayoutId } from '../../../shared/ecg/layout.ts';
import { GAINS, PAPER_SPEEDS, ZOOM_STEPS, type Gain, type PaperSpeed } from '../../../shared/ecg/scale.ts';
import { DISPLAY_FILTERS, FILTER_HZ, type DisplayFilter } from './useEcgSignal.ts';

export interface ReaderSettings {
  layout: LayoutId;
  speed: PaperSpeed;
  gain: Gain;
  filters: readonly DisplayFilter[];
  /** index into ZOOM_STEPS */
  zoomStep: number;
  caliperOn: boolean;
}

export function EcgToolbar({ settings, onChange }: { settings: ReaderSettings; onChange: (change: Partial<ReaderSettings>) => void }) {
  const { t } = useTranslation();
  const toggleFilter = (filter: DisplayFilter) =>
    onChange({ filters: settings.filters.includes(filter) ? settings.filters.filter((f) => f !== filter) : [...settings.filters, filter] });
  const zoom = ZOOM_STEPS[settings.zoomStep]!;

  return (
    <div className="ecg-toolbar viewer-toolbar" role="toolbar" aria-label={t('ecg.title')}>
      <Choices
        label={t('ecg.layout')}
        options={LAYOUTS}
        value={settings.layout}
        testId={(l) => `ecg-layout-${l}`}
        text={(l) => t(`ecg.layouts.${l}`)}
        onChoose={(layout) => onChange({ layout })}
      />
      <Choices
        label={t('ecg.speed')}
        options={PAPER_SPEEDS}
        value={settings.speed}
        testId={(s) => `ecg-speed-${s}`}
        text={(s) => t('ecg.unit.speed', { value: s })}
        onChoose={(speed) => onChange({ speed })}
      />
      <Choices
        label={t('ecg.gain')}
        options={GAINS}
        value={settings.gain}
        testId={(g) => `ecg-gain-${g}`}
        text={(g) => t('ecg.unit.gain', { value: g })}
        onChoose={(gain) => onChange({ gain })}
      />
      <div className="viewer-group" role="group" aria-label={t('ecg.filters')}>
        {DISPLAY_FILTERS.map((filter) => (
          <button
            type="button"
            key={filter}
            className={settings.filters.includes(filter) ? 'active' : undefined}
            aria-pressed={settings.filters.includes(filter)}
            data-testid={`ecg-filter-${filter}`}
            title={t(`ecg.filterHint.${filter}`)}
            onClick={() => toggleFilter(filter)}
          >
            {t(`ecg.filter.${filter}`, { hz: FILTER_HZ[filter] })}
          </button>
        ))}
      </div>
      <div className="viewer-group" role="group" aria-label={t('ecg.zoom')} title={t('ecg.zoomHint')}>
        <button
          type="button"
          data-testid="ecg-zoom-out"
          aria-label={t('ecg.zoomOut')}
          disabled={settings.zoomStep === 0}
          onClick={() => onChange({ zoomStep: settings.zoomStep - 1 })}
        >
          −
        </button>
        <span className="ecg-zoom-value" data-testid="ecg-zoom-value">
          {Math.round(zoom * 100)}%
        </span>
        <button
          type="button"
          data-testid="ecg-zoom-in"
          aria-label={t('ecg.zoomIn')}
          disabled={settings.zoomStep === ZOOM_STEPS.length - 1}
          onClick={() => onChange({ zoomStep: settings.zoomStep + 1 })}
        >
          +
        </button>
      </div>
      <button
        type="button"
        className={settings.caliperOn ? 'active' : undefined}
        aria-pressed={settings.caliperOn}
        data-testid="ecg-caliper"
        title={t('ecg.caliper.toolHint')}
        onClick={() => onChange({ caliperOn: !settings.caliperOn })}
      >
        {t('ecg.caliper.tool')}
      </button>
    </div>
  );
}

/** One setting's values as a row of buttons, the current one pressed. */
function Choices<T extends string | number>({
  label,
  options,
  value,
  testId,
  text,
  onChoose,
}: {
  label: string;
  options: readonly T[];
  value: T;
  testId: (option: T) => string;
  text: (option: T) => string;
  onChoose: (option: T) => void;
}) {
  return (
    <div className="viewer-group" role="group" aria-label={label}>
      <span className="ecg-control-label muted small">{label}</span>
      {options.map((option) => (
        <button
          type="button"
          key={option}
          className={option === value ? 'active' : undefined}
          aria-pressed={option === value}
          data-testid={testId(option)}
          onClick={() => onChoose(option)}
        >
          {text(option)}
        </button>
      ))}
    </div>
  );
}
