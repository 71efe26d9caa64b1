// The text of an arrow or text annotation, asked in a small form over the image instead of window.prompt (which
// blocks the page, and the browser tests with it). Keys typed here stay here: the viewport's shortcuts listen on
// the viewport, which this form is not part of.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface AnnotationDialogProps {
  initial: string;
  /** the text, or null when the reader cancelled */
  onDone: (text: string | null) => void;
}

export function AnnotationDialog({ initial, onDone }: AnnotationDialogProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  return (
    <form
      className="viewer-annotation-dialog"
      role="dialog"
      aria-label={t('viewer.annotationPrompt')}
      onSubmit={(event) => {
        event.preventDefault();
        onDone(text.trim() || null);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDone(null);
      }}
    >
      <label>
        {t('viewer.annotationPrompt')}{' '}
        <input
          autoFocus
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.currentTarget.value)}
          data-testid="viewer-annotation-input"
        />
      </label>
      <button type="submit" data-testid="viewer-annotation-ok">
        {t('viewer.annotationOk')}
      </button>
      <button type="button" onClick={() => onDone(null)} data-testid="viewer-annotation-cancel">
        {t('viewer.annotationCancel')}
      </button>
    </form>
  );
}
