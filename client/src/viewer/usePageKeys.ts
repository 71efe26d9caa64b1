// The viewer's keys from anywhere on the page: a reader who opens a case scrolls with the arrow keys at once,
// without clicking into the image first. Keys typed into a form (the report, a search box) stay there.
import { useEffect, useEffectEvent } from 'react';

/** Where a key belongs to what has the focus: text fields, lists, editable text, and open dialogs. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('input, textarea, select, [role="dialog"], dialog')) return true;
  return false;
}

/** Space and Enter on a button, a link or a summary press it; the viewer leaves them alone there. */
function pressesControl(event: KeyboardEvent): boolean {
  return (
    (event.key === ' ' || event.key === 'Enter') && event.target instanceof HTMLElement && !!event.target.closest('button, a, summary')
  );
}

/**
 * While `active`, `onKey` hears the page's key presses that nothing else took: not those typed into a form, not
 * those a focused viewport handled itself (it calls preventDefault), none with the page hidden behind a dialog.
 * `onKey` answers whether it used the key; a used key does not also scroll the page.
 */
export function usePageKeys(active: boolean, onKey: (event: KeyboardEvent) => boolean): void {
  const handle = useEffectEvent(onKey);
  useEffect(() => {
    if (!active) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target) || pressesControl(event)) return;
      if (handle(event)) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [active]);
}
