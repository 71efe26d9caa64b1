import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../i18n/index.ts';

/** Both names always visible, each in its own script, so a user lost in the wrong language finds the way back. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      aria-label={t('lang.label')}
      title={t('lang.label')}
      onClick={() => setLanguage(lang === 'en' ? 'zh-CN' : 'en')}
    >
      <span lang="zh-CN" className={lang === 'zh-CN' ? 'lang-active' : undefined}>
        中文
      </span>
      <span aria-hidden="true">/</span>
      <span lang="en" className={lang === 'en' ? 'lang-active' : undefined}>
        English
      </span>
    </button>
  );
}
