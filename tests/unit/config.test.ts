// Safe defaults (server/config.ts): the server listens on this machine only unless told otherwise, and a
// production server opens no demo accounts with the published password.
import { describe, expect, it } from 'vitest';
import { loadConfig, PUBLISHED_DEMO_PASSWORD } from '../../server/config.ts';
import { demoLoginLines } from '../../server/consortium/demo-seed.ts';

describe('configuration defaults', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('outside production seeds the demo with the published password, unless told not to', () => {
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      expect(loadConfig({ NODE_ENV }).demo).toEqual({ seed: true, password: PUBLISHED_DEMO_PASSWORD, passwordGenerated: false });
    }
    expect(loadConfig({ TELEDX_DEMO: 'false' }).demo.seed).toBe(false);
    expect(loadConfig({ TELEDX_NO_DEMO: 'true' }).demo.seed).toBe(false);
    expect(loadConfig({ TELEDX_DEMO_PASSWORD: 'chosen-password' }).demo.password).toBe('chosen-password');
  });

  it('in production seeds no demo unless TELEDX_DEMO=1, and then with a random password unless one is given', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demo.seed).toBe(false);
    const asked = [1, 2].map(() => loadConfig({ NODE_ENV: 'production', TELEDX_DEMO: '1' }).demo);
    for (const demo of asked) {
      expect(demo.seed).toBe(true);
      expect(demo.passwordGenerated).toBe(true);
      expect(demo.password).not.toBe(PUBLISHED_DEMO_PASSWORD);
      expect(demo.password).toMatch(/^[\w-]{16}$/);
    }
    expect(asked[0]!.password).not.toBe(asked[1]!.password);
    expect(loadConfig({ NODE_ENV: 'production', TELEDX_DEMO: '1', TELEDX_DEMO_PASSWORD: 'chosen-password' }).demo).toEqual({
      seed: true,
      password: 'chosen-password',
      passwordGenerated: false,
    });
    expect(loadConfig({ NODE_ENV: 'production', TELEDX_DEMO: '1', TELEDX_NO_DEMO: 'true' }).demo.seed).toBe(false);
  });
});

describe('the demo logins printed at start-up', () => {
  const generated = { seed: true, password: 'made-up-password', passwordGenerated: true };

  it('prints a made-up password only when the seed has just used it', () => {
    const seededNow = demoLoginLines(generated, true).join('\n');
    expect(seededNow).toContain('tech1');
    expect(seededNow).toContain('shown only now: made-up-password');
    // a later start made up another password, which the accounts do not have
    const later = demoLoginLines(generated, false).join('\n');
    expect(later).not.toContain('made-up-password');
    expect(later).toContain('the one printed when the database was seeded');
  });

  it('prints the published password, and nothing when there is no demo', () => {
    const published = { seed: true, password: PUBLISHED_DEMO_PASSWORD, passwordGenerated: false };
    expect(demoLoginLines(published, false).join('\n')).toContain(`password for all demo accounts: ${PUBLISHED_DEMO_PASSWORD}`);
    expect(demoLoginLines({ ...published, seed: false }, false)).toEqual([]);
  });
});

describe("the printed report's QR code (TELEDX_REPORT_QR)", () => {
  it('is off by default; on, it points at the first public origin, which it needs', () => {
    expect(loadConfig({}).reportQrOrigin).toBeNull();
    expect(loadConfig({ TELEDX_PUBLIC_ORIGIN: 'https://pacs.example.cn' }).reportQrOrigin).toBeNull();
    expect(
      loadConfig({ TELEDX_REPORT_QR: 'true', TELEDX_PUBLIC_ORIGIN: 'https://pacs.example.cn/, https://other.example.cn' }).reportQrOrigin,
    ).toBe('https://pacs.example.cn');
    expect(() => loadConfig({ TELEDX_REPORT_QR: 'true' })).toThrow(/TELEDX_REPORT_QR needs TELEDX_PUBLIC_ORIGIN/);
  });
});
