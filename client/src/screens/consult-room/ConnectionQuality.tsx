// The connection's quality as the transports measure it (round-trip time and packet loss, read every second by
// the room client), or that it is being re-established.
import { useTranslation } from 'react-i18next';
import type { RoomSnapshot } from './room-client.ts';

const LABEL = { good: 'qualityGood', fair: 'qualityFair', poor: 'qualityPoor', unknown: 'qualityUnknown' } as const;

export function ConnectionQuality({ quality, reconnecting }: { quality: RoomSnapshot['quality']; reconnecting: boolean }) {
  const { t } = useTranslation();
  const level = reconnecting ? 'unknown' : quality.level;
  const detail =
    !reconnecting && quality.rttMs !== null
      ? t('consultRoom.qualityDetail', { rtt: quality.rttMs, loss: quality.lossPercent ?? 0 })
      : undefined;
  return (
    <span
      className={`consult-quality consult-quality-${reconnecting ? 'reconnecting' : level}`}
      data-testid="connection-quality"
      data-level={level}
      data-reconnecting={reconnecting || undefined}
      data-rtt-ms={quality.rttMs ?? undefined}
      data-loss-percent={quality.lossPercent ?? undefined}
      role="status"
      title={detail}
    >
      <span className="consult-quality-bars" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {reconnecting ? t('consultRoom.reconnecting') : t(`consultRoom.${LABEL[level]}`)}
    </span>
  );
}
