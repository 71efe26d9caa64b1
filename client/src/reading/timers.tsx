// The reading centre's two clocks: how long a case has waited, and how long until its SLA deadline.
import { useTranslation } from 'react-i18next';
import { useIsPast, useTicking } from '../clock.ts';
import { splitDuration, twoDigits } from '../i18n/format.ts';

/** "12分钟", "1小时05分", "2天3小时": to the minute, which is what matters for a queue. */
export function useDurationText(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const { days, hours, minutes } = splitDuration(ms);
    if (days > 0) return t('duration.daysHours', { days, hours });
    if (hours > 0) return t('duration.hoursMinutes', { hours, minutes: twoDigits(minutes) });
    if (minutes > 0) return t('duration.minutes', { count: minutes });
    return t('duration.underMinute');
  };
}

export function WaitingTime({ since }: { since: string | null }) {
  const { t } = useTranslation();
  const duration = useDurationText();
  const text = useTicking((now) => (since ? duration(now - Date.parse(since)) : t('common.none')));
  return (
    <span className="waiting-time" data-testid="waiting-time">
      {text}
    </span>
  );
}

/** The last hour counts down in minutes and seconds, so that a reader sees a STAT deadline move. */
export function SlaCountdown({ dueAt }: { dueAt: string | null }) {
  const { t } = useTranslation();
  const duration = useDurationText();
  const overdue = useIsPast(dueAt);
  const text = useTicking((now) => {
    if (!dueAt) return t('common.none');
    const left = Date.parse(dueAt) - now;
    if (left <= 0) return t('sla.overdue', { time: duration(-left) });
    if (left >= 3_600_000) return t('sla.left', { time: duration(left) });
    const { minutes, seconds } = splitDuration(left);
    return t('sla.left', { time: `${twoDigits(minutes)}:${twoDigits(seconds)}` });
  });
  return (
    <span className={`sla-countdown${overdue ? ' sla-overdue' : ''}`} data-testid="sla-countdown" data-overdue={String(overdue)}>
      {text}
    </span>
  );
}
