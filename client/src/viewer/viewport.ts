// What the toolbar's and the keyboard's view commands do to a Cornerstone viewport: window presets, zoom, invert,
// quarter turns and flips, the latter as the reader sees them on screen.
import type { Viewport } from 'cornerstone-core';

export const WINDOW_PRESETS = {
  lung: { windowWidth: 1500, windowCenter: -600, label: 'presetLung' },
  bone: { windowWidth: 2000, windowCenter: 300, label: 'presetBone' },
  soft: { windowWidth: 400, windowCenter: 40, label: 'presetSoft' },
  brain: { windowWidth: 80, windowCenter: 40, label: 'presetBrain' },
  abdomen: { windowWidth: 350, windowCenter: 50, label: 'presetAbdomen' },
} as const;
export type PresetKey = keyof typeof WINDOW_PRESETS;
export const PRESET_KEYS = Object.keys(WINDOW_PRESETS) as PresetKey[];

export type ViewportCommand = 'zoomIn' | 'zoomOut' | 'rotateRight' | 'rotateLeft' | 'flipH' | 'flipV' | 'invert' | `preset:${PresetKey}`;

const ZOOM_STEP = 1.25;

export function isViewportCommand(command: string): command is ViewportCommand {
  return command.startsWith('preset:') || ['zoomIn', 'zoomOut', 'rotateRight', 'rotateLeft', 'flipH', 'flipV', 'invert'].includes(command);
}

/** The part of the viewport `command` changes, from the viewport as it is. */
export function viewportChange(command: ViewportCommand, viewport: Viewport): Partial<Viewport> {
  switch (command) {
    case 'zoomIn':
      return { scale: viewport.scale * ZOOM_STEP };
    case 'zoomOut':
      return { scale: viewport.scale / ZOOM_STEP };
    case 'invert':
      return { invert: !viewport.invert };
    case 'rotateRight':
      return { rotation: quarterTurned(viewport.rotation, 90) };
    case 'rotateLeft':
      return { rotation: quarterTurned(viewport.rotation, -90) };
    case 'flipH':
    case 'flipV': {
      // Cornerstone flips in the image's own axes, before rotating: with the image turned a quarter, the image's
      // vertical axis lies across the screen, so mirroring left to right on screen is the image's vertical flip
      const sideways = quarterTurned(viewport.rotation, 0) % 180 === 90;
      const flipImageVertically = (command === 'flipV') !== sideways;
      return flipImageVertically ? { vflip: !viewport.vflip } : { hflip: !viewport.hflip };
    }
    default: {
      const preset = WINDOW_PRESETS[command.slice('preset:'.length) as PresetKey];
      return { voi: { windowWidth: preset.windowWidth, windowCenter: preset.windowCenter } };
    }
  }
}

/** `rotation` turned by `degrees`, in 0..359, snapped to a quarter turn */
function quarterTurned(rotation: number, degrees: number): number {
  const turned = Math.round(((rotation || 0) + degrees) / 90) * 90;
  return ((turned % 360) + 360) % 360;
}
