// 双向转诊: one list for both sides, live. The township sees its own referrals (up from it, down to it), the
// county's coordinator those of the departments they coordinate; each row offers the moves its user may make.
// Township staff also refer a patient up from here without a case (新建转诊), besides from a case page.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReferralDto } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { DateTime } from '../../components/format.tsx';
import { useReferralEvents } from '../../realtime/useReferralEvents.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Link, paths } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ReferralActions } from './ReferralActions.tsx';
import { ReferralDialog } from './ReferralForm.tsx';
import { mayRefer, REFERRAL_FILTERS, type ReferralFilter } from './referral-model.ts';
import { useLiveReferrals } from './useLiveReferrals.ts';

export function ReferralsScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const [filter, setFilter] = useState<ReferralFilter>('open');
  const list = useLiveReferrals(filter);
  const [referring, setReferring] = useState(false);
  return (
    <section data-testid="referrals-screen">
      <div className="page-title">
        <h1>{t('referrals.title')}</h1>
        {mayRefer(me) && (
          <button type="button" className="button-primary" data-testid="referral-new" onClick={() => setReferring(true)}>
            {t('referrals.newReferral')}
          </button>
        )}
      </div>
      {mayRefer(me) && <p className="muted small">{t('referrals.fromCase')}</p>}
      {referring && (
        <ReferralDialog
          onCreated={(r) => {
            list.apply(r);
            setReferring(false);
          }}
          onCancel={() => setReferring(false)}
        />
      )}
      <div className="filter-bar">
        <label>
          {t('referrals.filter.label')}
          <select value={filter} data-testid="referral-filter" onChange={(e) => setFilter(e.target.value as ReferralFilter)}>
            {(Object.keys(REFERRAL_FILTERS) as ReferralFilter[]).map((f) => (
              <option key={f} value={f}>
                {t(`referrals.filter.${f}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={list.error} />
      {!list.rows && !list.error && <p className="muted">{t('common.loading')}</p>}
      {list.rows &&
        (list.rows.length === 0 ? (
          <p className="empty" data-testid="referrals-empty">
            {t('referrals.empty')}
          </p>
        ) : (
          <ReferralTable rows={list.rows} onChanged={list.apply} onStale={list.reload} />
        ))}
    </section>
  );
}

/** One referral, live: where a notice and the slip's QR code lead. */
export function ReferralScreen({ referralId }: { referralId: string }) {
  const { t } = useTranslation();
  const [referral, setReferral] = useState<ReferralDto>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    referralsApi.get(referralId).then(setReferral, setError);
  }, [referralId, version]);
  useReferralEvents(({ referral: r }) => r.id === referralId && setReferral(r));
  return (
    <section data-testid="referral-screen">
      <Link to={paths.referrals()} className="back-link">
        {t('referrals.back')}
      </Link>
      <div className="page-title">
        <h1>{referral ? t('referrals.oneTitle', { number: referral.number }) : t('referrals.title')}</h1>
      </div>
      <ErrorMessage error={error} />
      {referral && <ReferralTable rows={[referral]} onChanged={setReferral} onStale={() => setVersion((v) => v + 1)} />}
      {referral && <ReferralDetails referral={referral} />}
    </section>
  );
}

/** What the row leaves out: a patient referred down's discharge summary, follow-up plan and follow-ups. */
function ReferralDetails({ referral: r }: { referral: ReferralDto }) {
  const { t } = useTranslation();
  if (!r.dischargeSummary && !r.followUpPlan && r.followUps.length === 0) return null;
  return (
    <div className="card referral-details">
      {r.dischargeSummary && (
        <p>
          <strong>{t('referrals.dischargeSummary')}</strong> {r.dischargeSummary}
        </p>
      )}
      {r.followUpPlan && (
        <p>
          <strong>{t('referrals.followUpPlan')}</strong> {r.followUpPlan}
        </p>
      )}
      {r.followUps.length > 0 && (
        <ul data-testid="referral-follow-ups">
          {r.followUps.map((f) => (
            <li key={f.id}>
              <DateTime iso={f.at} /> {f.by.displayName}
              {t('common.colon')}
              {f.note}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ReferralTable({
  rows,
  onChanged,
  onStale,
  onCasePage = false,
}: {
  rows: ReferralDto[];
  onChanged: (r: ReferralDto) => void;
  onStale: () => void;
  /** on the case's own page: no link to it */
  onCasePage?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <table className="case-table referral-table">
      <thead>
        <tr>
          <th>{t('referrals.col.status')}</th>
          <th>{t('referrals.col.patient')}</th>
          <th>{t('referrals.col.route')}</th>
          <th>{t('referrals.col.reason')}</th>
          <th>{t('referrals.col.times')}</th>
          <th>{t('referrals.col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <ReferralRow key={r.id} referral={r} caseLink={!onCasePage} onChanged={onChanged} onStale={onStale} />
        ))}
      </tbody>
    </table>
  );
}

function ReferralRow({
  referral: r,
  caseLink,
  onChanged,
  onStale,
}: {
  referral: ReferralDto;
  caseLink: boolean;
  onChanged: (r: ReferralDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [from, to] = r.direction === 'UP' ? [r.township.name, r.department.name] : [r.department.name, r.township.name];
  return (
    <tr
      className={`referral-row${r.greenChannel ? ' referral-green' : ''}`}
      data-testid="referral-row"
      data-id={r.id}
      data-status={r.status}
    >
      <td>
        <span className={`badge referral-status-${r.status.toLowerCase()}`} data-testid="referral-status">
          {t(`referrals.status.${r.status}`)}
        </span>
        <div className="small muted">{r.number}</div>
        {r.greenChannel && (
          <span className="badge priority-stat" data-testid="referral-green-channel">
            {t('referrals.greenChannel')}
          </span>
        )}
        {!r.greenChannel && r.urgency !== 'ROUTINE' && <span className="badge priority-urgent">{t(`referrals.urgency.${r.urgency}`)}</span>}
      </td>
      <td>
        {r.patient.name}
        {r.caseId && caseLink && me.role !== 'REFERRAL_COORDINATOR' && (
          <div className="small">
            <Link to={paths.case(r.caseId)}>{t('referrals.openCase')}</Link>
          </div>
        )}
      </td>
      <td>
        <div>{t(`referrals.direction.${r.direction}`)}</div>
        <div className="small">
          {from} → {to}
        </div>
      </td>
      <td className="referral-reason">
        <div>{r.reason}</div>
        {r.diagnosis && <div className="small muted">{t('referrals.diagnosisShown', { diagnosis: r.diagnosis })}</div>}
        {r.attachments.map((a) => (
          <div className="small" key={a.caseId}>
            {a.accessionNumber} {t(`examKind.${a.examKind}` as 'examKind.CT')}
            {a.impression ? t('referrals.impressionShown', { impression: a.impression }) : ''}
          </div>
        ))}
        {r.booking && r.direction === 'UP' && (
          <div className="small referral-booking" data-testid="referral-booking">
            {t('referrals.bookingShown', {
              doctor: r.booking.doctorName ?? t('common.none'),
              bed: r.booking.admission ? `${r.booking.ward ?? ''} ${r.booking.bedNumber ?? ''}` : t('referrals.outpatient'),
            })}
          </div>
        )}
        {r.declineReason && <div className="small consult-decline-reason">{t('referrals.declineShown', { reason: r.declineReason })}</div>}
        {r.followUps.length > 0 && <div className="small">{t('referrals.followUpCount', { count: r.followUps.length })}</div>}
      </td>
      <td className="small">
        <div>
          {t('referrals.times.created')} <DateTime iso={r.createdAt} />
        </div>
        {r.acceptedAt && (
          <div>
            {t('referrals.times.accepted')} <DateTime iso={r.acceptedAt} />
          </div>
        )}
        {r.departedAt && (
          <div>
            {t('referrals.times.departed')} <DateTime iso={r.departedAt} />
          </div>
        )}
        {r.arrivedAt && (
          <div>
            {t('referrals.times.arrived')} <DateTime iso={r.arrivedAt} />
          </div>
        )}
      </td>
      <td className="actions-cell">
        <ReferralActions referral={r} onChanged={onChanged} onStale={onStale} />
      </td>
    </tr>
  );
}
