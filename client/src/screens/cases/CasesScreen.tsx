import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto } from '../../../../shared/api.ts';
import { api, CASE_PAGE_SIZE } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useCaseEvents, useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { Link, paths } from '../../router.tsx';
import { useIsTownship } from '../../session.ts';
import { preloadCaseViewer } from '../../viewer/load.ts';
import { CaseTable } from './CaseTable.tsx';

export function CasesScreen() {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const firstPage = useApi(() => api.listCases(), []);
  const [olderPages, setOlderPages] = useState<CaseSummaryDto[]>([]);
  const [moreError, setMoreError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  // cases are opened from here: have the viewer's code ready by then
  useEffect(preloadCaseViewer, []);

  const cases = [...(firstPage.data ?? []), ...olderPages];
  const lastPageFull = (olderPages.length > 0 ? olderPages.length : (firstPage.data?.length ?? 0)) % CASE_PAGE_SIZE === 0;
  const mayHaveMore = cases.length > 0 && lastPageFull;

  // live: a case moves on (已提交 → 阅片中) where it stands; one new to this list joins it in date order
  useCaseEvents(({ case: changed }) => {
    if (olderPages.some((c) => c.id === changed.id)) setOlderPages((older) => older.map((c) => (c.id === changed.id ? changed : c)));
    else if (firstPage.data) firstPage.setData(placeCase(firstPage.data, changed, !mayHaveMore && olderPages.length === 0));
  });
  // events missed while disconnected: start again from the newest page
  useResyncOnConnect(() => {
    setOlderPages([]);
    firstPage.reload();
  });

  const loadMore = async () => {
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await api.listCases(cases.at(-1)?.id);
      setOlderPages((older) => [...older, ...page]);
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section>
      <div className="page-title">
        <h1>{isTownship ? t('cases.title') : t('cases.historyTitle')}</h1>
        {isTownship && (
          <Link to={paths.newExam()} className="button button-primary" data-testid="new-exam">
            {t('cases.newExam')}
          </Link>
        )}
      </div>
      <ErrorMessage error={firstPage.error} />
      {!firstPage.data && !firstPage.error && <p className="muted">{t('common.loading')}</p>}
      {firstPage.data && (cases.length === 0 ? <p className="empty">{t('cases.empty')}</p> : <CaseTable cases={cases} />)}
      <ErrorMessage error={moreError} />
      {mayHaveMore && (
        <button type="button" className="load-more" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? t('common.loading') : t('cases.loadMore')}
        </button>
      )}
    </section>
  );
}

/**
 * The first page with a case updated, or inserted newest first. A case older than everything loaded is left
 * out unless the whole list is loaded: "load more" will bring it, in its place.
 */
function placeCase(page: CaseSummaryDto[], kase: CaseSummaryDto, complete: boolean): CaseSummaryDto[] {
  if (page.some((c) => c.id === kase.id)) return page.map((c) => (c.id === kase.id ? kase : c));
  const at = page.findIndex((c) => c.createdAt < kase.createdAt);
  if (at >= 0) return [...page.slice(0, at), kase, ...page.slice(at)];
  return complete ? [...page, kase] : page;
}
