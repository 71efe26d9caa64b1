// Small pieces both the consultations screen and the case page show.
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ConsultationDto, ConsultationStatus } from '../../../../shared/consult.ts';
import { EXAM_KINDS, type ExamKind } from '../../../../shared/domain.ts';
import { DateTime } from '../../components/format.tsx';
import { Link, paths } from '../../router.tsx';
import { useMe } from '../../session.ts';

export function ConsultationStatusBadge({ status, ...rest }: { status: ConsultationStatus } & HTMLAttributes<HTMLSpanElement>) {
  const { t } = useTranslation();
  return (
    <span className={`badge consult-status-${status.toLowerCase().replace('_', '-')}`} data-status={status} {...rest}>
      {t(`consultations.status.${status}`)}
    </span>
  );
}

/** "现在" for a consultation asked for at once, else the appointed time. */
export function ConsultationWhen({ consultation: c }: { consultation: ConsultationDto }) {
  const { t } = useTranslation();
  return c.scheduledAt ? <DateTime iso={c.scheduledAt} /> : <>{t('consultations.now')}</>;
}

/** The specialist (asked for, or who accepted), else "任一专家". */
export function SpecialistName({ consultation: c }: { consultation: ConsultationDto }) {
  const { t } = useTranslation();
  return c.specialist ? <>{c.specialist.displayName}</> : <span className="muted">{t('consultations.anySpecialist')}</span>;
}

/** The case discussed, as a link: "张三 · CT". */
export function ConsultationCaseLink({ consultation: c }: { consultation: ConsultationDto }) {
  const { t } = useTranslation();
  if (!c.case) return <span className="muted">{t('consultations.noCase')}</span>;
  const exam = examKindText(t, c.case.examKind);
  return (
    <Link to={paths.case(c.case.id)} data-testid="consultation-case-link">
      {c.case.patientName} · {exam}
    </Link>
  );
}

/** The exam kind's label (the DTO carries it as a plain string). */
export function examKindText(t: TFunction, kind: string): string {
  return EXAM_KINDS.includes(kind as ExamKind) ? t(`examKind.${kind as ExamKind}`) : kind;
}

/** Said where consultations are asked for or entered, when this server cannot hold live ones (GET /api/me). */
export function ConsultationsUnavailableNotice() {
  const { t } = useTranslation();
  const { features } = useMe();
  if (features.consultations) return null;
  return (
    <p className="notice notice-warn" role="status" data-testid="consultations-unavailable" data-why={features.consultationsUnavailable}>
      {t(`consultations.unavailable.${features.consultationsUnavailable ?? 'MEDIA_WORKER_MISSING'}`)}
    </p>
  );
}
