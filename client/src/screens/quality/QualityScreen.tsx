import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DurationSpread } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useDurationText } from '../../reading/timers.tsx';
import { ReviewSettings } from './ReviewSettings.tsx';

/**
 * Quality control for supervisors and administrators: reading turnaround, returns for retake per township, and
 * which exam kinds each of their centres has read at two levels.
 */
export function QualityScreen() {
  const { t } = useTranslation();
  return (
    <section>
      <div className="page-title">
        <h1>{t('quality.title')}</h1>
      </div>
      <TurnaroundStats />
      <ReturnsPerTownship />
      <ReviewSettings />
    </section>
  );
}

/** Returns for retake per township: where image quality needs training or equipment attention. */
function ReturnsPerTownship() {
  const { t } = useTranslation();
  const { data, error } = useApi(() => api.qualityReturns(), []);
  const rows = data
    ? [...data].sort((a, b) => b.returns - a.returns || a.organization.name.localeCompare(b.organization.name, 'zh-CN'))
    : [];
  return (
    <section className="card" data-testid="quality-returns">
      <h2>{t('quality.returnsTitle')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <p className="muted">{t('common.loading')}</p>}
      {data &&
        (rows.length === 0 ? (
          <p className="empty">{t('quality.empty')}</p>
        ) : (
          <table className="case-table quality-table">
            <thead>
              <tr>
                <th>{t('quality.township')}</th>
                <th className="numeric">{t('quality.returns')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.organization.id} data-testid="quality-row" data-org-id={row.organization.id}>
                  <td>{row.organization.name}</td>
                  <td className="numeric">{row.returns}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

const PERIODS = [7, 30, 90] as const;

/**
 * How fast each centre reads, by priority, over the cases signed in a recent period; for the cases read at two
 * levels (书写 → 审核) also the writing and the reviewing step (a dash where no case of the row had a review).
 */
function TurnaroundStats() {
  const { t } = useTranslation();
  const duration = useDurationText();
  const [days, setDays] = useState<number>(30);
  const { data: rows, error } = useApi(() => api.turnaroundStats(days), [days]);
  const spread = (s: DurationSpread | null) =>
    s ? t('quality.turnaround.spread', { median: duration(s.median * 60_000), p90: duration(s.p90 * 60_000) }) : '—';
  return (
    <section className="card" data-testid="quality-turnaround">
      <h2>{t('quality.turnaround.title')}</h2>
      <div className="filter-bar">
        <label>
          <span>{t('quality.turnaround.period')}</span>
          <select value={days} data-testid="turnaround-period" onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t('quality.turnaround.days', { count: d })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={error} />
      {!rows && !error && <p className="muted">{t('common.loading')}</p>}
      {rows &&
        (rows.length === 0 ? (
          <p className="empty">{t('quality.turnaround.empty')}</p>
        ) : (
          <table className="case-table quality-table">
            <thead>
              <tr>
                <th>{t('quality.turnaround.centre')}</th>
                <th>{t('quality.turnaround.priority')}</th>
                <th className="numeric">{t('quality.turnaround.signed')}</th>
                <th>{t('quality.turnaround.toClaim')}</th>
                <th>{t('quality.turnaround.toSign')}</th>
                <th title={t('quality.turnaround.twoLevelHint')}>{t('quality.turnaround.toWrite')}</th>
                <th title={t('quality.turnaround.twoLevelHint')}>{t('quality.turnaround.toReview')}</th>
                <th>{t('quality.turnaround.total')}</th>
                <th className="numeric">{t('quality.turnaround.onTime')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={`${row.centre.id}:${row.priority}`}
                  data-testid="turnaround-row"
                  data-centre={row.centre.name}
                  data-priority={row.priority}
                >
                  <td>{row.centre.name}</td>
                  <td>
                    <PriorityBadge priority={row.priority} />
                  </td>
                  <td className="numeric" data-testid="turnaround-signed">
                    {row.signed}
                  </td>
                  <td>{spread(row.toClaim)}</td>
                  <td>{spread(row.toSign)}</td>
                  <td data-testid="turnaround-to-write">{spread(row.toWrite)}</td>
                  <td data-testid="turnaround-to-review">{spread(row.toReview)}</td>
                  <td data-testid="turnaround-total">{spread(row.total)}</td>
                  <td className="numeric" data-testid="turnaround-on-time">
                    {t('quality.turnaround.onTimeShare', { onTime: row.onTime, percent: Math.round((100 * row.onTime) / row.signed) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
