// What the overlays and the toolbar show of the viewport: the window and level, and whether it is inverted. Read
// from every rendering, so that changes made by the tools (a W/L drag), the commands and a followed view all count.
import type { Viewport } from 'cornerstone-core';
import { useEffect, useState, type RefObject } from 'react';

export interface WindowLevel {
  windowWidth: number;
  windowCenter: number;
}

export interface ViewportReadout {
  /** null until the first image is rendered */
  voi: WindowLevel | null;
  inverted: boolean;
}

export function useViewportReadout(elementRef: RefObject<HTMLElement | null>): ViewportReadout {
  const [voi, setVoi] = useState<WindowLevel | null>(null);
  const [inverted, setInverted] = useState(false);
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const onRendered = (event: Event) => {
      const viewport = (event as CustomEvent<{ viewport: Viewport }>).detail.viewport;
      setVoi({ windowWidth: viewport.voi.windowWidth, windowCenter: viewport.voi.windowCenter });
      setInverted(viewport.invert);
    };
    element.addEventListener('cornerstoneimagerendered', onRendered);
    return () => element.removeEventListener('cornerstoneimagerendered', onRendered);
  }, [elementRef]);
  return { voi, inverted };
}
