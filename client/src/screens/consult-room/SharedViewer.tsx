// The consultation's case images on a viewer everyone in the room sees alike: the presenter's viewer sends what it
// shows (series, image, viewport, annotations; room-client numbers the messages), the others show it read-only
// with a "跟随 <presenter>" badge. The presenter, and the specialist, hand the viewer to someone else; the
// specialist can also take it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import type { ConsultPeerDto } from '../../../../shared/consult.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useLoadedModule } from '../../components/useLoadedModule.ts';
import { ConsultErrorMessage } from '../consultations/ConsultErrorMessage.tsx';
import { loadCaseViewer } from '../../viewer/load.ts';
import type { SyncedView } from '../../viewer/sync.ts';
import type { RoomClient, RoomSnapshot } from './room-client.ts';

export function SharedViewer({
  caseId,
  client,
  room,
  isSpecialist,
}: {
  caseId: string;
  client: RoomClient;
  room: RoomSnapshot;
  isSpecialist: boolean;
}) {
  const { t } = useTranslation();
  const kase = useApi<CaseDetailDto>(() => api.getCase(caseId), [caseId]);
  const viewer = useLoadedModule(loadCaseViewer);
  const presenting = room.peerId !== null && room.peerId === room.presenterPeerId;
  const presenter = room.peers.find((p) => p.peerId === room.presenterPeerId);
  const presenterName = presenter?.user.displayName ?? t('consultRoom.someone');
  /** someone else drives: this viewer shows what they show and takes no input */
  const following = !presenting && room.presenterPeerId !== null;

  useEffect(() => {
    if (kase.data) viewer?.startImageLoader(kase.data);
  }, [kase.data, viewer]);

  return (
    <section className="card consult-viewer" data-testid="shared-viewer" data-role={presenting ? 'presenter' : 'follower'}>
      <header className="consult-viewer-head">
        <h2>{t('consultRoom.viewerTitle')}</h2>
        <span className="muted" data-testid="viewer-control-hint">
          {presenting
            ? t('consultRoom.presenting')
            : room.presenterPeerId
              ? t('consultRoom.followingHint', { name: presenterName })
              : t('consultRoom.noPresenter')}
        </span>
        <PresenterControls client={client} room={room} presenting={presenting} isSpecialist={isSpecialist} />
      </header>
      {kase.error ? (
        <ErrorMessage error={kase.error} />
      ) : kase.data && viewer ? (
        <viewer.CaseViewer
          kase={kase.data}
          sync={{
            readOnly: following,
            view: following ? room.viewer : null,
            label: t('consultRoom.following', { name: presenterName }),
            // what this viewer shows goes to the others while it presents (sendViewer checks that)
            onViewChange: (view: SyncedView) => client.sendViewer(view),
          }}
        />
      ) : (
        <p className="muted">{t('viewer.loading')}</p>
      )}
    </section>
  );
}

/** "交给对方主控" for the presenter and the specialist (to whom, when there are several), "由我主控" for the specialist. */
function PresenterControls({
  client,
  room,
  presenting,
  isSpecialist,
}: {
  client: RoomClient;
  room: RoomSnapshot;
  presenting: boolean;
  isSpecialist: boolean;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string>('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const others: ConsultPeerDto[] = room.peers.filter((p) => p.peerId !== room.peerId && p.peerId !== room.presenterPeerId);
  const canHandOver = (presenting || isSpecialist) && others.length > 0;
  const canTake = isSpecialist && !presenting && room.peerId !== null;
  if (!canHandOver && !canTake) return null;
  const target = others.find((p) => p.peerId === chosen) ?? others[0];

  const give = async (peerId: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.handOver(peerId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="consult-presenter-controls">
      {canHandOver && target && (
        <>
          {others.length > 1 && (
            <label>
              {t('consultRoom.handOverTo')}{' '}
              <select value={target.peerId} onChange={(e) => setChosen(e.target.value)} data-testid="hand-over-to">
                {others.map((p) => (
                  <option key={p.peerId} value={p.peerId}>
                    {p.user.displayName}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" data-testid="hand-over" disabled={busy} onClick={() => void give(target.peerId)}>
            {t('consultRoom.handOver')}
            {others.length === 1 ? ` · ${target.user.displayName}` : ''}
          </button>
        </>
      )}
      {canTake && (
        <button type="button" data-testid="take-control" disabled={busy} onClick={() => void give(room.peerId!)}>
          {t('consultRoom.takeControl')}
        </button>
      )}
      <ConsultErrorMessage error={error} />
    </span>
  );
}
