// The STAT chime, synthesised with the Web Audio API: no audio file to ship, cache or fail to load.
// Browsers keep audio silent until the user has interacted with the page. A context created after any click or
// key press on the page starts running, so it is created only when a chime is due (creating one costs tens of
// milliseconds, too much to spend inside the click that opens a case); a context that was created before any
// interaction is resumed by the next one. The chime reports whether it could actually be heard.

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
  if (context?.state === 'suspended') void context.resume().catch(() => undefined);
}

/** Call once a user who should hear alerts is logged in; a click or key press enables a chime that was silenced. */
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
