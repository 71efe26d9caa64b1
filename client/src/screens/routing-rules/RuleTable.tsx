import { useTranslation } from 'react-i18next';
import type { RoutingRuleDto } from '../../../../shared/api.ts';

/** The rules as the server lists them: active first, oldest first (the older of two equal rules wins). */
export function RuleTable({
  rules,
  editable,
  busyId,
  onEdit,
  onToggle,
}: {
  rules: readonly RoutingRuleDto[];
  editable: boolean;
  /** the rule being switched on or off */
  busyId: string | null;
  onEdit: (rule: RoutingRuleDto) => void;
  onToggle: (rule: RoutingRuleDto) => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="case-table rule-table">
      <thead>
        <tr>
          <th>{t('rules.col.examKind')}</th>
          <th>{t('rules.col.modality')}</th>
          <th>{t('rules.col.township')}</th>
          <th>{t('rules.col.centre')}</th>
          <th>{t('rules.col.active')}</th>
          <th>{t('rules.col.note')}</th>
          <th className="numeric">{t('rules.col.caseCount')}</th>
          {editable && <th />}
        </tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          <tr
            key={r.id}
            className={r.active ? undefined : 'rule-inactive'}
            data-testid="routing-rule-row"
            data-rule-id={r.id}
            data-active={String(r.active)}
          >
            <td>{r.examKind ? t(`examKind.${r.examKind}`) : <span className="muted">{t('rules.any')}</span>}</td>
            <td className="mono">{r.modality ?? <span className="muted">{t('rules.any')}</span>}</td>
            <td>{r.originOrg?.name ?? <span className="muted">{t('rules.all')}</span>}</td>
            <td>{r.centre.name}</td>
            <td>
              {editable ? (
                <button
                  type="button"
                  role="switch"
                  aria-checked={r.active}
                  className={`switch${r.active ? ' switch-on' : ''}`}
                  data-testid="routing-rule-toggle"
                  disabled={busyId === r.id}
                  onClick={() => onToggle(r)}
                >
                  <span className="switch-knob" aria-hidden="true" />
                  {r.active ? t('rules.active') : t('rules.inactive')}
                </button>
              ) : r.active ? (
                t('rules.active')
              ) : (
                <span className="muted">{t('rules.inactive')}</span>
              )}
            </td>
            <td>{r.note ?? ''}</td>
            <td className="numeric">{r.caseCount}</td>
            {editable && (
              <td>
                <button type="button" className="button-quiet" data-testid="routing-rule-edit" onClick={() => onEdit(r)}>
                  {t('rules.edit')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
