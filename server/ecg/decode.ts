// One entry point for every ECG file format the app reads: bytes in, an EcgRecording (µV per lead) or a coded
// problem out. DICOM waveform and HL7 aECG for now; SCP-ECG would be a third decoder here.
import type { EcgRecording } from '../../shared/ecg/types.ts';
import { decodeAecg } from './decode-aecg.ts';
import { decodeDicomEcg } from './decode-dicom.ts';
import { EcgDecodeError, type EcgDecodeErrorCode } from './decode-error.ts';

export type EcgFileKind = 'dicom' | 'aecg';

export type EcgDecodeResult = { recording: EcgRecording } | { problem: { code: EcgDecodeErrorCode; reason: string } };

const DECODERS: Record<EcgFileKind, (bytes: Uint8Array) => EcgRecording> = {
  dicom: decodeDicomEcg,
  aecg: decodeAecg,
};

/** The kind of an ECG file from its first bytes: "DICM" after the 128-byte preamble, or XML. */
export function sniffEcgKind(bytes: Uint8Array): EcgFileKind | null {
  if (bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM') return 'dicom';
  const head = new TextDecoder('utf-8')
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<') ? 'aecg' : null;
}

export function decodeEcg(bytes: Uint8Array, kind: EcgFileKind): EcgDecodeResult {
  try {
    return { recording: DECODERS[kind](bytes) };
  } catch (error) {
    if (error instanceof EcgDecodeError) return { problem: { code: error.code, reason: error.message } };
    throw error;
  }
}
