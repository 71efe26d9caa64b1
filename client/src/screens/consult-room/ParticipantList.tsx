// Who is in the room: name, side (township requester, county specialist, or an invited specialist), who presents the shared viewer, and
// what each sends (microphone and camera on, paused, or absent; a shared screen).
import { useTranslation } from 'react-i18next';
import type { ConsultPeerDto } from '../../../../shared/consult.ts';

const SIDE_LABEL = {
  requester: 'consultRoom.sideRequester',
  specialist: 'consultRoom.sideSpecialist',
  invitee: 'consultRoom.sideInvitee',
} as const satisfies Record<ConsultPeerDto['side'], string>;

export function ParticipantList({
  peers,
  myPeerId,
  presenterPeerId,
}: {
  peers: readonly ConsultPeerDto[];
  myPeerId: string | null;
  presenterPeerId: string | null;
}) {
  const { t } = useTranslation();
  return (
    <section className="consult-participants">
      <h3>{t('consultRoom.participants', { count: peers.length })}</h3>
      <ul data-testid="participants">
        {peers.map((peer) => {
          const states = [
            peer.media.mic === 'paused' ? t('consultRoom.micPaused') : peer.media.mic === 'off' ? t('consultRoom.micOff') : null,
            peer.media.cam === 'paused' ? t('consultRoom.camPaused') : peer.media.cam === 'off' ? t('consultRoom.camOff') : null,
            peer.media.screen !== 'off' ? t('consultRoom.sharing') : null,
          ].filter(Boolean);
          return (
            <li
              key={peer.peerId}
              data-testid="participant"
              data-peer-id={peer.peerId}
              data-side={peer.side}
              data-mic={peer.media.mic}
              data-cam={peer.media.cam}
              data-screen={peer.media.screen}
            >
              <span className="consult-participant-name">
                {peer.user.displayName}
                {peer.peerId === myPeerId && <span className="muted">{t('common.parenthesised', { text: t('consultRoom.you') })}</span>}
              </span>
              <span className="badge">{t(SIDE_LABEL[peer.side])}</span>
              {peer.peerId === presenterPeerId && (
                <span className="badge consult-presenter-badge" data-testid="participant-presenter">
                  {t('consultRoom.presenterBadge')}
                </span>
              )}
              {states.length > 0 && <span className="muted consult-participant-media">{states.join(' · ')}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
