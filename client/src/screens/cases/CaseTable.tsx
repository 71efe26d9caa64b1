import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto } from '../../../../shared/api.ts';
import { PriorityBadge, StatusBadge } from '../../components/badges.tsx';
import { DateTime, SexAge } from '../../components/format.tsx';
import { Link, navigate, paths } from '../../router.tsx';
import { prefetchCase } from '../case/load-case.ts';

export function CaseTable({ cases }: { cases: readonly CaseSummaryDto[] }) {
  const { t } = useTranslation();
  return (
    // on a phone each row becomes a card, its cells labelled by data-label (styles.css, "small screens")
    <table className="case-table">
      <thead>
        <tr>
          <th>{t('cases.col.patient')}</th>
          <th>{t('cases.col.sexAge')}</th>
          <th>{t('cases.col.examKind')}</th>
          <th>{t('cases.col.bodyPart')}</th>
          <th>{t('cases.col.priority')}</th>
          <th>{t('cases.col.status')}</th>
          <th>{t('cases.col.createdAt')}</th>
          <th className="numeric">{t('cases.col.files')}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <CaseRow key={c.id} summary={c} />
        ))}
      </tbody>
    </table>
  );
}

function CaseRow({ summary: c }: { summary: CaseSummaryDto }) {
  const { t } = useTranslation();
  // a signed critical finding the township has not yet confirmed: the row must not be overlooked
  const criticalOpen = c.status === 'SIGNED' && c.critical !== null && c.critical.acknowledgedAt === null;
  // The whole row is the target (a long table on a clinic PC); the name stays a real link for keyboard and new tabs.
  return (
    <tr
      className={`case-row${c.priority === 'STAT' ? ' row-stat' : ''}${criticalOpen ? ' row-critical' : ''}`}
      data-testid="case-row"
      data-case-id={c.id}
      onPointerDown={() => prefetchCase(c.id)}
      onClick={(e) => {
        if (!(e.target instanceof Element && e.target.closest('a'))) navigate(paths.case(c.id));
      }}
    >
      <td>
        <Link to={paths.case(c.id)} className="patient-link">
          {c.patient.name}
        </Link>
        <div className="muted accession-number">{c.accessionNumber}</div>
      </td>
      <td data-label={t('cases.col.sexAge')}>
        <SexAge sex={c.patient.sex} birthDate={c.patient.birthDate} />
      </td>
      <td data-label={t('cases.col.examKind')}>{t(`examKind.${c.examKind}`)}</td>
      <td data-label={t('cases.col.bodyPart')}>{c.bodyPart ?? t('common.none')}</td>
      <td data-label={t('cases.col.priority')}>
        <PriorityBadge priority={c.priority} />
      </td>
      <td data-label={t('cases.col.status')}>
        <StatusBadge status={c.status} />
        {criticalOpen && (
          <span
            className="badge critical-badge"
            data-testid="critical-unacknowledged"
            data-escalated={String(c.critical?.escalatedAt != null)}
          >
            {t('critical.listMark')}
            {c.critical?.escalatedAt && ` · ${t('critical.escalatedMark')}`}
          </span>
        )}
      </td>
      <td data-label={t('cases.col.createdAt')}>
        <DateTime iso={c.createdAt} />
      </td>
      <td className="numeric" data-label={t('cases.col.files')}>
        {c.instanceCount + c.attachmentCount}
      </td>
    </tr>
  );
}
