// What `npm install` and `npm test` do about missing Debian packages (scripts/system-packages.mjs), against a
// pretend machine: which commands, pkg-config modules and files it has, whether it is root or has passwordless
// sudo, whether its package lists are fresh. Its apt-get "installs" a package by making its probe succeed.
import { describe, expect, it } from 'vitest';
import { ensurePackages, ensureSets, PACKAGE_SETS, type System } from '../../scripts/system-packages.mjs';

const ALL = Object.values(PACKAGE_SETS).flatMap((set) => set.packages);

interface Machine {
  uid?: number;
  env?: Record<string, string>;
  /** Debian packages installed at the start */
  installed?: string[];
  sudoWithoutPassword?: boolean;
  hasApt?: boolean;
  /** 'fresh': every package is in the lists; 'none': nothing until apt-get update; 'stale': listed, but the download fails until apt-get update */
  lists?: 'fresh' | 'none' | 'stale';
}

function pretendMachine(machine: Machine = {}) {
  const installed = new Set(machine.installed ?? []);
  let lists = machine.lists ?? 'fresh';
  const provides = (test: (p: (typeof ALL)[number]) => boolean) => ALL.some((p) => installed.has(p.debian) && test(p));
  const commands: string[] = [];
  const logged: string[] = [];
  const aptGet = (args: string[]): number => {
    const [verb, ...rest] = args.filter((a) => a !== '-qq');
    if (verb === 'update') {
      lists = 'fresh';
      return 0;
    }
    if (lists !== 'fresh') return 100;
    for (const name of rest.filter((a) => a !== '-y')) installed.add(name);
    return 0;
  };
  const system: System = {
    uid: machine.uid ?? 0,
    env: machine.env ?? {},
    exists: (path) => provides((p) => p.path === path),
    log: (message) => logged.push(message),
    run(command, args) {
      const line = [command, ...args].join(' ');
      if (command === 'sh' && args[0] === '-c') {
        const name = args[1]!.replace('command -v ', '');
        if (name === 'apt-get') return machine.hasApt === false ? 1 : 0;
        return provides((p) => p.command === name) ? 0 : 1;
      }
      if (command === 'pkg-config') return provides((p) => p.pkgConfig === args[1]) ? 0 : 1;
      if (line === 'sudo -n true') return machine.sudoWithoutPassword ? 0 : 1;
      if (command === 'apt-get' && args.includes('--simulate')) return lists === 'none' ? 100 : 0;
      // what installs: [sudo -n] env DEBIAN_FRONTEND=noninteractive apt-get …
      commands.push(line);
      const asRoot = system.uid === 0 || (command === 'sudo' && machine.sudoWithoutPassword);
      const aptAt = args.indexOf('apt-get');
      if (!asRoot || aptAt < 0 || !args.includes('DEBIAN_FRONTEND=noninteractive')) return 1;
      return aptGet(args.slice(aptAt + 1));
    },
  };
  return { system, commands, logged, output: () => logged.join('\n'), installed };
}

const debianNames = (name: keyof typeof PACKAGE_SETS) => PACKAGE_SETS[name].packages.map((p) => p.debian);
const apt = 'env DEBIAN_FRONTEND=noninteractive apt-get -qq';

describe('system packages: what is missing', () => {
  it('does nothing, and says nothing, when every package is there', () => {
    const machine = pretendMachine({ installed: ALL.map((p) => p.debian) });
    for (const set of Object.values(PACKAGE_SETS)) {
      expect(ensurePackages(set, machine.system)).toEqual({ missing: [], installed: [] });
    }
    expect(machine.commands).toEqual([]);
    expect(machine.logged).toEqual([]);
  });

  it('finds each missing package by its command, pkg-config module or file', () => {
    const machine = pretendMachine({ installed: ['meson', 'libssl-dev', 'chromium'], env: { TELEDX_PYDICOM_DATA: '/elsewhere' } });
    const missingMedia = debianNames('media').filter((name) => !['meson', 'libssl-dev'].includes(name));
    expect(ensurePackages(PACKAGE_SETS.media, { ...machine.system, env: { TELEDX_NO_SYSTEM_PACKAGES: '1' } }).missing).toEqual(
      missingMedia,
    );
    // pydicom's files found elsewhere (TELEDX_PYDICOM_DATA) count as installed
    expect(
      ensurePackages(PACKAGE_SETS.tests, { ...machine.system, env: { ...machine.system.env, TELEDX_NO_SYSTEM_PACKAGES: '1' } }).missing,
    ).toEqual(['dcmtk', 'orthanc', 'orthanc-dicomweb']);
  });
});

describe('system packages: installing them', () => {
  it('as root installs exactly the missing ones with apt-get, and says what', () => {
    const machine = pretendMachine({ installed: debianNames('media').filter((n) => n !== 'libuv1-dev' && n !== 'meson') });
    const outcome = ensurePackages(PACKAGE_SETS.media, machine.system);
    expect(outcome).toEqual({ missing: [], installed: ['meson', 'libuv1-dev'] });
    expect(machine.commands).toEqual([`${apt} install -y meson libuv1-dev`]);
    expect(machine.output()).toContain(
      'installing Debian packages for live consultations (building the mediasoup worker): meson libuv1-dev',
    );
    expect(machine.output()).toMatch(/installed meson libuv1-dev \(\d+ s\)/);
  });

  it('runs apt-get update first when the package lists do not have them (a fresh machine)', () => {
    const machine = pretendMachine({ lists: 'none' });
    expect(ensurePackages(PACKAGE_SETS.tests, machine.system)).toEqual({ missing: [], installed: debianNames('tests') });
    expect(machine.commands).toEqual([`${apt} update`, `${apt} install -y chromium python3-pydicom dcmtk orthanc orthanc-dicomweb`]);
    expect(machine.output()).toContain('apt-get update first');
  });

  it('runs apt-get update and tries again when the lists are stale (the download fails)', () => {
    const machine = pretendMachine({ lists: 'stale' });
    expect(ensurePackages(PACKAGE_SETS.print, machine.system)).toEqual({ missing: [], installed: ['fonts-noto-cjk'] });
    expect(machine.commands).toEqual([`${apt} install -y fonts-noto-cjk`, `${apt} update`, `${apt} install -y fonts-noto-cjk`]);
  });

  it('not root, with passwordless sudo: installs through sudo -n', () => {
    const machine = pretendMachine({ uid: 1000, sudoWithoutPassword: true });
    expect(ensurePackages(PACKAGE_SETS.print, machine.system).installed).toEqual(['fonts-noto-cjk']);
    expect(machine.commands).toEqual([`sudo -n ${apt} install -y fonts-noto-cjk`]);
  });
});

describe('system packages: when they cannot be installed', () => {
  it('not root and sudo wants a password: installs nothing, prints the one command to run', () => {
    const machine = pretendMachine({ uid: 1000, installed: ['chromium'] });
    const outcome = ensurePackages(PACKAGE_SETS.tests, machine.system);
    expect(machine.commands).toEqual([]);
    expect(outcome).toEqual({
      missing: ['python3-pydicom', 'dcmtk', 'orthanc', 'orthanc-dicomweb'],
      installed: [],
      command: 'sudo apt-get install -y python3-pydicom dcmtk orthanc orthanc-dicomweb',
    });
    expect(machine.output()).toContain('not root, and sudo would ask for a password');
    expect(machine.output()).toContain('\n    sudo apt-get install -y python3-pydicom dcmtk orthanc orthanc-dicomweb\n');
  });

  it('TELEDX_NO_SYSTEM_PACKAGES=1: root installs nothing either; the command has no sudo, and updates the lists first when needed', () => {
    const machine = pretendMachine({ env: { TELEDX_NO_SYSTEM_PACKAGES: '1' }, lists: 'none' });
    const outcome = ensurePackages(PACKAGE_SETS.print, machine.system);
    expect(machine.commands).toEqual([]);
    expect(outcome.command).toBe('apt-get update && apt-get install -y fonts-noto-cjk');
    expect(machine.output()).toContain('not installing them (TELEDX_NO_SYSTEM_PACKAGES=1)');
  });

  it('no apt-get: names the Debian packages, installs nothing', () => {
    const machine = pretendMachine({ hasApt: false });
    expect(ensurePackages(PACKAGE_SETS.print, machine.system).missing).toEqual(['fonts-noto-cjk']);
    expect(machine.commands).toEqual([]);
    expect(machine.output()).toContain('no apt-get');
  });

  it('apt-get fails: reports what is still missing with the command', () => {
    const machine = pretendMachine({ lists: 'stale' });
    const failing: System = {
      ...machine.system,
      run: (c, a) => (a.includes('install') && !a.includes('--simulate') ? 100 : machine.system.run(c, a)),
    };
    const outcome = ensurePackages(PACKAGE_SETS.print, failing);
    expect(outcome).toMatchObject({ missing: ['fonts-noto-cjk'], installed: [] });
    expect(machine.output()).toContain('not installing them (apt-get did not install them)');
  });

  it('the exit status: 0 when only reported (npm install carries on), 1 when the tests require them', () => {
    const notRoot = () => pretendMachine({ uid: 1000 }).system;
    expect(ensureSets(['print', 'tests'], { required: false }, notRoot())).toBe(0);
    expect(ensureSets(['print', 'tests'], { required: true }, notRoot())).toBe(1);
    expect(ensureSets(['print', 'tests'], { required: true }, pretendMachine().system)).toBe(0);
  });
});
