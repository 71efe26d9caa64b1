import { useTranslation } from 'react-i18next';

/** Where the image viewer goes (the next step); marked so that nobody mistakes it for a broken page. */
export function ViewerPlaceholder() {
  const { t } = useTranslation();
  return (
    <section className="card viewer-placeholder" data-testid="viewer-placeholder">
      <h2>{t('case.viewerPlaceholder')}</h2>
      <p className="muted">{t('case.viewerPlaceholderHint')}</p>
    </section>
  );
}
