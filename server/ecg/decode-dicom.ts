// DICOM waveform ECGs (PS3.3 A.34: 12-Lead ECG 1.2.840.10008.5.1.4.1.1.9.1.1, General ECG …9.1.2) to microvolts.
// dicom-parser reads the Waveform Sequence (5400,0100) and hands over the multiplexed Waveform Data (5400,1010)
// as bytes; the samples are decoded here following PS3.3 C.10.9 (Waveform Module):
//   - samples are interleaved by channel: s0c0 s0c1 … s0cN s1c0 …;
//   - Waveform Bits Allocated (5400,1004) and Sample Interpretation (5400,1006) give the sample format: SS/US
//     16-bit signed/unsigned, SB/UB 8-bit, MB/AB 8-bit µ-law/A-law (ITU-T G.711);
//   - value = sample × Channel Sensitivity (003A,0210) × Sensitivity Correction Factor (003A,0212) + Channel
//     Baseline (003A,0213), in Channel Sensitivity Units (003A,0211). (The baseline is "the offset of encoded sample
//     value 0 from actual 0 using the units defined in the Channel Sensitivity Units Sequence", so it is added
//     after scaling; pydicom 2.x adds it before scaling instead, which only differs where the baseline is not 0.)
import dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { completeLeads, normaliseLeadName } from '../../shared/ecg/leads.ts';
import type { EcgLead, EcgRecording, LeadName } from '../../shared/ecg/types.ts';
import { EcgDecodeError } from './decode-error.ts';

export const TWELVE_LEAD_ECG_STORAGE = '1.2.840.10008.5.1.4.1.1.9.1.1';
export const GENERAL_ECG_STORAGE = '1.2.840.10008.5.1.4.1.1.9.1.2';
const ECG_SOP_CLASSES = new Set([TWELVE_LEAD_ECG_STORAGE, GENERAL_ECG_STORAGE]);
const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
/**
 * The most a deflated ECG data set may inflate to. A 12-lead ECG is about 100 KB; ten minutes of 12 leads at 1 kHz
 * is 15 MB. The bound keeps a deflate bomb from taking the server's memory (and this synchronous inflation short).
 */
export const MAX_INFLATED_ECG_BYTES = 32 * 1024 * 1024;

const TAG = {
  sopClassUid: 'x00080016',
  transferSyntaxUid: 'x00020010',
  waveformSequence: 'x54000100',
  numberOfChannels: 'x003a0005',
  numberOfSamples: 'x003a0010',
  samplingFrequency: 'x003a001a',
  multiplexGroupLabel: 'x003a0020',
  channelDefinitionSequence: 'x003a0200',
  channelSourceSequence: 'x003a0208',
  channelSensitivity: 'x003a0210',
  channelSensitivityUnitsSequence: 'x003a0211',
  channelSensitivityCorrectionFactor: 'x003a0212',
  channelBaseline: 'x003a0213',
  codeValue: 'x00080100',
  codeMeaning: 'x00080104',
  bitsAllocated: 'x54001004',
  sampleInterpretation: 'x54001006',
  waveformData: 'x54001010',
} as const;

/** Sequences of the Waveform Module, so implicit VR files parse them as sequences. */
const SEQUENCE_TAGS = new Set<string>([
  TAG.waveformSequence,
  TAG.channelDefinitionSequence,
  TAG.channelSourceSequence,
  TAG.channelSensitivityUnitsSequence,
]);

/** Channel Sensitivity Units are UCUM codes (PS3.16 CID 3082); the ECG is kept in microvolts. */
const MICROVOLTS_PER_UNIT: Record<string, number> = { uV: 1, mV: 1000, V: 1e6, nV: 1e-3 };

type SampleReader = (bytes: Uint8Array, index: number, view: DataView, littleEndian: boolean) => number;

/** Waveform Sample Interpretation → bytes per sample and how to read one (PS3.3 C.10.9.1.5). */
const SAMPLE_FORMATS: Record<string, { bits: number; read: SampleReader }> = {
  SS: { bits: 16, read: (_, i, view, le) => view.getInt16(2 * i, le) },
  US: { bits: 16, read: (_, i, view, le) => view.getUint16(2 * i, le) },
  SB: { bits: 8, read: (bytes, i) => (bytes[i]! << 24) >> 24 },
  UB: { bits: 8, read: (bytes, i) => bytes[i]! },
  MB: { bits: 8, read: (bytes, i) => muLawToLinear(bytes[i]!) },
  AB: { bits: 8, read: (bytes, i) => aLawToLinear(bytes[i]!) },
};

/** ITU-T G.711 µ-law byte to a 16-bit linear sample (the reference decoder's scaling, ±32124). */
export function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return u & 0x80 ? 0 - magnitude : magnitude; // 0 − x, not −x: the two zero codes both decode to +0
}

/** ITU-T G.711 A-law byte to a 16-bit linear sample (±32256). */
export function aLawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude += segment === 0 ? 8 : 0x108;
  if (segment > 1) magnitude <<= segment - 1;
  return a & 0x80 ? magnitude : -magnitude;
}

interface Channel {
  lead: LeadName | null;
  /** Microvolts per sample unit (sensitivity × correction × unit) and the baseline in microvolts. */
  scale: number;
  offsetMicrovolts: number;
}

interface MultiplexGroup {
  label: string;
  sampleRateHz: number;
  samples: number;
  channels: Channel[];
  item: dicomParser.DataSet;
}

export function decodeDicomEcg(bytes: Uint8Array): EcgRecording {
  try {
    return decodeParsed(parse(bytes));
  } catch (error) {
    // dicom-parser throws (strings, not errors) when a value is read whose length runs past the bytes
    throw asDecodeError(error);
  }
}

function decodeParsed(dataSet: dicomParser.DataSet): EcgRecording {
  const sopClass = dataSet.string(TAG.sopClassUid)?.trim();
  if (!sopClass || !ECG_SOP_CLASSES.has(sopClass)) {
    throw new EcgDecodeError('NOT_ECG', `SOP Class ${sopClass ?? '(none)'} is not a 12-lead or General ECG waveform`);
  }
  const groups = (dataSet.elements[TAG.waveformSequence]?.items ?? []).flatMap((item) => (item.dataSet ? [readGroup(item.dataSet)] : []));
  if (groups.length === 0) throw new EcgDecodeError('NO_WAVEFORM', 'the file has no Waveform Sequence (5400,0100) item');
  const group = rhythmGroup(groups);
  const littleEndian = dataSet.string(TAG.transferSyntaxUid)?.trim() !== EXPLICIT_VR_BIG_ENDIAN;
  const leads = completeLeads(decodeSamples(group, littleEndian));
  return { sampleRateHz: group.sampleRateHz, durationMs: (group.samples * 1000) / group.sampleRateHz, leads };
}

function parse(bytes: Uint8Array): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      vrCallback: (tag: string) => (SEQUENCE_TAGS.has(tag) ? 'SQ' : undefined),
      inflater: inflateBounded,
    } as dicomParser.ParseDicomOptions);
  } catch (error) {
    throw asDecodeError(error);
  }
}

function asDecodeError(error: unknown): EcgDecodeError {
  if (error instanceof EcgDecodeError) return error;
  const message = String((error as { exception?: string })?.exception ?? (error as Error)?.message ?? error);
  if (/past end|beyond|overrun|maxPosition|end of buffer/i.test(message))
    return new EcgDecodeError('TRUNCATED', `the file ends early: ${message}`);
  return new EcgDecodeError('NOT_DICOM', `not a readable DICOM file: ${message}`);
}

/** dicom-parser's inflater for the deflated transfer syntax: the file meta as it is, the data set inflated within bounds. */
function inflateBounded(bytes: Uint8Array, position: number): Uint8Array {
  let body: Buffer;
  try {
    body = inflateRawSync(bytes.subarray(position), { maxOutputLength: MAX_INFLATED_ECG_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new EcgDecodeError('TOO_LARGE', `the deflated data set inflates to more than ${MAX_INFLATED_ECG_BYTES} bytes`);
    }
    const message = (error as Error).message;
    throw new EcgDecodeError(
      /unexpected end/i.test(message) ? 'TRUNCATED' : 'NOT_DICOM',
      `the deflated data set cannot be inflated: ${message}`,
    );
  }
  const whole = new Uint8Array(position + body.length);
  whole.set(bytes.subarray(0, position), 0);
  whole.set(body, position);
  return whole;
}

function readGroup(item: dicomParser.DataSet): MultiplexGroup {
  const channels = (item.elements[TAG.channelDefinitionSequence]?.items ?? []).map((definition) => readChannel(definition.dataSet));
  return {
    label: item.string(TAG.multiplexGroupLabel)?.trim() ?? '',
    sampleRateHz: item.floatString(TAG.samplingFrequency) ?? NaN,
    samples: item.uint32(TAG.numberOfSamples) ?? 0,
    channels,
    item,
  };
}

function readChannel(definition: dicomParser.DataSet | undefined): Channel {
  const source = definition?.elements[TAG.channelSourceSequence]?.items?.[0]?.dataSet;
  const lead = normaliseLeadName({ codeValue: source?.string(TAG.codeValue), codeMeaning: source?.string(TAG.codeMeaning) });
  const sensitivity = definition?.floatString(TAG.channelSensitivity);
  if (sensitivity === undefined) {
    // Without a sensitivity the samples are in arbitrary units (PS3.3 C.10.9.1.4.3): not an ECG we can measure.
    throw new EcgDecodeError('UNSUPPORTED_UNITS', 'a channel has no Channel Sensitivity (003A,0210): its samples have no physical unit');
  }
  const unit = definition?.elements[TAG.channelSensitivityUnitsSequence]?.items?.[0]?.dataSet?.string(TAG.codeValue)?.trim() ?? 'uV';
  const microvoltsPerUnit = MICROVOLTS_PER_UNIT[unit];
  if (microvoltsPerUnit === undefined)
    throw new EcgDecodeError('UNSUPPORTED_UNITS', `Channel Sensitivity Units "${unit}" is not a voltage`);
  const correction = definition?.floatString(TAG.channelSensitivityCorrectionFactor) ?? 1;
  const baseline = definition?.floatString(TAG.channelBaseline) ?? 0;
  return { lead, scale: sensitivity * correction * microvoltsPerUnit, offsetMicrovolts: baseline * microvoltsPerUnit };
}

/**
 * The group to show and measure: the one with the most standard leads (counting the four limb leads derivable
 * from I and II), then the longest — the 10 s rhythm rather than a derived median beat.
 */
function rhythmGroup(groups: MultiplexGroup[]): MultiplexGroup {
  const leadCount = (group: MultiplexGroup) => {
    const names = new Set(group.channels.map((channel) => channel.lead).filter((lead) => lead !== null));
    return (
      names.size +
      (names.has('I') && names.has('II') ? ['III', 'aVR', 'aVL', 'aVF'].filter((name) => !names.has(name as LeadName)).length : 0)
    );
  };
  const durationS = (group: MultiplexGroup) => group.samples / group.sampleRateHz;
  const best = [...groups].sort((a, b) => leadCount(b) - leadCount(a) || durationS(b) - durationS(a))[0]!;
  if (leadCount(best) === 0) throw new EcgDecodeError('NO_STANDARD_LEADS', 'no channel is one of the 12 standard ECG leads');
  if (!(best.sampleRateHz > 0) || best.samples === 0) {
    throw new EcgDecodeError('NO_WAVEFORM', `multiplex group "${best.label}" has no Sampling Frequency (003A,001A) or no samples`);
  }
  return best;
}

function decodeSamples(group: MultiplexGroup, littleEndian: boolean): EcgLead[] {
  const { item, channels, samples } = group;
  const interpretation = item.string(TAG.sampleInterpretation)?.trim() ?? '';
  const bitsAllocated = item.uint16(TAG.bitsAllocated);
  const format = SAMPLE_FORMATS[interpretation];
  if (!format || bitsAllocated !== format.bits) {
    throw new EcgDecodeError(
      'UNSUPPORTED_INTERPRETATION',
      `Waveform Sample Interpretation "${interpretation}" with ${bitsAllocated} bits allocated is not supported`,
    );
  }
  const element = item.elements[TAG.waveformData];
  if (!element) throw new EcgDecodeError('NO_WAVEFORM', `multiplex group "${group.label}" has no Waveform Data (5400,1010)`);
  const needed = (samples * channels.length * format.bits) / 8;
  const available = Math.min(element.length, item.byteArray.length - element.dataOffset);
  if (available < needed) {
    throw new EcgDecodeError(
      'TRUNCATED',
      `Waveform Data holds ${available} bytes, ${needed} needed for ${channels.length} channels × ${samples} samples`,
    );
  }
  const bytes = item.byteArray.subarray(element.dataOffset, element.dataOffset + needed);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leads: EcgLead[] = [];
  channels.forEach((channel, c) => {
    if (channel.lead === null || leads.some((lead) => lead.name === channel.lead)) return;
    const microvolts = new Float32Array(samples);
    for (let s = 0; s < samples; s++) {
      microvolts[s] = format.read(bytes, s * channels.length + c, view, littleEndian) * channel.scale + channel.offsetMicrovolts;
    }
    leads.push({ name: channel.lead, microvolts });
  });
  return leads;
}
