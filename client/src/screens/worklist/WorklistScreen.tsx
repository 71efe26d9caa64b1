import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto, ConsortiumDto, MeResponse } from '../../../../shared/api.ts';
import { EXAM_KINDS, type ExamKind } from '../../../../shared/domain.ts';
import { townshipsOf } from '../../api/consortium.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { useTicking } from '../../clock.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { navigate, paths, useLocation } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { preloadCaseViewer } from '../../viewer/load.ts';
import { useLiveWorklist } from './useLiveWorklist.ts';
import { WorklistFilterBar } from './WorklistFilterBar.tsx';
import { filtersFromSearch, searchOf, type WorklistFilters } from './worklist-model.ts';
import { WorklistTable } from './WorklistTable.tsx';

/** The reading centre's queue: what waits to be read, most urgent and oldest first, live. */
export function WorklistScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const filters = filtersFromSearch(new URL(location, window.location.origin).search);
  const setFilters = (next: WorklistFilters) => navigate(paths.worklist(searchOf(next)), { replace: true });
  const worklist = useLiveWorklist(filters, me.id);
  const consortium = useApi(() => api.consortium(), []);
  const filtered = searchOf(filters) !== '';
  // the reader opens cases from here: have the viewer's code ready by then
  useEffect(preloadCaseViewer, []);

  return (
    <section>
      <div className="page-title">
        <h1>{t('worklist.title')}</h1>
        {me.centres.length > 0 && <span className="muted">{me.centres.map((c) => c.name).join(t('common.listSeparator'))}</span>}
        {worklist.rows && <WorklistCounts rows={worklist.rows} />}
      </div>
      <WorklistFilterBar
        filters={filters}
        examKinds={examKindsFor(me, consortium.data)}
        townships={townshipsOf(consortium.data)}
        onChange={setFilters}
      />
      <ErrorMessage error={worklist.error ?? consortium.error} />
      {!worklist.rows && !worklist.error && <p className="muted">{t('common.loading')}</p>}
      {worklist.rows &&
        (worklist.rows.length === 0 ? (
          <p className="empty" data-testid="worklist-empty">
            {filtered ? t('worklist.emptyFiltered') : t('worklist.empty')}
          </p>
        ) : (
          <WorklistTable rows={worklist.rows} onChanged={worklist.apply} onStale={worklist.reload} />
        ))}
    </section>
  );
}

/** "12 例 · 3 例已超时": the second part ticks, since cases go overdue while the list is open. */
function WorklistCounts({ rows }: { rows: readonly CaseSummaryDto[] }) {
  const { t } = useTranslation();
  const overdue = useTicking((now) => rows.filter((r) => r.dueAt !== null && Date.parse(r.dueAt) <= now).length);
  return (
    <span className="worklist-counts">
      <span data-testid="worklist-count">{t('worklist.count', { count: rows.length })}</span>
      {overdue > 0 && (
        <span className="overdue-count" data-testid="overdue-count">
          {t('worklist.overdueCount', { count: overdue })}
        </span>
      )}
    </span>
  );
}

/** The kinds the reader's own centres read (all of them for an administrator, or while still loading). */
function examKindsFor(me: MeResponse, consortium: ConsortiumDto | undefined): readonly ExamKind[] {
  if (!consortium || me.role === 'ADMIN') return EXAM_KINDS;
  const mine = new Set(consortium.centres.filter((c) => me.centres.some((m) => m.id === c.id)).flatMap((c) => c.examKinds));
  return EXAM_KINDS.filter((k) => mine.has(k));
}
