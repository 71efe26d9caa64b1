// The Fullscreen API on one element: whether it is full screen (also after Esc, which the browser handles), and a
// toggle for a button or a key.
import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { ViewerFullscreen } from './Toolbar.tsx';

export function useFullscreen(elementRef: RefObject<HTMLElement | null>): ViewerFullscreen {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const onChange = () => setOn(document.fullscreenElement !== null && document.fullscreenElement === elementRef.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [elementRef]);
  const toggle = useCallback(() => {
    const element = elementRef.current;
    if (!element) return;
    // refused without a user gesture or by the page's permissions: the viewer simply stays in the page
    if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => {});
    else void element.requestFullscreen().catch(() => {});
  }, [elementRef]);
  return { on, toggle };
}
