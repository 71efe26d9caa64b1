// Everything the reader can do to a viewer from the toolbar or the keyboard, as one command type, and the keyboard
// shortcuts: one table, which both the key handler and the help line read, so that they cannot disagree.
import type { TFunction } from 'i18next';
import type { Messages } from '../i18n/zh-CN.ts';
import type { LeftTool } from './tools.ts';
import { PRESET_KEYS, WINDOW_PRESETS, type ViewportCommand } from './viewport.ts';

export type ViewerCommand =
  ViewportCommand | `tool:${LeftTool}` | 'reset' | 'clearAnnotations' | 'next' | 'previous' | 'first' | 'last' | 'fullscreen';

type ViewerText = keyof Messages['viewer'];

interface Shortcut {
  /** KeyboardEvent.key values (letters in lower case; Shift and Caps Lock do not matter) */
  keys: readonly string[];
  command: ViewerCommand;
  /** what the help line calls the command; commands without one (scrolling) are told by the help's first part */
  label?: ViewerText;
  /** the key's name, for keys that are not written as themselves */
  keyName?: ViewerText;
}

/** Letters for the tools as most viewers have them (W/L, Pan, Length, Angle, Ellipse, Rectangle); N and T for notes. */
const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['w'], command: 'tool:Wwwc', label: 'toolWl' },
  { keys: ['p'], command: 'tool:Pan', label: 'toolPan' },
  { keys: ['l'], command: 'tool:Length', label: 'toolLength' },
  { keys: ['a'], command: 'tool:Angle', label: 'toolAngle' },
  { keys: ['e'], command: 'tool:EllipticalRoi', label: 'toolEllipse' },
  { keys: ['r'], command: 'tool:RectangleRoi', label: 'toolRect' },
  { keys: ['n'], command: 'tool:ArrowAnnotate', label: 'toolArrow' },
  { keys: ['t'], command: 'tool:TextMarker', label: 'toolText' },
  { keys: ['i'], command: 'invert', label: 'invert' },
  { keys: ['['], command: 'rotateLeft', label: 'rotateLeft' },
  { keys: [']'], command: 'rotateRight', label: 'rotateRight' },
  { keys: ['h'], command: 'flipH', label: 'flipH' },
  { keys: ['v'], command: 'flipV', label: 'flipV' },
  { keys: ['+', '='], command: 'zoomIn', label: 'zoomIn' },
  { keys: ['-'], command: 'zoomOut', label: 'zoomOut' },
  { keys: [' '], command: 'reset', label: 'reset', keyName: 'keySpace' },
  { keys: ['f'], command: 'fullscreen', label: 'fullscreen' },
  ...PRESET_KEYS.map((preset, i) => ({ keys: [String(i + 1)], command: `preset:${preset}` as const, label: WINDOW_PRESETS[preset].label })),
  { keys: ['Home'], command: 'first', label: 'firstImage' },
  { keys: ['End'], command: 'last', label: 'lastImage' },
  { keys: ['ArrowDown', 'ArrowRight', 'PageDown'], command: 'next' },
  { keys: ['ArrowUp', 'ArrowLeft', 'PageUp'], command: 'previous' },
];

/** The command of a key press, or null: with Ctrl, Alt or Meta the key belongs to the browser (Ctrl+R, Ctrl+W…). */
export function commandForKey(event: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean }): ViewerCommand | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  return SHORTCUTS.find((s) => s.keys.includes(key))?.command ?? null;
}

/** The key of `command`, for a button's title ("反色 (I)"); undefined when it has none. */
export function shortcutOf(command: ViewerCommand, t: TFunction): string | undefined {
  const shortcut = SHORTCUTS.find((s) => s.command === command);
  return shortcut && keyText(shortcut, t);
}

/** The help line's list of shortcuts: "W 窗宽窗位 · P 平移 · …". */
export function shortcutHelp(t: TFunction): string {
  return SHORTCUTS.flatMap((s) => (s.label ? [`${keyText(s, t)} ${t(`viewer.${s.label}`)}`] : [])).join(' · ');
}

function keyText(shortcut: Shortcut, t: TFunction): string {
  if (shortcut.keyName) return t(`viewer.${shortcut.keyName}`);
  const key = shortcut.keys[0]!;
  return key.length === 1 ? key.toUpperCase() : key;
}
