// 邀请专家: the consultation's specialist (or the centre's supervisor) invites a further county specialist, a reader
// or supervisor of any of the consortium's centres, into an accepted or running consultation (a joint
// consultation). Offered where mayInvite says so, in the consultations list and in the room.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { consultationsApi } from '../../api/consultations.ts';
import { useApi } from '../../api/useApi.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ConsultErrorMessage } from './ConsultErrorMessage.tsx';

export function InviteSpecialistButton({
  consultation,
  onInvited,
}: {
  consultation: ConsultationDto;
  onInvited: (consultation: ConsultationDto) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="consultation-invite" onClick={() => setOpen(true)}>
        {t('consultations.invite')}
      </button>
      {open && (
        <InviteDialog
          consultationId={consultation.id}
          onDone={(invited) => {
            setOpen(false);
            onInvited(invited);
          }}
          onCancel={() => setOpen(false)}
        />
      )}
    </>
  );
}

function InviteDialog({
  consultationId,
  onDone,
  onCancel,
}: {
  consultationId: string;
  onDone: (consultation: ConsultationDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const invitable = useApi(() => consultationsApi.invitable(consultationId), [consultationId]);
  const [userId, setUserId] = useState('');
  const people = invitable.data ?? [];
  return (
    <ConfirmDialog
      title={t('consultations.inviteTitle')}
      canConfirm={userId !== ''}
      onConfirm={async () => onDone(await consultationsApi.invite(consultationId, userId))}
      onCancel={onCancel}
      labels={{ cancel: t('consultations.back'), confirm: t('consultations.inviteConfirm'), pending: t('consultations.inviting') }}
      testIds={{ form: 'consultation-invite-form', confirm: 'consultation-invite-confirm' }}
      renderError={(error) => <ConsultErrorMessage error={error} />}
    >
      <p className="muted small">{t('consultations.inviteHint')}</p>
      <ConsultErrorMessage error={invitable.error} />
      <label className="field">
        <span>{t('consultations.inviteLabel')}</span>
        <select
          name="userId"
          value={userId}
          data-testid="consultation-invite-user"
          disabled={invitable.data === undefined}
          autoFocus
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">{invitable.data && people.length === 0 ? t('consultations.inviteNone') : '—'}</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
    </ConfirmDialog>
  );
}
