// The case viewer's layouts: one, two side by side, or four viewports, each showing a series of its own. Pure, so
// that which series a pane shows is testable without a browser.
import type { ViewableSeries } from './series.ts';

export const VIEWER_LAYOUTS = ['1x1', '1x2', '2x2'] as const;
export type ViewerLayout = (typeof VIEWER_LAYOUTS)[number];

export const PANES_OF_LAYOUT: Record<ViewerLayout, number> = { '1x1': 1, '1x2': 2, '2x2': 4 };

/**
 * The series of each pane of `layout`: the one the reader put there (`chosen[i]`, a series id), else the next of
 * the reading order not already in a pane (the primary series first), else none (more panes than series).
 */
export function seriesOfPanes(
  layout: ViewerLayout,
  inReadingOrder: readonly ViewableSeries[],
  chosen: readonly (string | null)[],
): (ViewableSeries | null)[] {
  const count = PANES_OF_LAYOUT[layout];
  const placed = Array.from({ length: count }, (_, pane) => inReadingOrder.find((s) => s.series.id === chosen[pane]) ?? null);
  const unplaced = inReadingOrder.filter((s) => !placed.includes(s));
  return placed.map((s) => s ?? unplaced.shift() ?? null);
}
