import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ReportDraft } from '../../../api/teledx.ts';

/** A reader types for a while and then pauses: save then, not on every keystroke. */
const SAVE_AFTER_MS = 1_500;

/** new: nothing saved yet; dirty: changed since the last save. */
export type SaveState = 'new' | 'dirty' | 'saving' | 'saved' | 'error';

/**
 * Autosave of the draft report: 1.5 s after the last change, and at once on `flush()` (a field lost focus,
 * or the reader is about to sign, which must sign what they see). Saves run one after another, each with the
 * draft as it is when it starts; a save with nothing new to send does nothing.
 */
export function useReportAutosave(caseId: string, draft: ReportDraft, saved: ReportDraft | null) {
  const savedKey = useRef(saved ? JSON.stringify(saved) : JSON.stringify(draft));
  const latest = useRef(draft);
  latest.current = draft;
  const chain = useRef<Promise<void>>(Promise.resolve());
  const [state, setState] = useState<SaveState>(saved ? 'saved' : 'new');
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const key = JSON.stringify(draft);

  const flush = useCallback((): Promise<void> => {
    const next = chain.current
      .catch(() => undefined)
      .then(async () => {
        const body = latest.current;
        const bodyKey = JSON.stringify(body);
        if (bodyKey === savedKey.current) return;
        setState('saving');
        try {
          const report = await api.saveReport(caseId, body);
          savedKey.current = bodyKey;
          setSavedAt(report.updatedAt);
          setError(undefined);
          setState(JSON.stringify(latest.current) === bodyKey ? 'saved' : 'dirty');
        } catch (e) {
          setError(e);
          setState('error');
          throw e;
        }
      });
    chain.current = next;
    return next;
  }, [caseId]);

  useEffect(() => {
    if (key === savedKey.current) return;
    setState((s) => (s === 'saving' || s === 'error' ? s : 'dirty'));
    const timer = setTimeout(() => void flush().catch(() => undefined), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [key, flush]);

  // leaving the page (or losing the claim's editor) keeps what was typed
  useEffect(() => () => void flush().catch(() => undefined), [flush]);

  return { state, savedAt, error, flush };
}
