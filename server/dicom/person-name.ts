// DICOM person names (PN) against the name a township typed, for the patient identity check (cases/identity.ts).
//
// A PN value has up to three component groups separated by '=': alphabetic (in China usually pinyin, often upper
// case: ZHANG^SAN), ideographic (张^三) and phonetic; each group has up to five components separated by '^'
// (family^given^middle^prefix^suffix). A typed name is free text: 张三, 张 三, 阿依古丽·买买提, Zhang San, zhāng sān.
//
// Chinese characters and their romanisation are compared only script to script. Turning 张三 into "zhang san"
// needs a pronunciation dictionary (pinyin-pro or similar, with its polyphones: 单 is dān, shàn or chán), and none
// is installed here; a hand-written table would be wrong often enough to do harm. So 张三 against `Zhang^San=张^三`
// compares the ideographic group (a match); against `ZHANG^SAN` alone it cannot be compared, which the identity
// check reports as a softer warning than a mismatch.

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\u{20000}-\u{2ffff}]/u;
/** separators that carry no identity: spaces of every kind, PN's '^', the middle dots of minority names, commas */
const SEPARATORS = /[\s^·・•.,，、\-_'’]+/gu;

export type NameScript = 'han' | 'latin';

/** The components of a name in one script, normalised: width-folded, tone marks gone, lower case, no separators. */
export interface NormalisedName {
  script: NameScript;
  /** the whole name, joined without separators ("zhangsan", "张三") */
  joined: string;
  /** its components, sorted: "San Zhang" and ZHANG^SAN have the same tokens */
  tokens: string[];
}

/** Width (full-width Ｚｈａｎｇ, ideographic space), tone marks (zhāng → zhang) and case folded away. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC').toLowerCase();
}

function normalise(text: string, split: RegExp): NormalisedName | null {
  const folded = fold(text);
  const tokens = folded
    .split(split)
    .map((t) => t.replace(SEPARATORS, ''))
    .filter(Boolean);
  const joined = tokens.join('');
  if (!joined) return null;
  return { script: HAN.test(joined) ? 'han' : 'latin', joined, tokens: [...tokens].sort() };
}

/** A typed name, normalised for comparison. */
export function normaliseTypedName(name: string): NormalisedName | null {
  return normalise(name, SEPARATORS);
}

/** Each component group of a PN value (alphabetic, ideographic, phonetic) that has content, normalised. */
export function personNameGroups(pn: string): NormalisedName[] {
  return pn
    .split('=')
    .map((group) => normalise(group, /\^/))
    .filter((g): g is NormalisedName => g !== null);
}

export type NameComparison = 'match' | 'mismatch' | 'uncomparable';

function sameName(a: NormalisedName, b: NormalisedName): boolean {
  return a.joined === b.joined || a.tokens.join(' ') === b.tokens.join(' ');
}

/**
 * The typed name against a DICOM PN value: a match when a group in the typed name's script says the same name, a
 * mismatch when groups in that script exist and none does, uncomparable when the value has no group in that script
 * (a romanised-only DICOM name against 张三) or either side is empty.
 */
export function compareTypedName(typed: string, pn: string): NameComparison {
  const name = normaliseTypedName(typed);
  if (!name) return 'uncomparable';
  const comparable = personNameGroups(pn).filter((g) => g.script === name.script);
  if (comparable.length === 0) return 'uncomparable';
  return comparable.some((g) => sameName(name, g)) ? 'match' : 'mismatch';
}

/**
 * Two DICOM PN values: different people when, in a script both are written in, no group of one says the same name
 * as a group of the other (Zhang^San=张^三 and Zhang^San=李^四 differ in their ideographic groups); otherwise (the
 * same, or nothing to compare) not known to differ.
 */
export function personNamesDiffer(a: string, b: string): boolean {
  const left = personNameGroups(a);
  const right = personNameGroups(b);
  const inScript = (groups: NormalisedName[], script: NameScript) => groups.filter((g) => g.script === script);
  return (['han', 'latin'] as const).some((script) => {
    const l = inScript(left, script);
    const r = inScript(right, script);
    return l.length > 0 && r.length > 0 && !l.some((x) => r.some((y) => sameName(x, y)));
  });
}

/**
 * A person name for display. The ideographic group wins when present, since that is how the patient writes their
 * name; Chinese names are written family name first with no space.
 */
export function displayPersonName(pn: string): string {
  const [alphabetic = '', ideographic = ''] = pn.split('=');
  const group = ideographic.trim() || alphabetic.trim();
  const parts = group
    .split('^')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.join(HAN.test(group) ? '' : ' ');
}
