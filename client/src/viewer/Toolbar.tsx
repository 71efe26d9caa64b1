// The viewer's toolbar (the left-button tools, the view commands, the window presets, clearing the annotations,
// cine when the image is a loop, and the last measurement) and the help line under the image. Every button runs a
// ViewerCommand, the same ones the keyboard runs.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Messages } from '../i18n/zh-CN.ts';
import { shortcutOf, shortcutHelp, type ViewerCommand } from './commands.ts';
import { LEFT_TOOLS, type LeftTool } from './tools.ts';
import { PRESET_KEYS, WINDOW_PRESETS } from './viewport.ts';

type ViewerText = keyof Messages['viewer'];

/** view commands shown as a symbol, named by their title */
const VIEW_BUTTONS: readonly { command: ViewerCommand; testId: string; symbol: string; label: ViewerText }[] = [
  { command: 'zoomIn', testId: 'viewer-zoom-in', symbol: '＋', label: 'zoomIn' },
  { command: 'zoomOut', testId: 'viewer-zoom-out', symbol: '－', label: 'zoomOut' },
  { command: 'rotateLeft', testId: 'viewer-rotate-left', symbol: '⟲', label: 'rotateLeft' },
  { command: 'rotateRight', testId: 'viewer-rotate-right', symbol: '⟳', label: 'rotateRight' },
  { command: 'flipH', testId: 'viewer-flip-h', symbol: '⇆', label: 'flipH' },
  { command: 'flipV', testId: 'viewer-flip-v', symbol: '⇅', label: 'flipV' },
];

/** the viewer's full-screen mode, which its panes' toolbars and keys switch */
export interface ViewerFullscreen {
  on: boolean;
  toggle: () => void;
}

export interface ViewerToolbarProps {
  tool: LeftTool;
  /** false until cornerstone-tools has loaded (just after the first image): the tool buttons wait for it */
  toolsReady: boolean;
  inverted: boolean;
  /** whether the viewer is full screen; no button when undefined (the viewer cannot be) */
  fullscreen?: boolean;
  /** the last measurement, as the toolbar reads it */
  measurement: string | null;
  run: (command: ViewerCommand) => void;
  /** controls that belong to the image on screen (cine) */
  children?: ReactNode;
}

export function ViewerToolbar({ tool, toolsReady, inverted, fullscreen, measurement, run, children }: ViewerToolbarProps) {
  const { t } = useTranslation();
  /** a button running `command`, titled with its name and key; a symbol, when given, stands for the name */
  const button = (
    command: ViewerCommand,
    testId: string,
    label: ViewerText,
    options: { symbol?: string; pressed?: boolean; disabled?: boolean } = {},
  ) => {
    const name = t(`viewer.${label}`);
    const key = shortcutOf(command, t);
    return (
      <button
        type="button"
        key={testId}
        className={options.pressed ? 'active' : ''}
        aria-pressed={options.pressed}
        aria-label={options.symbol ? name : undefined}
        title={key ? `${name} (${key})` : name}
        onClick={() => run(command)}
        disabled={options.disabled}
        data-testid={testId}
      >
        {options.symbol ?? name}
      </button>
    );
  };
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
      <div className="viewer-group">
        {LEFT_TOOLS.map(({ name, testId, label }) =>
          button(`tool:${name}`, testId, label, { pressed: tool === name, disabled: !toolsReady }),
        )}
      </div>
      <div className="viewer-group">
        {VIEW_BUTTONS.map(({ command, testId, symbol, label }) => button(command, testId, label, { symbol }))}
        {button('invert', 'viewer-invert', 'invert', { pressed: inverted })}
        {button('reset', 'viewer-reset', 'reset')}
        {fullscreen !== undefined &&
          button('fullscreen', 'viewer-fullscreen', fullscreen ? 'exitFullscreen' : 'fullscreen', { pressed: fullscreen })}
      </div>
      <div className="viewer-group" aria-label={t('viewer.presets')}>
        {PRESET_KEYS.map((key) => button(`preset:${key}`, `viewer-preset-${key}`, WINDOW_PRESETS[key].label))}
      </div>
      <div className="viewer-group">
        {button('clearAnnotations', 'viewer-clear-annotations', 'clearAnnotations', { disabled: !toolsReady })}
      </div>
      {children}
      <span className="viewer-measurement" data-testid="viewer-measurement" title={t('viewer.lastMeasurement')}>
        {measurement ?? ''}
      </span>
    </div>
  );
}

/** The mouse, and the keys folded away (a long line under every pane otherwise). */
export function ViewerHelp() {
  const { t } = useTranslation();
  return (
    <div className="muted viewer-help">
      <p>{t('viewer.help')}</p>
      <details>
        <summary>{t('viewer.shortcuts')}</summary>
        {shortcutHelp(t)}
      </details>
    </div>
  );
}
