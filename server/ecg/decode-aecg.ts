// HL7 v3 annotated ECG (aECG, ANSI/HL7 V3 ECG R1-2004; the format the FDA takes ECGs in) to microvolts.
// The rhythm waveforms are at AnnotatedECG/component/series/component/sequenceSet/component/sequence: one sequence
// holds the time axis (code TIME_ABSOLUTE or TIME_RELATIVE, a GLIST whose increment is the sampling period), the
// others one lead each (code MDC_ECG_LEAD_*, an SLIST_PQ: value = origin + scale × digit). Median beats live
// under series/derivation/derivedSeries and are not read. Parsed with fast-xml-parser, namespace-aware by hand:
// elements are matched on their local name, and the root must be AnnotatedECG in urn:hl7-org:v3.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { completeLeads, normaliseLeadName } from '../../shared/ecg/leads.ts';
import type { EcgLead, EcgRecording } from '../../shared/ecg/types.ts';
import { EcgDecodeError } from './decode-error.ts';

export const HL7_V3_NAMESPACE = 'urn:hl7-org:v3';
const TIME_CODES = new Set(['TIME_ABSOLUTE', 'TIME_RELATIVE']);
const SECONDS_PER_UNIT: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6 };
const MICROVOLTS_PER_UNIT: Record<string, number> = { uV: 1, mV: 1000, V: 1e6, nV: 1e-3 };

type XmlNode = { [key: string]: unknown };

/**
 * Larger documents are not decoded: a 10 s 12-lead aECG is a few hundred kilobytes of digits, and the whole document
 * becomes one string and a parsed tree (several times its size) while it is read.
 */
export const MAX_AECG_BYTES = 64 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // The digits are plain numbers; no document needs entities, and expanding them is a classic XML attack surface.
  processEntities: false,
});

/** The children of `node` with local name `name` (any namespace prefix), always as a list. */
function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: XmlNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key !== name && !key.endsWith(`:${name}`)) continue;
    for (const item of Array.isArray(value) ? value : [value])
      found.push(typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': item });
  }
  return found;
}

function path(node: unknown, ...names: string[]): XmlNode[] {
  return names.reduce<XmlNode[]>((nodes, name) => nodes.flatMap((n) => children(n, name)), [node as XmlNode]);
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value.trim() : undefined;
}

function text(node: XmlNode | undefined): string {
  const value = node?.['#text'];
  return typeof value === 'string' ? value : '';
}

export function decodeAecg(bytes: Uint8Array): EcgRecording {
  if (bytes.length > MAX_AECG_BYTES) throw new EcgDecodeError('TOO_LARGE', `the aECG document is larger than ${MAX_AECG_BYTES} bytes`);
  const xml = new TextDecoder('utf-8').decode(bytes);
  const root = annotatedEcg(xml);
  const sets = path(root, 'component', 'series', 'component', 'sequenceSet').map(readSequenceSet);
  if (sets.length === 0) throw new EcgDecodeError('NO_WAVEFORM', 'the aECG has no series/component/sequenceSet');
  // As with DICOM multiplex groups: the set with the most standard leads, then the longest.
  const best = sets.sort((a, b) => b.leads.length - a.leads.length || b.samples - a.samples)[0]!;
  if (best.leads.length === 0) throw new EcgDecodeError('NO_STANDARD_LEADS', 'no sequence is one of the 12 standard ECG leads');
  return { sampleRateHz: best.sampleRateHz, durationMs: (best.samples * 1000) / best.sampleRateHz, leads: completeLeads(best.leads) };
}

function annotatedEcg(xml: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new EcgDecodeError('NOT_AECG', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    // the validator lets some broken documents through (an unclosed processing instruction) that the parser refuses
    throw new EcgDecodeError('NOT_AECG', `not well-formed XML: ${(error as Error).message}`);
  }
  const [rootKey, root] = Object.entries(document).find(([key]) => key === 'AnnotatedECG' || key.endsWith(':AnnotatedECG')) ?? [];
  if (!rootKey || typeof root !== 'object' || root === null) throw new EcgDecodeError('NOT_AECG', 'the root element is not AnnotatedECG');
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':')) : '';
  const namespace = attribute(root as XmlNode, prefix ? `xmlns:${prefix}` : 'xmlns');
  if (namespace !== HL7_V3_NAMESPACE)
    throw new EcgDecodeError('NOT_AECG', `AnnotatedECG is in namespace ${namespace ?? '(none)'}, not ${HL7_V3_NAMESPACE}`);
  return root as XmlNode;
}

interface SequenceSet {
  sampleRateHz: number;
  samples: number;
  leads: EcgLead[];
}

function readSequenceSet(set: XmlNode): SequenceSet {
  const sequences = path(set, 'component', 'sequence');
  const time = sequences.find((s) => TIME_CODES.has(attribute(children(s, 'code')[0], 'code') ?? ''));
  if (!time) throw new EcgDecodeError('MALFORMED', 'a sequenceSet has no TIME_ABSOLUTE or TIME_RELATIVE sequence');
  const sampleRateHz = samplingRate(children(children(time, 'value')[0], 'increment')[0]);
  const leads: EcgLead[] = [];
  for (const sequence of sequences) {
    const name = normaliseLeadName({ codeValue: attribute(children(sequence, 'code')[0], 'code') });
    if (name && !leads.some((lead) => lead.name === name))
      leads.push({ name, microvolts: leadSamples(children(sequence, 'value')[0], name) });
  }
  const samples = leads[0]?.microvolts.length ?? 0;
  if (leads.some((lead) => lead.microvolts.length !== samples))
    throw new EcgDecodeError('MALFORMED', 'the leads of a sequenceSet have different numbers of samples');
  return { sampleRateHz, samples, leads };
}

/** 1 / increment, rounded where it is a whole number of Hz within float noise (0.002 s → 500 Hz). */
function samplingRate(increment: XmlNode | undefined): number {
  const value = Number(attribute(increment, 'value'));
  const seconds = SECONDS_PER_UNIT[attribute(increment, 'unit') ?? 's'];
  if (!(value > 0) || seconds === undefined) {
    throw new EcgDecodeError(
      'MALFORMED',
      `the time sequence's increment (${attribute(increment, 'value')} ${attribute(increment, 'unit')}) is not a sampling period`,
    );
  }
  const rate = 1 / (value * seconds);
  return Math.abs(rate - Math.round(rate)) < 1e-6 * rate ? Math.round(rate) : rate;
}

/** µV for each digit: origin + scale × digit, origin and scale each in its own unit. */
function leadSamples(value: XmlNode | undefined, lead: string): Float32Array {
  const origin = physical(children(value, 'origin')[0], 0, lead);
  const scale = physical(children(value, 'scale')[0], 1, lead);
  const digits = text(children(value, 'digits')[0]).trim();
  const parts = digits ? digits.split(/\s+/) : [];
  const microvolts = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const digit = Number(parts[i]);
    if (!Number.isFinite(digit)) throw new EcgDecodeError('MALFORMED', `lead ${lead}: "${parts[i]}" is not a number`);
    microvolts[i] = origin + scale * digit;
  }
  return microvolts;
}

function physical(node: XmlNode | undefined, fallback: number, lead: string): number {
  if (!node) return fallback;
  const unit = attribute(node, 'unit') ?? 'uV';
  const perUnit = MICROVOLTS_PER_UNIT[unit];
  const value = Number(attribute(node, 'value'));
  if (perUnit === undefined) throw new EcgDecodeError('UNSUPPORTED_UNITS', `lead ${lead}: unit "${unit}" is not a voltage`);
  if (!Number.isFinite(value)) throw new EcgDecodeError('MALFORMED', `lead ${lead}: "${attribute(node, 'value')}" is not a number`);
  return value * perUnit;
}
