// What the viewer says over the image while it loads (and while a reduced-resolution preview stands in for it), and
// when it could not be shown: a load that fails or hangs is said, never left as a blank viewport.
import { useTranslation } from 'react-i18next';
import type { ImageLoading } from './useImageLoading.ts';

export function LoadStatus({ loading, preview, error }: Pick<ImageLoading, 'loading' | 'preview' | 'error'>) {
  const { t } = useTranslation();
  if (error) {
    const reason = error.timeout ? t('viewer.timeout') : (error.reason ?? t('viewer.unknownError'));
    return (
      <div className="viewer-error" role="alert" data-testid="viewer-error">
        {t('viewer.error', { index: error.index, reason })}
      </div>
    );
  }
  if (!loading) return null;
  return (
    <div className="viewer-status" data-testid="viewer-loading">
      {preview ? t('viewer.previewLoading') : t('viewer.loading')}
    </div>
  );
}
