// The moves a user may make on a referral (referral-model.ts movesFor): the receiving side accepts with a booking
// or declines with a reason, confirms the arrival and closes; the sending side says the patient has left or
// withdraws with a reason; the township records follow-ups of a patient referred down. Everyone who sees a
// referral may print its slip (转诊单).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AcceptReferralRequest, ReferralDto, ReferralEvent } from '../../../../shared/referrals.ts';
import { ApiError } from '../../api/client.ts';
import { referralsApi } from '../../api/referrals.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useMe } from '../../session.ts';
import { localInputToIso } from '../consultations/consultation-model.ts';
import { mayFollowUp, movesFor } from './referral-model.ts';

type Dialog = 'accept' | 'decline' | 'cancel' | 'follow-up' | null;
const DIRECT: readonly ReferralEvent[] = ['depart', 'arrive', 'complete'];

export function ReferralActions({
  referral: r,
  onChanged,
  onStale,
}: {
  referral: ReferralDto;
  onChanged: (r: ReferralDto) => void;
  /** someone else moved it first (409): load it again */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const moves = movesFor(me, r);

  const failed = (e: unknown) => {
    setError(e);
    if (e instanceof ApiError && e.status === 409) {
      setDialog(null);
      onStale();
    }
  };
  const run = async (move: 'depart' | 'arrive' | 'complete') => {
    setPending(true);
    setError(undefined);
    try {
      onChanged(await referralsApi[move](r.id));
    } catch (e) {
      failed(e);
    } finally {
      setPending(false);
    }
  };
  const done = (changed: ReferralDto) => {
    setDialog(null);
    onChanged(changed);
  };

  return (
    <div className="consult-actions referral-actions">
      {moves.includes('accept') && (
        <button type="button" className="button-primary" data-testid="referral-accept" onClick={() => setDialog('accept')}>
          {t('referrals.accept')}
        </button>
      )}
      {moves.includes('decline') && (
        <button type="button" className="button-danger-quiet" data-testid="referral-decline" onClick={() => setDialog('decline')}>
          {t('referrals.decline')}
        </button>
      )}
      {DIRECT.filter((m) => moves.includes(m)).map((move) => (
        <button
          key={move}
          type="button"
          className="button-primary"
          data-testid={`referral-${move}`}
          disabled={pending}
          onClick={() => void run(move as 'depart' | 'arrive' | 'complete')}
        >
          {t(`referrals.moves.${move}` as 'referrals.moves.depart')}
        </button>
      ))}
      {mayFollowUp(me, r) && (
        <button type="button" data-testid="referral-follow-up" onClick={() => setDialog('follow-up')}>
          {t('referrals.followUp')}
        </button>
      )}
      {moves.includes('cancel') && (
        <button type="button" className="button-danger-quiet" data-testid="referral-cancel" onClick={() => setDialog('cancel')}>
          {t('referrals.cancel')}
        </button>
      )}
      <a className="button button-quiet" href={referralsApi.slipUrl(r.id)} target="_blank" rel="noreferrer" data-testid="referral-slip">
        {t('referrals.printSlip')}
      </a>
      <ErrorMessage error={error} data-testid="referral-action-error" />
      {dialog === 'accept' && <AcceptDialog referral={r} onDone={done} onFailed={failed} onCancel={() => setDialog(null)} />}
      {(dialog === 'decline' || dialog === 'cancel' || dialog === 'follow-up') && (
        <TextDialog
          kind={dialog}
          onConfirm={async (text) =>
            done(
              dialog === 'decline'
                ? await referralsApi.decline(r.id, text)
                : dialog === 'cancel'
                  ? await referralsApi.cancel(r.id, text)
                  : await referralsApi.followUp(r.id, text),
            )
          }
          onFailed={failed}
          onCancel={() => setDialog(null)}
        />
      )}
    </div>
  );
}

/** 接收: an upward referral books the doctor, the time and, for an admission, the ward and bed. */
function AcceptDialog({
  referral: r,
  onDone,
  onFailed,
  onCancel,
}: {
  referral: ReferralDto;
  onDone: (r: ReferralDto) => void;
  onFailed: (e: unknown) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [doctorName, setDoctorName] = useState('');
  const [appointment, setAppointment] = useState('');
  const [admission, setAdmission] = useState(false);
  const [ward, setWard] = useState('');
  const [bedNumber, setBedNumber] = useState('');
  const [note, setNote] = useState('');
  const appointmentAt = appointment ? localInputToIso(appointment) : null;
  const booking: AcceptReferralRequest = {
    ...(doctorName.trim() && { doctorName: doctorName.trim() }),
    ...(appointmentAt && { appointmentAt }),
    admission,
    ...(admission && ward.trim() && { ward: ward.trim() }),
    ...(admission && bedNumber.trim() && { bedNumber: bedNumber.trim() }),
    ...(note.trim() && { note: note.trim() }),
  };
  const up = r.direction === 'UP';
  return (
    <ConfirmDialog
      title={t('referrals.acceptTitle', { number: r.number })}
      canConfirm={(!admission || bedNumber.trim() !== '') && (!appointment || appointmentAt !== null)}
      onConfirm={async () => onDone(await referralsApi.accept(r.id, booking))}
      onFailed={onFailed}
      onCancel={onCancel}
      labels={{ cancel: t('referrals.back'), confirm: t('referrals.acceptConfirm'), pending: t('referrals.saving') }}
      testIds={{ form: 'referral-accept-form', confirm: 'referral-accept-confirm' }}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      {up && (
        <>
          <label className="field">
            <span>{t('referrals.doctor')}</span>
            <input value={doctorName} maxLength={64} data-testid="referral-doctor" onChange={(e) => setDoctorName(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('referrals.appointment')}</span>
            <input
              type="datetime-local"
              value={appointment}
              data-testid="referral-appointment"
              onChange={(e) => setAppointment(e.target.value)}
            />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={admission} data-testid="referral-admission" onChange={(e) => setAdmission(e.target.checked)} />
            {t('referrals.admission')}
          </label>
          {admission && (
            <>
              <label className="field">
                <span>{t('referrals.ward')}</span>
                <input value={ward} maxLength={64} data-testid="referral-ward" onChange={(e) => setWard(e.target.value)} />
              </label>
              <label className="field">
                <span>{t('referrals.bed')}</span>
                <input value={bedNumber} maxLength={32} data-testid="referral-bed" onChange={(e) => setBedNumber(e.target.value)} />
              </label>
            </>
          )}
        </>
      )}
      <label className="field">
        <span>{t('referrals.note')}</span>
        <textarea rows={2} maxLength={1000} value={note} data-testid="referral-note" onChange={(e) => setNote(e.target.value)} />
      </label>
    </ConfirmDialog>
  );
}

/** A reason to decline or withdraw, or the note of a follow-up. */
function TextDialog({
  kind,
  onConfirm,
  onFailed,
  onCancel,
}: {
  kind: 'decline' | 'cancel' | 'follow-up';
  onConfirm: (text: string) => Promise<void>;
  onFailed: (e: unknown) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const key = kind === 'follow-up' ? 'followUp' : kind;
  return (
    <ConfirmDialog
      title={t(`referrals.dialog.${key}.title` as 'referrals.dialog.decline.title')}
      canConfirm={text.trim() !== ''}
      onConfirm={() => onConfirm(text.trim())}
      onFailed={onFailed}
      onCancel={onCancel}
      labels={{
        cancel: t('referrals.back'),
        confirm: t(`referrals.dialog.${key}.confirm` as 'referrals.dialog.decline.confirm'),
        pending: t('referrals.saving'),
      }}
      testIds={{ form: `referral-${kind}-form`, confirm: `referral-${kind}-confirm` }}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      <label className="field">
        <span>{t(`referrals.dialog.${key}.label` as 'referrals.dialog.decline.label')}</span>
        <textarea
          rows={3}
          maxLength={1000}
          value={text}
          data-testid={`referral-${kind}-text`}
          autoFocus
          onChange={(e) => setText(e.target.value)}
        />
      </label>
    </ConfirmDialog>
  );
}
