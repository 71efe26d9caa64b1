// TELEDX_PUBLIC_ORIGIN as config.ts reads it: origins in the form browsers send them, and a clear start-up error
// for an entry that is not one (a bare host name would otherwise never match and refuse every write).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

describe('TELEDX_PUBLIC_ORIGIN', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).publicOrigins).toEqual([]);
  });

  it('keeps each origin as a browser would send it: lower case, no default port, no path', () => {
    const { publicOrigins } = loadConfig({ TELEDX_PUBLIC_ORIGIN: 'https://PACS.Hospital.example:443/teledx, http://10.0.0.5:8080' });
    expect(publicOrigins).toEqual(['https://pacs.hospital.example', 'http://10.0.0.5:8080']);
  });

  it('refuses an entry that is not an origin', () => {
    expect(() => loadConfig({ TELEDX_PUBLIC_ORIGIN: 'pacs.hospital.example' })).toThrow(/TELEDX_PUBLIC_ORIGIN entry pacs.hospital.example/);
  });
});
