// One card of the referral setup screen: a list of rows that can be added, edited and switched on or off (the
// departments, the referral rules). The card owns what both have in common — the add button, the editor's place,
// loading, empty and error states, the table with its on/off switch and edit button — and each section says only
// its columns, its editor and how a switch is saved.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiState } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

/** A data column, or the place of the on/off switch. */
export type SetupColumn<T> = { header: string; cell: (row: T) => ReactNode } | 'active';

export function SetupSection<T extends { id: string; active: boolean }>({
  list,
  textKey,
  testIdPrefix,
  tableClassName = 'case-table',
  columns,
  rowData,
  onToggle,
  editor,
}: {
  list: ApiState<T[]>;
  /** the i18n prefix of the card's title, add, explain and empty texts */
  textKey: 'referralSetup.departments' | 'referralSetup.rules';
  /** test ids: `<prefix>-section`, `-add`, `-row`, `-toggle`, `-edit` */
  testIdPrefix: string;
  tableClassName?: string;
  columns: SetupColumn<T>[];
  /** extra data-* attributes of a row, for tests */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  /** saves the row switched on or off */
  onToggle: (row: T) => Promise<void>;
  /** the form for a row (null: a new one) */
  editor: (row: T | null, done: { onCancel: () => void; onSaved: () => void }) => ReactNode;
}) {
  const { t } = useTranslation();
  /** undefined: no form open; null: adding one */
  const [editing, setEditing] = useState<T | null>();
  const [toggling, setToggling] = useState<string | null>(null);
  const [toggleError, setToggleError] = useState<unknown>();

  const toggle = async (row: T) => {
    setToggling(row.id);
    setToggleError(undefined);
    try {
      await onToggle(row);
    } catch (e) {
      setToggleError(e);
    } finally {
      setToggling(null);
    }
  };

  return (
    <section className="card" data-testid={`${testIdPrefix}-section`}>
      <div className="page-title">
        <h2>{t(`${textKey}.title`)}</h2>
        {editing === undefined && (
          <button type="button" className="button-primary" data-testid={`${testIdPrefix}-add`} onClick={() => setEditing(null)}>
            {t(`${textKey}.add`)}
          </button>
        )}
      </div>
      <p className="muted small">{t(`${textKey}.explain`)}</p>
      {editing !== undefined && (
        <div key={editing?.id ?? 'new'}>
          {editor(editing, {
            onCancel: () => setEditing(undefined),
            onSaved: () => {
              setEditing(undefined);
              list.reload();
            },
          })}
        </div>
      )}
      <ErrorMessage error={list.error ?? toggleError} />
      {!list.data && !list.error && <p className="muted">{t('common.loading')}</p>}
      {list.data &&
        (list.data.length === 0 ? (
          <p className="empty">{t(`${textKey}.empty`)}</p>
        ) : (
          <table className={tableClassName}>
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={i}>{c === 'active' ? t('referralSetup.col.active') : c.header}</th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.map((row) => (
                <tr
                  key={row.id}
                  className={row.active ? undefined : 'rule-inactive'}
                  data-testid={`${testIdPrefix}-row`}
                  data-active={String(row.active)}
                  {...rowData?.(row)}
                >
                  {columns.map((c, i) => (
                    <td key={i}>
                      {c === 'active' ? (
                        <ActiveSwitch
                          active={row.active}
                          busy={toggling === row.id}
                          testId={`${testIdPrefix}-toggle`}
                          onToggle={() => void toggle(row)}
                        />
                      ) : (
                        c.cell(row)
                      )}
                    </td>
                  ))}
                  <td>
                    <button type="button" className="button-quiet" data-testid={`${testIdPrefix}-edit`} onClick={() => setEditing(row)}>
                      {t('referralSetup.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

/** The on/off switch of a row (as on the routing rules' screen). */
function ActiveSwitch({ active, busy, testId, onToggle }: { active: boolean; busy: boolean; testId: string; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={active}
      className={`switch${active ? ' switch-on' : ''}`}
      data-testid={testId}
      disabled={busy}
      onClick={onToggle}
    >
      <span className="switch-knob" aria-hidden="true" />
      {active ? t('referralSetup.active') : t('referralSetup.inactive')}
    </button>
  );
}
