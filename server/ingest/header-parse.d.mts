import type dicomParser from 'dicom-parser';

export function parseHeaderElements(
  bytes: Uint8Array,
  inflated: boolean,
): { elements: Record<string, dicomParser.Element>; bigEndian: boolean } | { error: string };
