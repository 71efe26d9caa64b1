// DICOM JSON (PS3.18 F.2) building blocks and the data dictionary (dcmjs's) for keywords and tags.
import { createRequire } from 'node:module';
import type { DicomJsonDataset } from './instance-file.ts';

interface DictionaryEntry {
  tag: string;
  vr: string;
  name: string;
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: { DicomMetaDictionary: { nameMap: Record<string, DictionaryEntry>; dictionary: Record<string, DictionaryEntry> } };
};
const { nameMap, dictionary } = dcmjs.data.DicomMetaDictionary;

const HEX_TAG = /^[0-9A-Fa-f]{8}$/;

/** A query key or includefield entry as a keyword: "00100010" → "PatientName"; a keyword stays; unknown → null. */
export function keywordOf(key: string): string | null {
  if (HEX_TAG.test(key)) {
    const upper = key.toUpperCase();
    return dictionary[`(${upper.slice(0, 4)},${upper.slice(4)})`]?.name ?? null;
  }
  return Object.hasOwn(nameMap, key) ? key : null;
}

/** A known attribute, by keyword or tag ("00100010"): its tag as DICOM JSON writes it, or null. */
export function tagOf(key: string): string | null {
  if (HEX_TAG.test(key)) return key.toUpperCase();
  const entry = Object.hasOwn(nameMap, key) ? nameMap[key] : undefined;
  return entry ? entry.tag.replace(/[(),]/g, '').toUpperCase() : null;
}

type Json = DicomJsonDataset[string];

/** A value of the given VR, or the attribute empty (zero-length) when there is none. */
export function attr(vr: string, ...values: (string | number | null | undefined)[]): Json {
  const present = values.filter((v): v is string | number => v !== null && v !== undefined && v !== '');
  return present.length ? { vr, Value: present } : { vr };
}

/** A person name: "Zhang^San=张^三" → {Alphabetic: "Zhang^San", Ideographic: "张^三"}. */
export function personName(pn: string | null | undefined): Json {
  if (!pn) return { vr: 'PN' };
  const [alphabetic = '', ideographic = '', phonetic = ''] = pn.split('=');
  const value: Record<string, string> = {};
  if (alphabetic) value.Alphabetic = alphabetic;
  if (ideographic) value.Ideographic = ideographic;
  if (phonetic) value.Phonetic = phonetic;
  return Object.keys(value).length ? { vr: 'PN', Value: [value] } : { vr: 'PN' };
}

/** "2026-11-23" (as teledx stores dates) → "20261123" */
export function daOf(iso: string | null | undefined): string | undefined {
  return iso ? iso.replaceAll('-', '') : undefined;
}
