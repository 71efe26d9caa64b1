// The consultation room (远程会诊): the others' video and sound, one's own preview and controls, who is here, the
// connection's quality, the case's images on a shared viewer, and the specialist's opinion. A joint consultation
// has more than one other: their videos fill a grid, each with its name; the specialist invites from here too.
// The media session is room-client.ts; this screen only shows its snapshot and passes on what the user does.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { consultationsApi } from '../../api/consultations.ts';
import { realtimeSocket } from '../../realtime/socket.ts';
import { Link, navigate, paths } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { ConsultationsUnavailableNotice } from '../consultations/ConsultationBits.tsx';
import { ConsultErrorMessage } from '../consultations/ConsultErrorMessage.tsx';
import { mayInvite } from '../consultations/consultation-model.ts';
import { InviteSpecialistButton } from '../consultations/InviteSpecialist.tsx';
import { ConnectionQuality } from './ConnectionQuality.tsx';
import { MediaControls } from './MediaControls.tsx';
import { OpinionPanel } from './OpinionPanel.tsx';
import { ParticipantList } from './ParticipantList.tsx';
import { RoomClient, type RoomSnapshot } from './room-client.ts';
import { SharedViewer } from './SharedViewer.tsx';
import { RemoteAudio, VideoTile } from './VideoTile.tsx';

export function ConsultRoomScreen({ consultationId }: { consultationId: string }) {
  const { t } = useTranslation();
  const [client, setClient] = useState<RoomClient | null>(null);
  useEffect(() => {
    const room = new RoomClient(realtimeSocket(), consultationId, consultationsApi.get);
    room.start();
    setClient(room);
    return () => room.close();
  }, [consultationId]);
  if (!client) {
    return (
      <section className="consult-room" data-testid="consult-room" data-state="joining">
        <p className="muted">{t('consultRoom.joining')}</p>
      </section>
    );
  }
  return <Room key={client.consultationId} client={client} />;
}

function Room({ client }: { client: RoomClient }) {
  const { t } = useTranslation();
  const me = useMe();
  const room = useSyncExternalStore(client.subscribe, client.getSnapshot);
  const consultation = room.consultation;
  const myPeer = room.peers.find((p) => p.peerId === room.peerId);
  const isSpecialist = myPeer ? myPeer.side === 'specialist' : consultation?.specialist?.id === me.id;

  const leave = async () => {
    await client.leave();
    navigate(paths.consultations());
  };

  const header = (
    <header className="consult-room-head">
      <div>
        <h1>{t('consultRoom.title')}</h1>
        {consultation && (
          <p className="muted consult-room-topic">
            <span data-testid="consult-topic">
              {t('consultRoom.topic')}
              {t('common.colon')}
              {consultation.topic}
            </span>
            {consultation.case && (
              <>
                {' · '}
                <Link to={paths.case(consultation.case.id)} target="_blank" rel="noopener">
                  {t('consultRoom.caseLine', {
                    patient: consultation.case.patientName,
                    exam: t(`examKind.${consultation.case.examKind}` as 'examKind.CT'),
                  })}
                </Link>
              </>
            )}
          </p>
        )}
      </div>
      {(room.status === 'joined' || room.status === 'reconnecting') && (
        <ConnectionQuality quality={room.quality} reconnecting={room.status === 'reconnecting'} />
      )}
    </header>
  );

  if (room.status === 'ended' || room.status === 'error') {
    return (
      <section className="consult-room" data-testid="consult-room" data-state={room.status}>
        {header}
        <div className="card consult-room-closed">
          {room.status === 'ended' ? (
            <>
              <h2 data-testid="consult-ended">{t('consultRoom.ended')}</h2>
              <p>{t('consultRoom.endedHint')}</p>
            </>
          ) : (
            <>
              <h2>{t('consultRoom.joinFailed')}</h2>
              <ConsultationsUnavailableNotice />
              <ConsultErrorMessage error={room.error && new ApiError(0, room.error.code, room.error.message)} data-testid="consult-error" />
            </>
          )}
          <Link to={paths.consultations()} className="button" data-testid="back-to-consultations">
            {t('consultRoom.backToList')}
          </Link>
        </div>
        {consultation && (isSpecialist || consultation.opinion) && (
          <OpinionPanel consultation={consultation} isSpecialist={isSpecialist} onSaved={(dto) => client.updateConsultation(dto)} />
        )}
      </section>
    );
  }

  return (
    <section className="consult-room" data-testid="consult-room" data-state={room.status}>
      {header}
      {room.status === 'reconnecting' && (
        <p className="consult-banner" role="status" data-testid="consult-reconnecting">
          {t('consultRoom.reconnectingHint')}
        </p>
      )}
      {room.status === 'joining' && <p className="muted">{t('consultRoom.joining')}</p>}
      <div className={consultation?.case ? 'consult-room-body' : 'consult-room-body no-case'}>
        <div className="consult-room-main">
          <RemoteVideos room={room} />
          {consultation?.case ? (
            <SharedViewer caseId={consultation.case.id} client={client} room={room} isSpecialist={isSpecialist} />
          ) : (
            consultation && <p className="muted consult-no-case">{t('consultRoom.noCase')}</p>
          )}
        </div>
        <aside className="consult-room-side">
          <LocalPreview room={room} />
          <MediaControls
            local={room.local}
            canEnd={isSpecialist}
            canShareScreen={typeof navigator.mediaDevices?.getDisplayMedia === 'function'}
            onMute={(muted) => void client.setPaused('mic', muted)}
            onCamera={(off) => void client.setPaused('cam', off)}
            onScreenShare={(share) => void (share ? client.startScreenShare() : client.stopScreenShare())}
            onLeave={() => void leave()}
            onEnd={() => client.end()}
          />
          <MediaProblems room={room} />
          <ParticipantList peers={room.peers} myPeerId={room.peerId} presenterPeerId={room.presenterPeerId} />
          {consultation && mayInvite(me, consultation) && (
            <InviteSpecialistButton consultation={consultation} onInvited={(dto) => client.updateConsultation(dto)} />
          )}
          {consultation && (
            <OpinionPanel consultation={consultation} isSpecialist={isSpecialist} onSaved={(dto) => client.updateConsultation(dto)} />
          )}
        </aside>
      </div>
    </section>
  );
}

/** The others' cameras and screens, and their sound. */
function RemoteVideos({ room }: { room: RoomSnapshot }) {
  const { t } = useTranslation();
  const others = room.peers.filter((p) => p.peerId !== room.peerId);
  const videos = room.remotes.filter((r) => r.kind === 'video');
  const nameOf = (peerId: string) => room.peers.find((p) => p.peerId === peerId)?.user.displayName ?? t('consultRoom.someone');
  return (
    <div className="consult-remotes" data-count={videos.length}>
      {videos.map((r) => (
        <VideoTile
          key={r.consumerId}
          track={r.track}
          label={r.source === 'screen' ? `${nameOf(r.peerId)} · ${t('consultRoom.sharing')}` : nameOf(r.peerId)}
          videoProps={{
            'data-testid': 'remote-video',
            'data-peer-id': r.peerId,
            'data-consumer-id': r.consumerId,
            'data-source': r.source,
            'data-frames-decoded': r.framesDecoded ?? 0,
          }}
        />
      ))}
      {room.remotes
        .filter((r) => r.kind === 'audio')
        .map((r) => (
          <RemoteAudio key={r.consumerId} track={r.track} peerId={r.peerId} />
        ))}
      {videos.length === 0 && (
        <p className="muted consult-remotes-empty">
          {others.length === 0 ? t('consultRoom.waitingForOthers') : t('consultRoom.waitingForVideo')}
        </p>
      )}
    </div>
  );
}

function LocalPreview({ room }: { room: RoomSnapshot }) {
  const { t } = useTranslation();
  const { cam, screen } = room.local;
  return (
    <div className="consult-local">
      <VideoTile
        track={cam.track}
        label={t('consultRoom.localPreview')}
        mirrored
        placeholder={cam.state !== 'on' ? t('consultRoom.cameraOffPreview') : undefined}
        videoProps={{ 'data-testid': 'local-video', 'data-state': cam.state }}
      />
      {screen.track && (
        <VideoTile track={screen.track} label={t('consultRoom.localScreen')} videoProps={{ 'data-testid': 'local-screen' }} />
      )}
    </div>
  );
}

function MediaProblems({ room }: { room: RoomSnapshot }) {
  const { t } = useTranslation();
  if (room.mediaProblems.length === 0) return null;
  const known = (code: string): code is 'NOT_ALLOWED' | 'NOT_FOUND' | 'IN_USE' | 'NO_MEDIA_DEVICES' | 'FAILED' =>
    ['NOT_ALLOWED', 'NOT_FOUND', 'IN_USE', 'NO_MEDIA_DEVICES', 'FAILED'].includes(code);
  return (
    <ul className="consult-media-problems" data-testid="media-problems">
      {room.mediaProblems.map((p) => (
        <li key={p.source}>
          {t('consultRoom.mediaProblem', {
            device: t(`consultRoom.device.${p.source}`),
            problem: known(p.code) ? t(`consultRoom.problem.${p.code}`) : p.code,
          })}
        </li>
      ))}
    </ul>
  );
}
