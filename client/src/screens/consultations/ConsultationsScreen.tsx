// 远程会诊: one list for both sides. The township sees what it asked for, the reading centre what was asked of it
// (or of one of its specialists by name), newest first, live; each row offers the moves its user may make.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { DateTime } from '../../components/format.tsx';
import { ConsultErrorMessage } from './ConsultErrorMessage.tsx';
import { useMe } from '../../session.ts';
import { ConsultationActions } from './ConsultationActions.tsx';
import {
  ConsultationCaseLink,
  ConsultationStatusBadge,
  ConsultationsUnavailableNotice,
  ConsultationWhen,
  SpecialistName,
} from './ConsultationBits.tsx';
import { mayRequest, STATUS_FILTERS, type StatusFilter } from './consultation-model.ts';
import { RequestConsultationDialog } from './RequestConsultationForm.tsx';
import { useLiveConsultations } from './useLiveConsultations.ts';

export function ConsultationsScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [requesting, setRequesting] = useState(false);
  // the server sends only consultations this user may see: each event takes its place in the list
  const list = useLiveConsultations(filter);

  return (
    <section data-testid="consultations-screen">
      <div className="page-title">
        <h1>{t('consultations.title')}</h1>
        {mayRequest(me) && (
          <button type="button" className="button-primary" data-testid="new-consultation" onClick={() => setRequesting(true)}>
            {t('consultations.newRequest')}
          </button>
        )}
      </div>
      <ConsultationsUnavailableNotice />
      <div className="filter-bar">
        <label>
          {t('consultations.filter.label')}
          <select value={filter} data-testid="consultation-filter" onChange={(e) => setFilter(e.target.value as StatusFilter)}>
            {(Object.keys(STATUS_FILTERS) as StatusFilter[]).map((f) => (
              <option key={f} value={f}>
                {t(`consultations.filter.${f}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ConsultErrorMessage error={list.error} />
      {!list.rows && !list.error && <p className="muted">{t('common.loading')}</p>}
      {list.rows &&
        (list.rows.length === 0 ? (
          <p className="empty" data-testid="consultations-empty">
            {filter === 'all' ? t('consultations.empty') : t('consultations.emptyFiltered')}
          </p>
        ) : (
          <table className="case-table consult-table">
            <thead>
              <tr>
                <th>{t('consultations.col.status')}</th>
                <th>{t('consultations.col.when')}</th>
                <th>{t('consultations.col.topic')}</th>
                <th>{t('consultations.col.requestedBy')}</th>
                <th>{t('consultations.col.centre')}</th>
                <th>{t('consultations.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((c) => (
                <ConsultationRow key={c.id} consultation={c} onChanged={list.apply} onStale={list.reload} />
              ))}
            </tbody>
          </table>
        ))}
      {requesting && (
        <RequestConsultationDialog
          onCreated={(created) => {
            setRequesting(false);
            list.apply(created);
          }}
          onCancel={() => setRequesting(false)}
        />
      )}
    </section>
  );
}

function ConsultationRow({
  consultation: c,
  onChanged,
  onStale,
}: {
  consultation: ConsultationDto;
  onChanged: (c: ConsultationDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  return (
    <tr
      className={`consult-row consult-row-${c.status.toLowerCase()}`}
      data-testid="consultation-row"
      data-status={c.status}
      data-id={c.id}
    >
      <td>
        <ConsultationStatusBadge status={c.status} data-testid="consultation-status" />
      </td>
      <td className="consult-when-cell">
        <ConsultationWhen consultation={c} />
        <div className="small muted">
          {t('consultations.requestedAt')} <DateTime iso={c.createdAt} />
        </div>
      </td>
      <td className="consult-topic-cell">
        <div className="consult-topic" data-testid="consultation-topic-text">
          {c.topic}
        </div>
        <div className="small">
          <ConsultationCaseLink consultation={c} />
        </div>
        {c.status === 'DECLINED' && c.declineReason && (
          <div className="consult-decline-reason" data-testid="consultation-decline-reason-text">
            {t('consultations.declineReason', { reason: c.declineReason })}
          </div>
        )}
        {c.opinion && <div className="small consult-opinion-flag">✓ {t('consultations.opinionWritten')}</div>}
      </td>
      <td>
        {c.requestedBy.displayName}
        <div className="small muted">{c.requestingOrg.name}</div>
      </td>
      <td>
        {c.centre.name}
        <div className="small" data-testid="consultation-specialist-name">
          <SpecialistName consultation={c} />
        </div>
        {c.invitees.length > 0 && (
          <div className="small muted" data-testid="consultation-invitees">
            {t('consultations.invitees', { names: c.invitees.map((i) => i.user.displayName).join(t('common.listSeparator')) })}
          </div>
        )}
      </td>
      <td className="actions-cell">
        <ConsultationActions consultation={c} onChanged={onChanged} onStale={onStale} />
      </td>
    </tr>
  );
}
