// Why an ECG file could not be decoded, with a stable code the API and the client can act on.

export type EcgDecodeErrorCode =
  /** Not a DICOM Part 10 file, or its data set cannot be parsed. */
  | 'NOT_DICOM'
  /** A DICOM object of another kind than a 12-lead or General ECG Waveform. */
  | 'NOT_ECG'
  /** No Waveform Sequence (5400,0100), or no multiplex group with sample data. */
  | 'NO_WAVEFORM'
  /** Waveform Sample Interpretation (5400,1006) or Bits Allocated (5400,1004) this decoder does not read. */
  | 'UNSUPPORTED_INTERPRETATION'
  /** Channel sensitivity units other than a voltage. */
  | 'UNSUPPORTED_UNITS'
  /** The sample data (or the file) ends before the declared number of samples. */
  | 'TRUNCATED'
  /** None of the channels is one of the 12 standard leads. */
  | 'NO_STANDARD_LEADS'
  /** Not an HL7 aECG (AnnotatedECG, urn:hl7-org:v3) document, or not well-formed XML. */
  | 'NOT_AECG'
  /** The file, or its deflated data set once inflated, is larger than an ECG can plausibly be. */
  | 'TOO_LARGE'
  /** Required content is missing or inconsistent (no sampling increment, leads of different lengths...). */
  | 'MALFORMED';

export class EcgDecodeError extends Error {
  constructor(
    readonly code: EcgDecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EcgDecodeError';
  }
}
