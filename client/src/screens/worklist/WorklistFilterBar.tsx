import { useTranslation } from 'react-i18next';
import { PRIORITIES, type ExamKind } from '../../../../shared/domain.ts';
import type { Township } from '../../api/consortium.ts';
import type { WorklistFilters } from './worklist-model.ts';

/** Exam kind, township, priority and "mine": each narrows the list the server sends. */
export function WorklistFilterBar({
  filters,
  examKinds,
  townships,
  onChange,
}: {
  filters: WorklistFilters;
  /** the kinds this reader's centres read: an ECG reader is not offered CT */
  examKinds: readonly ExamKind[];
  townships: readonly Township[];
  onChange: (filters: WorklistFilters) => void;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<WorklistFilters>) => onChange({ ...filters, ...patch });
  return (
    <div className="filter-bar" role="search">
      <label>
        <span>{t('worklist.filter.examKind')}</span>
        <select
          data-testid="worklist-filter-exam-kind"
          value={filters.examKind ?? ''}
          onChange={(e) => set({ examKind: examKinds.find((k) => k === e.target.value) })}
        >
          <option value="">{t('worklist.filter.all')}</option>
          {examKinds.map((k) => (
            <option key={k} value={k}>
              {t(`examKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('worklist.filter.township')}</span>
        <select
          data-testid="worklist-filter-township"
          value={filters.originOrgId ?? ''}
          onChange={(e) => set({ originOrgId: e.target.value || undefined })}
        >
          <option value="">{t('worklist.filter.all')}</option>
          {townships.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('worklist.filter.priority')}</span>
        <select
          data-testid="worklist-filter-priority"
          value={filters.priority ?? ''}
          onChange={(e) => set({ priority: PRIORITIES.find((p) => p === e.target.value) })}
        >
          <option value="">{t('worklist.filter.all')}</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-mine">
        <input
          type="checkbox"
          data-testid="worklist-filter-mine"
          checked={filters.mine}
          onChange={(e) => set({ mine: e.target.checked })}
        />
        <span>{t('worklist.filter.mine')}</span>
      </label>
    </div>
  );
}
