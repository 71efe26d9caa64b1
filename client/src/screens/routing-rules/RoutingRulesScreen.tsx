import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoutingRuleDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useMe } from '../../session.ts';
import { withActive } from './rule-form.ts';
import { RuleEditor } from './RuleEditor.tsx';
import { RuleTable } from './RuleTable.tsx';

/** Which reading centre gets which exams. Administrators edit; supervisors may look. */
export function RoutingRulesScreen() {
  const { t } = useTranslation();
  const editable = useMe().role === 'ADMIN';
  const rules = useApi(() => api.routingRules(), []);
  const consortium = useApi(() => api.consortium(), []);
  /** undefined: no form open; null: adding a rule */
  const [editing, setEditing] = useState<RoutingRuleDto | null>();
  const [toggling, setToggling] = useState<string | null>(null);
  const [toggleError, setToggleError] = useState<unknown>();

  const toggle = async (rule: RoutingRuleDto) => {
    setToggling(rule.id);
    setToggleError(undefined);
    try {
      await api.updateRoutingRule(rule.id, withActive(rule, !rule.active));
      rules.reload(); // the list is ordered by activity: reload rather than patch
    } catch (e) {
      setToggleError(e);
    } finally {
      setToggling(null);
    }
  };

  return (
    <section>
      <div className="page-title">
        <h1>{t('rules.title')}</h1>
        {!editable && (
          <span className="badge read-only" data-testid="rules-read-only">
            {t('rules.readOnly')}
          </span>
        )}
        {editable && editing === undefined && (
          <button type="button" className="button-primary" data-testid="routing-rule-add" onClick={() => setEditing(null)}>
            {t('rules.add')}
          </button>
        )}
      </div>
      <p className="muted small">{t('rules.explain')}</p>
      <ErrorMessage error={rules.error ?? consortium.error} />
      {editable && editing !== undefined && consortium.data && (
        <RuleEditor
          key={editing?.id ?? 'new'}
          rule={editing}
          consortium={consortium.data}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            rules.reload();
          }}
        />
      )}
      <ErrorMessage error={toggleError} />
      {!rules.data && !rules.error && <p className="muted">{t('common.loading')}</p>}
      {rules.data &&
        (rules.data.length === 0 ? (
          <p className="empty">{t('rules.empty')}</p>
        ) : (
          <RuleTable rules={rules.data} editable={editable} busyId={toggling} onEdit={setEditing} onToggle={(r) => void toggle(r)} />
        ))}
    </section>
  );
}
