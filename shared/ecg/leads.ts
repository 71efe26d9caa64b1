// Lead names as files spell them, mapped to the 12 standard names; and the limb leads that need not be stored
// because Einthoven's and Goldberger's laws give them from leads I and II.
import { LEAD_NAMES, type EcgLead, type LeadName } from './types.ts';

/**
 * SCP-ECG (EN 1064) and ISO/IEEE 11073 MDC share one numbering of the leads: SCP-ECG code 5.6.3-9-N, MDC code
 * 2:N (partition 2, numeric 131328 + N), MDC reference id MDC_ECG_LEAD_<name>. DICOM PS3.16 CID 3001 lists both.
 */
const LEAD_BY_CODE_NUMBER: Record<number, LeadName> = {
  1: 'I',
  2: 'II',
  3: 'V1',
  4: 'V2',
  5: 'V3',
  6: 'V4',
  7: 'V5',
  8: 'V6',
  61: 'III',
  62: 'aVR',
  63: 'aVL',
  64: 'aVF',
};
const MDC_LEAD_NUMERIC_BASE = 2 * 65536 + 256; // MDC_ECG_LEAD_I = 131329

const LEAD_BY_UPPERCASE_NAME = new Map<string, LeadName>(LEAD_NAMES.map((name) => [name.toUpperCase(), name]));

/** The standard lead a coded or free-text lead label stands for, or null (other channels, e.g. respiration). */
export function normaliseLeadName(label: { codeValue?: string; codeMeaning?: string }): LeadName | null {
  return (label.codeValue && leadFromCode(label.codeValue.trim())) || (label.codeMeaning && leadFromText(label.codeMeaning)) || null;
}

function leadFromCode(code: string): LeadName | null {
  const numbered = code.match(/^5\.6\.3-9-(\d+)$/) ?? code.match(/^2:(\d+)$/);
  if (numbered) return LEAD_BY_CODE_NUMBER[Number(numbered[1])] ?? null;
  if (/^\d{6}$/.test(code)) return LEAD_BY_CODE_NUMBER[Number(code) - MDC_LEAD_NUMERIC_BASE] ?? null;
  const reference = code.match(/^MDC_ECG_LEAD_(\w+)$/i);
  return reference ? leadFromText(reference[1]!) : null;
}

/** "Lead I (Einthoven)", "lead aVR", "V1", "AVF" → the standard name; "-aVR" (Cabrera) and others → null. */
function leadFromText(text: string): LeadName | null {
  const bare = text
    .replace(/\([^)]*\)/g, '')
    .replace(/\blead\b/i, '')
    .replace(/\s+/g, '')
    .toUpperCase();
  return LEAD_BY_UPPERCASE_NAME.get(bare) ?? null;
}

type LimbDerivation = (i: number, ii: number) => number;
/** Einthoven (III = II − I) and Goldberger's augmented leads, all from I and II. */
const DERIVED_LIMB_LEADS: [LeadName, LimbDerivation][] = [
  ['III', (i, ii) => ii - i],
  ['aVR', (i, ii) => -(i + ii) / 2],
  ['aVL', (i, ii) => i - ii / 2],
  ['aVF', (i, ii) => ii - i / 2],
];

/**
 * The leads in standard order, with III, aVR, aVL and aVF computed from I and II where the source stored only the
 * 8 independent leads (I, II, V1–V6), as many carts do.
 */
export function completeLeads(leads: EcgLead[]): EcgLead[] {
  const byName = new Map(leads.map((lead) => [lead.name, lead]));
  const leadI = byName.get('I')?.microvolts;
  const leadII = byName.get('II')?.microvolts;
  if (leadI && leadII) {
    for (const [name, derive] of DERIVED_LIMB_LEADS) {
      if (byName.has(name)) continue;
      const microvolts = new Float32Array(leadI.length);
      for (let s = 0; s < microvolts.length; s++) microvolts[s] = derive(leadI[s]!, leadII[s]!);
      byName.set(name, { name, microvolts });
    }
  }
  return LEAD_NAMES.flatMap((name) => byName.get(name) ?? []);
}
