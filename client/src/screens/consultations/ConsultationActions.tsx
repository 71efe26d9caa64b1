// The moves a user may make on a consultation outside the room: the centre accepts or declines (with a reason),
// the requester withdraws, both sides (and invited specialists) enter the room once it is accepted, the specialist
// or the centre's supervisor invites further specialists (a joint consultation).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { consultationsApi } from '../../api/consultations.ts';
import { ApiError } from '../../api/client.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ConsultErrorMessage } from './ConsultErrorMessage.tsx';
import { Link, paths } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { mayAnswer, mayCancel, mayInvite, mayJoin } from './consultation-model.ts';
import { InviteSpecialistButton } from './InviteSpecialist.tsx';

type Move = 'accept' | 'cancel';

export function ConsultationActions({
  consultation: c,
  onChanged,
  onStale,
}: {
  consultation: ConsultationDto;
  onChanged: (consultation: ConsultationDto) => void;
  /** someone else moved it first (409): load it again */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [pending, setPending] = useState<Move | null>(null);
  const [declining, setDeclining] = useState(false);
  const [error, setError] = useState<unknown>();

  const run = async (move: Move) => {
    setPending(move);
    setError(undefined);
    try {
      onChanged(await (move === 'accept' ? consultationsApi.accept(c.id) : consultationsApi.cancel(c.id)));
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409) onStale();
    } finally {
      setPending(null);
    }
  };

  const answer = mayAnswer(me, c);
  const cancel = mayCancel(me, c);
  const join = mayJoin(me, c);
  const invite = mayInvite(me, c);
  if (!answer && !cancel && !join && !invite && !error && !declining) return null;
  return (
    <div className="consult-actions">
      {join && (
        <Link to={paths.consultRoom(c.id)} className="button button-primary" data-testid="consultation-join">
          {t('consultations.join')}
        </Link>
      )}
      {invite && <InviteSpecialistButton consultation={c} onInvited={onChanged} />}
      {answer && (
        <>
          <button
            type="button"
            className="button-primary"
            data-testid="consultation-accept"
            disabled={pending !== null}
            onClick={() => void run('accept')}
          >
            {pending === 'accept' ? t('consultations.accepting') : t('consultations.accept')}
          </button>
          <button
            type="button"
            className="button-danger-quiet"
            data-testid="consultation-decline"
            disabled={pending !== null}
            onClick={() => setDeclining(true)}
          >
            {t('consultations.decline')}
          </button>
        </>
      )}
      {cancel && (
        <button
          type="button"
          className="button-danger-quiet"
          data-testid="consultation-cancel"
          disabled={pending !== null}
          onClick={() => void run('cancel')}
        >
          {pending === 'cancel' ? t('consultations.cancelling') : t('consultations.cancel')}
        </button>
      )}
      <ConsultErrorMessage error={error} data-testid="consultation-action-error" />
      {declining && (
        <DeclineDialog
          consultationId={c.id}
          onDone={(declined) => {
            setDeclining(false);
            onChanged(declined);
          }}
          onFailed={(e) => {
            if (e instanceof ApiError && e.status === 409) {
              setDeclining(false);
              setError(e);
              onStale();
            }
          }}
          onCancel={() => setDeclining(false)}
        />
      )}
    </div>
  );
}

/** 拒绝: the township is told why, so that it can ask again at another time or elsewhere. */
function DeclineDialog({
  consultationId,
  onDone,
  onFailed,
  onCancel,
}: {
  consultationId: string;
  onDone: (consultation: ConsultationDto) => void;
  onFailed: (error: unknown) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <ConfirmDialog
      title={t('consultations.declineTitle')}
      canConfirm={reason.trim() !== ''}
      onConfirm={async () => onDone(await consultationsApi.decline(consultationId, reason.trim()))}
      onFailed={onFailed}
      onCancel={onCancel}
      labels={{ cancel: t('consultations.back'), confirm: t('consultations.declineConfirm'), pending: t('consultations.declining') }}
      testIds={{ form: 'consultation-decline-form', confirm: 'consultation-decline-confirm' }}
      renderError={(error) => <ConsultErrorMessage error={error} />}
    >
      <label className="field">
        <span>{t('consultations.declineReasonLabel')}</span>
        <textarea
          name="reason"
          rows={3}
          maxLength={500}
          value={reason}
          placeholder={t('consultations.declineReasonPlaceholder')}
          data-testid="consultation-decline-reason"
          autoFocus
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
    </ConfirmDialog>
  );
}
