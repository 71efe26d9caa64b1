export function ProgressBar({
  value,
  max,
  label,
  tone = 'active',
}: {
  value: number;
  max: number;
  label: string;
  tone?: 'active' | 'done' | 'bad';
}) {
  const percent = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(percent)}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
