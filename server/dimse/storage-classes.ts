// What the C-STORE SCP accepts: the storage SOP classes the viewer shows, in the transfer syntaxes it decodes
// (the same files the browser upload takes), stored as received.

export const VERIFICATION = '1.2.840.10008.1.1';

export const STORAGE_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image (presentation)',
  '1.2.840.10008.5.1.4.1.1.1.1.1': 'Digital X-Ray Image (processing)',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image',
  '1.2.840.10008.5.1.4.1.1.3.1': 'Ultrasound Multi-frame Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.7.1': 'Multi-frame Single Bit Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.7.2': 'Multi-frame Grayscale Byte Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.7.3': 'Multi-frame Grayscale Word Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.7.4': 'Multi-frame True Color Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-lead ECG Waveform',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform',
};

/** in order of preference when a device offers several for one presentation context */
export const TRANSFER_SYNTAXES: string[] = [
  '1.2.840.10008.1.2.1', // explicit VR little endian
  '1.2.840.10008.1.2', // implicit VR little endian
  '1.2.840.10008.1.2.1.99', // deflated explicit VR little endian
  '1.2.840.10008.1.2.4.50', // JPEG baseline
  '1.2.840.10008.1.2.4.51', // JPEG extended
  '1.2.840.10008.1.2.4.57', // JPEG lossless
  '1.2.840.10008.1.2.4.70', // JPEG lossless, first-order prediction
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.5', // RLE lossless
];
