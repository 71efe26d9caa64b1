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
      <SourceToggle
        testId="mute"
        on={!muted}
        disabled={!local.mic.track}
        label={muted ? t('consultRoom.unmute') : t('consultRoom.mute')}
        onToggle={() => onMute(!muted)}
      />
      <SourceToggle
        testId="camera"
        on={!cameraOff}
        disabled={!local.cam.track}
        label={cameraOff ? t('consultRoom.cameraOn') : t('consultRoom.cameraOff')}
        onToggle={() => onCamera(!cameraOff)}
      />
      {canShareScreen && (
        <SourceToggle
          testId="screen-share"
          on={sharing}
          label={sharing ? t('consultRoom.stopShare') : t('consultRoom.shareScreen')}
          onToggle={() => onScreenShare(!sharing)}
          pressedWhenOn
        />
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
          <button
            type="button"
            className="consult-danger"
            data-testid="end-consultation-confirm"
            disabled={ending}
            onClick={() => void end()}
          >
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

/**
 * One media source's button. The microphone and camera buttons are "pressed" while their source is off (muted,
 * camera off) and look it; the screen share's is pressed while sharing (`pressedWhenOn`).
 */
function SourceToggle({
  testId,
  on,
  disabled = false,
  label,
  onToggle,
  pressedWhenOn = false,
}: {
  testId: string;
  on: boolean;
  disabled?: boolean;
  label: string;
  onToggle: () => void;
  pressedWhenOn?: boolean;
}) {
  const pressed = pressedWhenOn ? on : !on;
  return (
    <button
      type="button"
      data-testid={testId}
      data-on={on}
      aria-pressed={pressed}
      className={!pressedWhenOn && !on ? 'consult-off' : undefined}
      disabled={disabled}
      onClick={onToggle}
    >
      {label}
    </button>
  );
}
