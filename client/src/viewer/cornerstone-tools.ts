// cornerstone-tools and what it needs, set up once: a chunk of its own (see loadCornerstoneTools in cornerstone.ts).
import type * as Cornerstone from 'cornerstone-core';
import cornerstoneMath from 'cornerstone-math';
import * as cornerstoneTools from 'cornerstone-tools';
import Hammer from 'hammerjs';

export function initTools(cornerstone: typeof Cornerstone): typeof cornerstoneTools {
  cornerstoneTools.external.cornerstone = cornerstone;
  cornerstoneTools.external.cornerstoneMath = cornerstoneMath;
  cornerstoneTools.external.Hammer = Hammer;
  cornerstoneTools.init({ showSVGCursors: false, globalToolSyncEnabled: false });
  // annotations in yellow (green while being drawn): the default white vanishes on bone and contrast
  cornerstoneTools.toolColors.setToolColor('rgb(255, 214, 0)');
  cornerstoneTools.toolColors.setActiveColor('rgb(0, 255, 0)');
  return cornerstoneTools;
}
