// The measurement and annotation tools of one stack: attached once its first image is on screen (cornerstone-tools
// is not needed to see it, and loads as a chunk of its own), the tool on the left button, and the last measurement
// for the toolbar. A new stack starts again with W/L and without tools until its own first image.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { EnabledViewport } from './cornerstone.ts';
import {
  activateLeftTool,
  clearAnnotations,
  describeMeasurement,
  registerViewerTools,
  type AskText,
  type LeftTool,
  type Measurement,
  type MeasurementEventDetail,
} from './tools.ts';

export interface ViewerTools {
  tool: LeftTool;
  /** false until cornerstone-tools knows the element: the tool commands wait for it */
  ready: boolean;
  /** the last measurement drawn or changed */
  measurement: Measurement | null;
  /** loads the tools and puts them on the element, once the stack's first image has settled */
  attach: (viewport: EnabledViewport) => Promise<void>;
  /** puts `tool` on the left button (once the tools are ready) */
  choose: (tool: LeftTool) => void;
  /** removes every annotation of the stack (once the tools are ready) */
  clear: () => void;
}

/** one stack's time on the element: what attach did is undone when it ends */
interface ToolSession {
  ended: boolean;
  detach: () => void;
}

export function useViewerTools(elementRef: RefObject<HTMLElement | null>, imageIds: readonly string[], askText: AskText): ViewerTools {
  const [tool, setTool] = useState<LeftTool>('Wwwc');
  const [ready, setReady] = useState(false);
  const [measurement, setMeasurement] = useState<Measurement | null>(null);
  const session = useRef<ToolSession>({ ended: false, detach: () => {} });

  useEffect(() => {
    setTool('Wwwc');
    setReady(false);
    setMeasurement(null);
    const current: ToolSession = { ended: false, detach: () => {} };
    session.current = current;
    return () => {
      current.ended = true;
      current.detach();
    };
  }, [imageIds]);

  const attach = useCallback(
    async (viewport: EnabledViewport) => {
      const element = elementRef.current;
      const current = session.current;
      const tools = await viewport.toolsReady();
      // the stack may have gone while the tools loaded
      if (!element || current.ended || !tools) return;
      const onMeasurement = (event: Event) => {
        const measured = describeMeasurement(element, (event as CustomEvent<MeasurementEventDetail>).detail);
        if (measured) setMeasurement(measured);
      };
      const unregister = registerViewerTools(element, askText);
      element.addEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, onMeasurement);
      element.addEventListener(tools.EVENTS.MEASUREMENT_MODIFIED, onMeasurement);
      current.detach = () => {
        unregister();
        element.removeEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, onMeasurement);
        element.removeEventListener(tools.EVENTS.MEASUREMENT_MODIFIED, onMeasurement);
      };
      setReady(true);
    },
    [elementRef, askText],
  );

  const choose = (next: LeftTool) => {
    const element = elementRef.current;
    if (!element || !ready) return;
    activateLeftTool(element, next);
    setTool(next);
  };
  const clear = () => {
    const element = elementRef.current;
    if (!element || !ready) return;
    clearAnnotations(element, imageIds);
    setMeasurement(null);
  };
  return { tool, ready, measurement, attach, choose, clear };
}
