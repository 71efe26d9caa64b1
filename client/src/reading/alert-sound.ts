// The STAT chime, synthesised with the Web Audio API: no audio file to ship, cache or fail to load.
// Browsers keep audio silent until the user has interacted with the page, so the context is created (or
// resumed) on the first click or key press, and the chime reports whether it could actually be heard.

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  try {
    context = new AudioContext();
  } catch {
    return null; // no audio device, or audio disabled by policy: the banner still shows
  }
  return context;
}

function unlock(): void {
  const ctx = audio();
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined);
}

/** Call once a user who should hear alerts is logged in; the next click or key press enables sound. */
export function prepareAlertSound(): () => void {
  const options = { capture: true } as const;
  window.addEventListener('pointerdown', unlock, options);
  window.addEventListener('keydown', unlock, options);
  return () => {
    window.removeEventListener('pointerdown', unlock, options);
    window.removeEventListener('keydown', unlock, options);
  };
}

/** Two rising two-tone beeps, about 0.8 s: distinct from the usual system sounds. Returns whether it played. */
export function playStatChime(): boolean {
  const ctx = audio();
  if (!ctx) return false;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  const start = ctx.currentTime + 0.02;
  const notes: [frequency: number, at: number][] = [
    [880, 0],
    [1320, 0.18],
    [880, 0.42],
    [1320, 0.6],
  ];
  for (const [frequency, at] of notes) beep(ctx, frequency, start + at, 0.15);
  return ctx.state === 'running';
}

function beep(ctx: AudioContext, frequency: number, at: number, seconds: number): void {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = frequency;
  // a quick fade in and out: an abrupt start or stop clicks
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(0.25, at + 0.01);
  gain.gain.setValueAtTime(0.25, at + seconds - 0.03);
  gain.gain.linearRampToValueAtTime(0, at + seconds);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + seconds);
}
