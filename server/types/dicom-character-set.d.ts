declare module 'dicom-character-set' {
  /** Decodes DICOM text bytes given the Specific Character Set (0008,0005) value. */
  export function convertBytes(specificCharacterSet: string, bytes: Uint8Array, options?: { vr?: string }): string;
}
