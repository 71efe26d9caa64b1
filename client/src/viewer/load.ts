// The viewer's code (Cornerstone, the image loader, dicom-parser and the viewer's components) is a chunk of its
// own, so that the login page and the lists do not wait for it. Loading and evaluating it takes ~100 ms on a
// clinic PC; the lists from which cases are opened load it while the user looks at them, so that opening a case
// waits only for the case and its first image.

/** The viewer's module; import() loads it once, later calls get the same module. */
export const loadCaseViewer = () => import('./CaseViewer.tsx');

/** Loads the viewer's code when the page is next idle (within a second), ahead of the case about to be opened. */
export function preloadCaseViewer(): void {
  const load = () => void loadCaseViewer().catch(() => undefined); // a failure shows when a case page asks again
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 1000 });
  else setTimeout(load, 0);
}
