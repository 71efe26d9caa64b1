// 我的模板: a reader's own report templates and phrases (GET/POST/PUT/DELETE /api/personal-templates, owner only).
// Each is for an exam kind and a body region, or any; the report editor offers them first, beside the shared ones,
// for the exams they fit (shared/reports.ts templatesFor), and their phrases in its phrase library.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BODY_REGIONS, type BodyRegion } from '../../../../shared/body-regions.ts';
import { EXAM_KINDS, type ExamKind } from '../../../../shared/domain.ts';
import type { PersonalTemplateDto, PersonalTemplateInput } from '../../../../shared/reports.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ChoiceSelect } from '../../components/ChoiceSelect.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';

interface FormValues {
  title: string;
  examKind: ExamKind | '';
  bodyRegion: BodyRegion | '';
  findings: string;
  impression: string;
  /** one phrase a line */
  phrases: string;
}

const EMPTY: FormValues = { title: '', examKind: '', bodyRegion: '', findings: '', impression: '', phrases: '' };

const formOf = (p: PersonalTemplateDto): FormValues => ({
  title: p.title,
  examKind: p.examKind ?? '',
  bodyRegion: p.bodyRegion ?? '',
  findings: p.findings,
  impression: p.impression,
  phrases: p.phrases.join('\n'),
});

const inputOf = (f: FormValues): PersonalTemplateInput => ({
  title: f.title.trim(),
  examKind: f.examKind || null,
  bodyRegion: f.bodyRegion || null,
  findings: f.findings,
  impression: f.impression,
  phrases: [...new Set(f.phrases.split('\n').map((line) => line.trim()))].filter((line) => line !== ''),
});

export function MyTemplatesScreen() {
  const { t } = useTranslation();
  const templates = useApi(() => api.personalTemplates(), []);
  /** the template being edited: 'new', one's id, or none */
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<PersonalTemplateDto | null>(null);
  const editedTemplate = templates.data?.find((p) => p.id === editing);

  const saved = () => {
    setEditing(null);
    templates.reload();
  };

  return (
    <section>
      <div className="page-title">
        <h1>{t('myTemplates.title')}</h1>
        {editing === null && (
          <button type="button" className="button-primary" data-testid="my-template-new" onClick={() => setEditing('new')}>
            {t('myTemplates.new')}
          </button>
        )}
      </div>
      <p className="muted small">{t('myTemplates.explain')}</p>
      <ErrorMessage error={templates.error} />
      {editing !== null && (editing === 'new' || editedTemplate) && (
        <TemplateForm key={editing} template={editedTemplate ?? null} onSaved={saved} onCancel={() => setEditing(null)} />
      )}
      {!templates.data && !templates.error && <p className="muted">{t('common.loading')}</p>}
      {templates.data &&
        (templates.data.length === 0 ? (
          <p className="empty">{t('myTemplates.empty')}</p>
        ) : (
          <table className="case-table" data-testid="my-template-table">
            <thead>
              <tr>
                <th>{t('myTemplates.name')}</th>
                <th>{t('myTemplates.examKind')}</th>
                <th>{t('myTemplates.bodyRegion')}</th>
                <th>{t('myTemplates.impression')}</th>
                <th className="numeric">{t('myTemplates.phraseCount')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {templates.data.map((p) => (
                <tr key={p.id} data-testid="my-template-row" data-template-id={p.id}>
                  <td data-testid="my-template-title">{p.title}</td>
                  <td>{p.examKind ? t(`examKind.${p.examKind}`) : t('myTemplates.any')}</td>
                  <td>{p.bodyRegion ? t(`bodyRegion.${p.bodyRegion}`) : t('myTemplates.any')}</td>
                  <td className="my-template-text">{p.impression || t('common.none')}</td>
                  <td className="numeric">{p.phrases.length}</td>
                  <td className="row-actions">
                    <button type="button" data-testid="my-template-edit" disabled={editing !== null} onClick={() => setEditing(p.id)}>
                      {t('myTemplates.edit')}
                    </button>
                    <button type="button" className="button-danger-quiet" data-testid="my-template-delete" onClick={() => setDeleting(p)}>
                      {t('myTemplates.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {deleting && (
        <ConfirmDialog
          title={t('myTemplates.deleteTitle', { title: deleting.title })}
          canConfirm
          onConfirm={async () => {
            await api.deletePersonalTemplate(deleting.id);
            setDeleting(null);
            if (editing === deleting.id) setEditing(null);
            templates.reload();
          }}
          onCancel={() => setDeleting(null)}
          labels={{ cancel: t('myTemplates.cancel'), confirm: t('myTemplates.delete'), pending: t('myTemplates.deleting') }}
          testIds={{ form: 'my-template-delete-dialog', confirm: 'my-template-delete-confirm' }}
          renderError={(error) => <ErrorMessage error={error} />}
        >
          <p>{t('myTemplates.deleteExplain')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** A new template, or one to change: its name, what it is for, its text and its phrases. */
function TemplateForm({
  template,
  onSaved,
  onCancel,
}: {
  template: PersonalTemplateDto | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<FormValues>(() => (template ? formOf(template) : EMPTY));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [titleMissing, setTitleMissing] = useState(false);
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form.title.trim()) return setTitleMissing(true);
    setTitleMissing(false);
    setBusy(true);
    setError(undefined);
    try {
      const body = inputOf(form);
      await (template ? api.updatePersonalTemplate(template.id, body) : api.createPersonalTemplate(body));
      onSaved();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <form className="card my-template-form" data-testid="my-template-form" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{template ? t('myTemplates.editTitle') : t('myTemplates.newTitle')}</h2>
      <div className="form-grid">
        <Field
          id="my-template-name"
          label={t('myTemplates.name')}
          required
          error={titleMissing ? t('myTemplates.nameRequired') : undefined}
        >
          <input
            id="my-template-name"
            maxLength={100}
            value={form.title}
            data-testid="my-template-name"
            onChange={(e) => set('title', e.target.value)}
          />
        </Field>
        <Field id="my-template-kind" label={t('myTemplates.examKind')}>
          <ChoiceSelect
            id="my-template-kind"
            testId="my-template-kind"
            value={form.examKind}
            choices={EXAM_KINDS}
            unsetLabel={t('myTemplates.any')}
            labelOf={(k) => t(`examKind.${k}`)}
            onChange={(examKind) => set('examKind', examKind)}
          />
        </Field>
        <Field id="my-template-region" label={t('myTemplates.bodyRegion')}>
          <ChoiceSelect
            id="my-template-region"
            testId="my-template-region"
            value={form.bodyRegion}
            choices={BODY_REGIONS}
            unsetLabel={t('myTemplates.any')}
            labelOf={(r) => t(`bodyRegion.${r}`)}
            onChange={(bodyRegion) => set('bodyRegion', bodyRegion)}
          />
        </Field>
      </div>
      <Field id="my-template-findings" label={t('myTemplates.findings')}>
        <textarea
          id="my-template-findings"
          rows={5}
          maxLength={20_000}
          value={form.findings}
          data-testid="my-template-findings"
          onChange={(e) => set('findings', e.target.value)}
        />
      </Field>
      <Field id="my-template-impression" label={t('myTemplates.impression')}>
        <textarea
          id="my-template-impression"
          rows={2}
          maxLength={5_000}
          value={form.impression}
          data-testid="my-template-impression"
          onChange={(e) => set('impression', e.target.value)}
        />
      </Field>
      <Field id="my-template-phrases" label={t('myTemplates.phrases')} hint={t('myTemplates.phrasesHint')}>
        <textarea
          id="my-template-phrases"
          rows={4}
          value={form.phrases}
          data-testid="my-template-phrases"
          onChange={(e) => set('phrases', e.target.value)}
        />
      </Field>
      <ErrorMessage error={error} data-testid="my-template-error" />
      <div className="form-actions">
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('myTemplates.cancel')}
        </button>
        <button type="submit" className="button-primary" disabled={busy} data-testid="my-template-save">
          {busy ? t('myTemplates.saving') : t('myTemplates.save')}
        </button>
      </div>
    </form>
  );
}
