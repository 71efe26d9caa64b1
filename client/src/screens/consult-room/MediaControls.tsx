// The room's buttons: microphone, camera, screen sharing, leaving, and (for the specialist) ending the
// consultation for everyone, asked once more in the page before it is done.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomSnapshot } from './room-client.ts';

export interface MediaControlsProps {
  local: RoomSnapshot['local'];
  canEnd: boolean;
  /** screen sharing is offered where the browser has it */
  canShareScreen: boolean;
  onMute: (muted: boolean) => void;
  onCamera: (off: boolean) => void;
  onScreenShare: (share: boolean) => void;
  onLeave: () => void;
  onEnd: () => Promise<void>;
}

export function MediaControls({ local, canEnd, canShareScreen, onMute, onCamera, onScreenShare, onLeave, onEnd }: MediaControlsProps) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const muted = local.mic.state !== 'on';
  const cameraOff = local.cam.state !== 'on';
  const sharing = local.screen.state !== 'off';

  const end = async () => {
    setEnding(true);
    try {
      await onEnd();
    } finally {
      setEnding(false);
      setConfirming(false);
    }
  };

  return (
    <div className="consult-controls" role="toolbar" aria-label={t('consultRoom.title')}>
      <button
        type="button"
        data-testid="mute"
        data-on={!muted}
        aria-pressed={muted}
        className={muted ? 'consult-off' : undefined}
        disabled={!local.mic.track}
        onClick={() => onMute(!muted)}
      >
        {muted ? t('consultRoom.unmute') : t('consultRoom.mute')}
      </button>
      <button
        type="button"
        data-testid="camera"
        data-on={!cameraOff}
        aria-pressed={cameraOff}
        className={cameraOff ? 'consult-off' : undefined}
        disabled={!local.cam.track}
        onClick={() => onCamera(!cameraOff)}
      >
        {cameraOff ? t('consultRoom.cameraOn') : t('consultRoom.cameraOff')}
      </button>
      {canShareScreen && (
        <button type="button" data-testid="screen-share" data-on={sharing} aria-pressed={sharing} onClick={() => onScreenShare(!sharing)}>
          {sharing ? t('consultRoom.stopShare') : t('consultRoom.shareScreen')}
        </button>
      )}
      <span className="consult-controls-gap" />
      <button type="button" data-testid="leave" onClick={onLeave}>
        {t('consultRoom.leave')}
      </button>
      {canEnd && !confirming && (
        <button type="button" className="consult-danger" data-testid="end-consultation" onClick={() => setConfirming(true)}>
          {t('consultRoom.end')}
        </button>
      )}
      {canEnd && confirming && (
        <span className="consult-confirm" role="alertdialog" aria-label={t('consultRoom.end')}>
          <span>{t('consultRoom.endConfirm')}</span>
          <button type="button" className="consult-danger" data-testid="end-consultation-confirm" disabled={ending} onClick={() => void end()}>
            {ending ? t('consultRoom.ending') : t('consultRoom.endConfirmYes')}
          </button>
          <button type="button" data-testid="end-consultation-cancel" disabled={ending} onClick={() => setConfirming(false)}>
            {t('consultRoom.cancel')}
          </button>
        </span>
      )}
    </div>
  );
}
