// Scrolling through the stack with the mouse wheel, one image a notch. A listener of our own rather than React's
// onWheel: React's is passive, and the page must not scroll while the reader scrolls the images.
import { useEffect, useEffectEvent, type RefObject } from 'react';

/** `scrollBy` hears +1 or -1 for each wheel notch over the element; the page never scrolls from there. */
export function useWheelScrolling(elementRef: RefObject<HTMLElement | null>, scrollBy: (delta: 1 | -1) => void): void {
  const onScroll = useEffectEvent(scrollBy);
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      if (event.deltaY !== 0) onScroll(Math.sign(event.deltaY) as 1 | -1);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [elementRef]);
}
