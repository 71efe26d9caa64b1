// What a toolbar button or a key asks of a viewer (commands.ts names the commands and their keys): choosing the
// left-button tool, moving through the stack, changing the viewport of the image on screen, clearing annotations.
import type { ViewerCommand } from './commands.ts';
import { viewerLibraries } from './imageLoading.ts';
import type { LeftTool } from './tools.ts';
import type { ImageLoading } from './useImageLoading.ts';
import type { ViewerTools } from './useViewerTools.ts';
import { isViewportCommand, viewportChange } from './viewport.ts';

/** the viewer a command acts on */
export interface CommandTarget {
  element: HTMLElement;
  images: ImageLoading;
  imageCount: number;
  tools: ViewerTools;
}

export function runViewerCommand(command: ViewerCommand, { element, images, imageCount, tools }: CommandTarget): void {
  if (command.startsWith('tool:')) return tools.choose(command.slice('tool:'.length) as LeftTool);
  if (command === 'next' || command === 'previous') return images.goTo(images.shownIndex.current + (command === 'next' ? 1 : -1));
  if (command === 'first' || command === 'last') return images.goTo(command === 'first' ? 0 : imageCount - 1);
  // the rest act on the image on screen
  if (!images.hasImage.current) return;
  const { cornerstone } = viewerLibraries();
  if (isViewportCommand(command)) {
    const viewport = cornerstone.getViewport(element);
    if (viewport) cornerstone.setViewport(element, { ...viewport, ...viewportChange(command, viewport) });
  } else if (command === 'reset') {
    // back to the file's window, no zoom, pan, turn or flip
    cornerstone.reset(element);
    cornerstone.fitToWindow(element);
  } else if (command === 'clearAnnotations') {
    tools.clear();
  }
}
