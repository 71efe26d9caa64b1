// The identifier systems and code systems teledx's FHIR resources use, in one place (README "Sending reports to
// the HIS (FHIR)" lists them for the HIS's integrators).

/**
 * 居民身份证号 (the resident identity card number). 2.16.156.10011.1.3 is the OID the National Health Commission's
 * health-information standards give the patient's identity card number ("患者身份证号标识"): WS/T 500 电子病历共享文档
 * 规范 (and WS 364/WS/T 483) write it as `<id root="2.16.156.10011.1.3" extension="…"/>` in every shared document's
 * patient, so a Chinese HIS already knows it. FHIR names an OID as a URI with `urn:oid:`.
 */
export const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';

/** teledx's own numbers: the accession number (检查号) and the organization codes of the consortium */
export const ACCESSION_SYSTEM = 'urn:teledx:accession-number';
export const ORGANIZATION_CODE_SYSTEM = 'urn:teledx:organization-code';

export const V2_IDENTIFIER_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const V2_DIAGNOSTIC_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';
export const ORGANIZATION_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const ENDPOINT_CONNECTION_TYPE = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
/** DICOM's own terminology (modalities, CID 29/33) */
export const DICOM_DCM = 'http://dicom.nema.org/resources/ontology/DCM';
/** a DICOM UID as a FHIR identifier (ImagingStudy.identifier) and as a code (SOP classes) */
export const DICOM_UID_SYSTEM = 'urn:dicom:uid';
export const URI_SYSTEM = 'urn:ietf:rfc:3986';

/** The ECG measurements of a report as LOINC observations, with their UCUM units (key: the Observation id suffix). */
export const ECG_OBSERVATIONS = [
  { key: 'hr', field: 'heartRateBpm', loinc: '8867-4', display: 'Heart rate', unit: '/min', unitText: 'beats/minute' },
  { key: 'pr', field: 'prMs', loinc: '8625-6', display: 'P-R Interval', unit: 'ms', unitText: 'ms' },
  { key: 'qrs', field: 'qrsMs', loinc: '8633-0', display: 'QRS duration', unit: 'ms', unitText: 'ms' },
  { key: 'qt', field: 'qtMs', loinc: '8634-8', display: 'Q-T interval', unit: 'ms', unitText: 'ms' },
  { key: 'qtc', field: 'qtcMs', loinc: '8636-3', display: 'Q-T interval corrected', unit: 'ms', unitText: 'ms' },
  { key: 'axis', field: 'axisDeg', loinc: '8632-2', display: 'QRS axis', unit: 'deg', unitText: 'degrees' },
] as const;
/** the confirmed rhythm, as text */
export const ECG_RHYTHM = { key: 'rhythm', loinc: '8884-9', display: 'Heart rate rhythm' } as const;

/** LOINC codes of the report itself, by exam kind */
export const REPORT_CODES: Record<string, { code: string; display: string; service: string }> = {
  ECG: { code: '11524-6', display: 'EKG study', service: 'EC' },
  US: { code: '18748-4', display: 'Diagnostic imaging study', service: 'RUS' },
  CT: { code: '18748-4', display: 'Diagnostic imaging study', service: 'CT' },
  DR: { code: '18748-4', display: 'Diagnostic imaging study', service: 'RAD' },
  MR: { code: '18748-4', display: 'Diagnostic imaging study', service: 'RAD' },
  OTHER: { code: '18748-4', display: 'Diagnostic imaging study', service: 'OTH' },
};
