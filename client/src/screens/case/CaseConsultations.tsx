// The case's live consultations (远程会诊): the township asks for one from the case page, and the case keeps each
// one's status and, once written, the specialist's opinion, which is how the opinion is attached to the case.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { DateTime } from '../../components/format.tsx';
import { useConsultationEvents } from '../../realtime/useConsultationEvents.ts';
import { Link, paths } from '../../router.tsx';
import { useIsTownship } from '../../session.ts';
import { ConsultationActions } from '../consultations/ConsultationActions.tsx';
import { ConsultationStatusBadge, ConsultationWhen, examKindText, SpecialistName } from '../consultations/ConsultationBits.tsx';
import { RequestConsultationDialog } from '../consultations/RequestConsultationForm.tsx';

export interface CaseConsultationList {
  /** oldest first, as the case carries them */
  rows: ConsultationDto[];
  /** take in a consultation as an action or an event gave it */
  apply: (consultation: ConsultationDto) => void;
}

/**
 * The case's consultations as loaded with the case (taken again whenever the case is reloaded), kept current by
 * consultation:changed events for this case.
 */
export function useCaseConsultations(caseId: string, loaded: ConsultationDto[] | undefined): CaseConsultationList {
  const [rows, setRows] = useState<ConsultationDto[]>(loaded ?? []);
  const [source, setSource] = useState(loaded);
  if (loaded !== source) {
    setSource(loaded);
    setRows(loaded ?? []);
  }
  const apply = (c: ConsultationDto) => {
    if (c.case?.id !== caseId) return;
    setRows((list) => (list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c]));
  };
  useConsultationEvents(({ consultation }) => apply(consultation));
  return { rows, apply };
}

/** 申请远程会诊, for the township's staff on their case. */
export function RequestConsultationButton({ kase, onCreated }: { kase: CaseDetailDto; onCreated: (c: ConsultationDto) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="request-consultation" onClick={() => setOpen(true)}>
        {t('consultations.newRequest')}
      </button>
      {open && (
        <RequestConsultationDialog
          kase={{
            id: kase.id,
            patientName: kase.patient.name,
            examLabel: examKindText(t, kase.examKind),
            centreId: kase.centre?.id ?? null,
          }}
          onCreated={(created) => {
            setOpen(false);
            onCreated(created);
          }}
          onCancel={() => setOpen(false)}
        />
      )}
    </>
  );
}

/** The section: shown to the township always (its place to look), to others once there is a consultation. */
export function CaseConsultations({
  consultations,
  onStale,
}: {
  consultations: CaseConsultationList;
  /** an action found the consultation moved on: load the case (and its consultations) again */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const { rows, apply } = consultations;
  if (rows.length === 0 && !isTownship) return null;
  return (
    <section className="card case-consultations" data-testid="case-consultations">
      <div className="case-consultations-head">
        <h2>{t('consultations.case.title')}</h2>
        <Link to={paths.consultations()} className="small">
          {t('consultations.case.all')}
        </Link>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('consultations.case.empty')}</p>
      ) : (
        <ul className="case-consultation-list">
          {rows.map((c) => (
            <CaseConsultationItem key={c.id} consultation={c} onChanged={apply} onStale={onStale} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CaseConsultationItem({
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
    <li className="case-consultation" data-testid="case-consultation" data-id={c.id} data-status={c.status}>
      <div className="case-consultation-head">
        <ConsultationStatusBadge status={c.status} data-testid="case-consultation-status" />
        <span>
          {c.centre.name} · <SpecialistName consultation={c} />
        </span>
        <span className="muted">
          {t('consultations.case.when')}
          <ConsultationWhen consultation={c} />
        </span>
        <ConsultationActions consultation={c} onChanged={onChanged} onStale={onStale} />
      </div>
      <p className="prewrap case-consultation-topic">{c.topic}</p>
      {c.status === 'DECLINED' && c.declineReason && (
        <p className="consult-decline-reason" data-testid="consultation-decline-reason-text">
          {t('consultations.declineReason', { reason: c.declineReason })}
        </p>
      )}
      {c.startedAt && <ConsultationRecord consultation={c} />}
      {c.opinion && (
        <div className="consult-opinion">
          <h3>{t('consultations.case.opinion')}</h3>
          <p className="prewrap" data-testid="consultation-opinion">
            {c.opinion}
          </p>
          <p className="small muted">
            {c.opinionBy && t('consultations.case.opinionBy', { name: c.opinionBy.displayName })} <DateTime iso={c.opinionAt} />
          </p>
        </div>
      )}
    </li>
  );
}

/** The record of the meeting itself: when it ran, how long, and who was in the room (each person once). */
function ConsultationRecord({ consultation: c }: { consultation: ConsultationDto }) {
  const { t } = useTranslation();
  const people = [...new Map(c.participants.map((p) => [p.user.id, p.user.displayName])).values()];
  return (
    <p className="small muted" data-testid="consultation-record" data-duration-seconds={c.durationSeconds ?? undefined}>
      {t('consultations.case.started')}
      <DateTime iso={c.startedAt} />
      {c.endedAt && (
        <>
          {' · '}
          {t('consultations.case.ended')}
          <DateTime iso={c.endedAt} />
          {c.durationSeconds !== null &&
            ` · ${t('consultations.case.duration', { minutes: Math.max(1, Math.round(c.durationSeconds / 60)) })}`}
        </>
      )}
      {people.length > 0 && ` · ${t('consultations.case.participants', { names: people.join(t('common.listSeparator')) })}`}
    </p>
  );
}
