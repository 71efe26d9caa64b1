import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto } from '../../../../shared/api.ts';
import { HELD_STATUSES } from '../../../../shared/case-status.ts';
import { useIsPast } from '../../clock.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { SexAge } from '../../components/format.tsx';
import { ClaimActions } from '../../reading/ClaimActions.tsx';
import { summaryOf } from '../../reading/claims.ts';
import { SlaCountdown, WaitingTime } from '../../reading/timers.tsx';
import { Link, navigate, paths } from '../../router.tsx';
import { prefetchCase } from '../case/load-case.ts';

export function WorklistTable({
  rows,
  onChanged,
  onStale,
}: {
  rows: readonly CaseSummaryDto[];
  onChanged: (kase: CaseSummaryDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="case-table worklist-table">
      <thead>
        <tr>
          <th>{t('worklist.col.patient')}</th>
          <th>{t('worklist.col.township')}</th>
          <th>{t('worklist.col.exam')}</th>
          <th>{t('worklist.col.priority')}</th>
          <th>{t('worklist.col.waiting')}</th>
          <th>{t('worklist.col.sla')}</th>
          <th>{t('worklist.col.claimedBy')}</th>
          <th>{t('worklist.col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <WorklistRow key={c.id} kase={c} onChanged={onChanged} onStale={onStale} />
        ))}
      </tbody>
    </table>
  );
}

/** Clicks on the row's own controls act on the case; anywhere else opens it. */
/** the row's own controls (claim, release, …) act on the case without opening it */
const CONTROLS = 'button, select, input, label, [role="alert"]';
const pressesControl = (e: MouseEvent) => e.target instanceof Element && e.target.closest(CONTROLS) !== null;
/** a control, or the patient's name (a link that opens the case itself) */
const isControl = (e: MouseEvent) => e.target instanceof Element && e.target.closest(`a, ${CONTROLS}`) !== null;

function WorklistRow({
  kase: c,
  onChanged,
  onStale,
}: {
  kase: CaseSummaryDto;
  onChanged: (kase: CaseSummaryDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const overdue = useIsPast(c.dueAt);
  const classes = [
    'case-row',
    c.priority === 'STAT' && 'row-stat',
    c.priority === 'URGENT' && 'row-urgent',
    overdue && 'row-overdue',
    HELD_STATUSES.includes(c.status) && 'row-claimed',
  ];
  return (
    <tr
      className={classes.filter(Boolean).join(' ')}
      data-testid="worklist-row"
      data-case-id={c.id}
      data-status={c.status}
      data-priority={c.priority}
      onPointerDown={(e) => {
        if (!pressesControl(e)) prefetchCase(c.id);
      }}
      onClick={(e) => {
        if (!isControl(e)) navigate(paths.case(c.id));
      }}
    >
      <td>
        <Link to={paths.case(c.id)} className="patient-link">
          {c.patient.name}
        </Link>
        <div className="muted small">
          <SexAge sex={c.patient.sex} birthDate={c.patient.birthDate} />
        </div>
        <div className="muted small accession-number">{c.accessionNumber}</div>
      </td>
      <td>{c.originOrg.name}</td>
      <td>
        {t(`examKind.${c.examKind}`)}
        {c.bodyPart && <div className="muted small">{c.bodyPart}</div>}
      </td>
      <td>
        <PriorityBadge priority={c.priority} />
      </td>
      <td>
        <WaitingTime since={c.submittedAt} />
      </td>
      <td>
        <SlaCountdown dueAt={c.dueAt} />
      </td>
      <td>
        <span data-testid="claimed-by" className={c.claimedBy ? 'claimed-by' : 'muted'}>
          {c.claimedBy?.displayName ?? t('worklist.unclaimed')}
        </span>
      </td>
      <td className="actions-cell">
        <ClaimActions kase={c} onChanged={(detail) => onChanged(summaryOf(detail))} onStale={onStale} />
      </td>
    </tr>
  );
}
