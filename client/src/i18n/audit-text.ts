// The words for a recorded act ("case.submit" → 提交阅片): a case's acts and its consultations' are named in
// history.actions, the others (sign-ins, routing rules) in audit.actions; an act neither names shows its verb.
import { useTranslation } from 'react-i18next';

export function useActionLabel(): (action: string) => string {
  const { t, i18n } = useTranslation();
  return (action) => {
    const key = action.replace('.', '_');
    for (const catalogue of ['history.actions', 'audit.actions']) {
      // a key built at run time: the catalogues' types cannot list it, i18n.exists checks it
      if (i18n.exists(`${catalogue}.${key}`)) return t(`${catalogue}.${key}` as never);
    }
    return action;
  };
}
