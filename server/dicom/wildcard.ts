// DICOM attribute matching shared by the query services (QIDO-RS in dicomweb/, the Modality Worklist in dimse/):
// wildcard matching (PS3.4 C.2.2.2.4) and person-name matching across the ways a name may be written.

/**
 * Whether a DICOM wildcard pattern (`*` any run, `?` one character) matches the whole value, case-insensitively,
 * in time proportional to pattern × value. (A regular expression of `.*` runs backtracks exponentially on a near
 * miss: `*a*a…*b` with 25 stars against a name of forty "a"s held the event loop for minutes.)
 */
export function wildcardMatches(pattern: string, value: string): boolean {
  const p = [...pattern.toLowerCase()];
  const v = [...value.toLowerCase()];
  let i = 0;
  let j = 0;
  let star = -1; // the last * seen, and where in the value its run currently ends
  let resume = 0;
  while (j < v.length) {
    if (i < p.length && p[i] !== '*' && (p[i] === '?' || p[i] === v[j])) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      resume = j;
    } else if (star >= 0) {
      i = star + 1; // let the last * take one more character, and try again from there
      j = ++resume;
    } else return false;
  }
  while (p[i] === '*') i++;
  return i === p.length;
}

export const NAME_SEPARATORS = /[\s^=]/g;

/** DICOM PN matching, case-insensitive, on the whole value, each component group, and each group without ^. */
export function personNameMatches(pattern: string, value: string | null | undefined): boolean {
  if (!value) return false;
  const groups = value.split('=').filter(Boolean);
  const strip = (s: string) => s.replace(NAME_SEPARATORS, '');
  const candidates = [value, ...groups, ...groups.map(strip)];
  const patterns = [pattern, strip(pattern)];
  return patterns.some((p) => candidates.some((c) => wildcardMatches(p, c)));
}
