// The search parameters /fhir/DiagnosticReport takes, parsed from the query string (outside input: fuzzed in
// tests/unit/fhir-search-fuzz.test.ts). FHIR token syntax: `system|value`, `|value` (no system) or `value` (any
// system); a comma separates alternatives; `\` escapes `|`, `,` and `\` in a value.
import { HttpError } from '../http/errors.ts';

export interface TokenParam {
  /** undefined: any system; '': explicitly none */
  system: string | undefined;
  value: string;
}

export interface ReportSearch {
  identifier: TokenParam[] | null;
  patientIdentifier: TokenParam[] | null;
  count: number;
}

const MAX_COUNT = 100;
const DEFAULT_COUNT = 20;
const MAX_ALTERNATIVES = 20;
const MAX_LENGTH = 256;

const badSearch = (message: string) => new HttpError(400, 'BAD_SEARCH', message);

/** Splits at the separators that are not escaped, then unescapes each part. */
function splitUnescaped(text: string, separator: ',' | '|'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const unescape = (text: string) => text.replace(/\\([\\|,$])/g, '$1');

export function parseToken(text: string): TokenParam[] {
  if (text.length > MAX_LENGTH) throw badSearch(`a search value is at most ${MAX_LENGTH} characters`);
  const alternatives = splitUnescaped(text, ',');
  if (alternatives.length > MAX_ALTERNATIVES) throw badSearch(`at most ${MAX_ALTERNATIVES} alternatives in one search value`);
  return alternatives.map((alternative) => {
    const parts = splitUnescaped(alternative, '|');
    if (parts.length > 2) throw badSearch('a token is system|value, value, or |value');
    const value = unescape(parts.at(-1)!);
    if (!value) throw badSearch('a token needs a value');
    return { system: parts.length === 2 ? unescape(parts[0]!) : undefined, value };
  });
}

/** A search parameter: what the CapabilityStatement advertises (capability.ts) and how the query applies it. */
export interface SearchParamSpec {
  name: string;
  type: 'token' | 'number';
  documentation: string;
  apply(search: ReportSearch, value: string): void;
}

/** DiagnosticReport's search parameters: the parser below and GET /fhir/metadata both read this list. */
export const REPORT_SEARCH_PARAMS: readonly SearchParamSpec[] = [
  {
    name: 'identifier',
    type: 'token',
    documentation: 'the accession number (system urn:teledx:accession-number, or none)',
    apply: (search, value) => void (search.identifier = parseToken(value)),
  },
  {
    name: 'patient.identifier',
    type: 'token',
    documentation: "the patient's resident ID (system urn:oid:2.16.156.10011.1.3, or none): chained patient → identifier",
    apply: (search, value) => void (search.patientIdentifier = parseToken(value)),
  },
  {
    name: '_count',
    type: 'number',
    documentation: `at most this many reports, 1 to ${MAX_COUNT} (default ${DEFAULT_COUNT})`,
    apply: (search, value) => {
      const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1 && n <= MAX_COUNT)) throw badSearch(`_count is a number from 1 to ${MAX_COUNT}`);
      search.count = n;
    },
  },
];

/** JSON is the only format (the CapabilityStatement's `format`); _format may say so. */
const JSON_FORMATS = ['json', 'application/json', 'application/fhir+json'];

/** Parses DiagnosticReport's search (REPORT_SEARCH_PARAMS, and _format=json); anything else is 400. */
export function parseReportSearch(params: URLSearchParams): ReportSearch {
  const search: ReportSearch = { identifier: null, patientIdentifier: null, count: DEFAULT_COUNT };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) throw badSearch(`${name.slice(0, 40)} is given more than once`);
    seen.add(name);
    if (name === '_format') {
      if (!JSON_FORMATS.includes(value)) throw badSearch('only JSON is offered (_format=json)');
      continue;
    }
    const param = REPORT_SEARCH_PARAMS.find((p) => p.name === name);
    if (!param) {
      const names = REPORT_SEARCH_PARAMS.map((p) => p.name).join(', ');
      throw badSearch(`the search parameter ${name.slice(0, 40)} is not supported (${names})`);
    }
    param.apply(search, value);
  }
  if (!search.identifier && !search.patientIdentifier) throw badSearch('search by identifier (accession number) or patient.identifier');
  return search;
}

/** The values of the alternatives whose system is the given one or unstated. */
export function valuesFor(tokens: TokenParam[], system: string): string[] {
  return tokens.filter((t) => t.system === undefined || t.system === system).map((t) => t.value);
}
