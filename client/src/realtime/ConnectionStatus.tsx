import { useTranslation } from 'react-i18next';
import { useConnectionState } from './useCaseEvents.ts';

/**
 * The header's live-update light. When it is not green, lists on screen may lag behind: the reader should
 * know before trusting that a case is still unclaimed.
 */
export function ConnectionStatus() {
  const { t } = useTranslation();
  const state = useConnectionState();
  const connected = state === 'connected';
  return (
    <span
      className={`connection-status ${connected ? 'connection-ok' : 'connection-down'}`}
      data-testid="connection-status"
      data-state={connected ? 'connected' : 'reconnecting'}
      role="status"
      title={connected ? t('realtime.connectedHint') : t('realtime.reconnectingHint')}
    >
      <span className="connection-dot" aria-hidden="true" />
      {t(`realtime.${state}`)}
    </span>
  );
}
