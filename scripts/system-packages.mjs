// The Debian packages teledx needs from outside npm, and what happens when some are missing: they are installed
// with apt-get when that can be done without asking anyone (as root, or with passwordless sudo), otherwise the one
// command that installs them is printed. `npm install` (postinstall) and `npm test` (pretest) both come here, so a
// fresh Debian/Ubuntu machine needs only `npm install && npm start` and `npm test`.
//
//   node scripts/system-packages.mjs [--required] SET...      SET: print, tests (media is install-worker.mjs's)
//
// Without --required a set that stays incomplete is only reported (exit 0): the product runs without it (no
// printing, say). With it, exit 1: the tests cannot pass without their packages.
//
// Environment: TELEDX_NO_SYSTEM_PACKAGES=1 never installs anything (prints the command instead).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Each package with how to tell it is there: a command on the PATH, a pkg-config module, or a file. `provided`
 * names the environment variable that points teledx at the same thing installed some other way.
 */
export const PACKAGE_SETS = {
  media: {
    purpose: 'live consultations (building the mediasoup worker)',
    packages: [
      { debian: 'meson', command: 'meson' },
      { debian: 'ninja-build', command: 'ninja' },
      { debian: 'pkg-config', command: 'pkg-config' },
      { debian: 'g++', command: 'g++' },
      { debian: 'flatbuffers-compiler', command: 'flatc' },
      { debian: 'libssl-dev', pkgConfig: 'openssl' },
      { debian: 'libuv1-dev', pkgConfig: 'libuv' },
      { debian: 'libsrtp2-dev', pkgConfig: 'libsrtp2' },
      { debian: 'libusrsctp-dev', pkgConfig: 'usrsctp' },
      { debian: 'libabsl-dev', pkgConfig: 'absl_flat_hash_map' },
      { debian: 'libflatbuffers-dev', pkgConfig: 'flatbuffers' },
    ],
  },
  print: {
    purpose: 'printed reports (their Chinese font)',
    packages: [{ debian: 'fonts-noto-cjk', path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', provided: 'TELEDX_CJK_FONT' }],
  },
  tests: {
    purpose: 'the tests (browser, DICOM corpus, transfer syntaxes, a PACS peer)',
    packages: [
      { debian: 'chromium', path: '/usr/bin/chromium', provided: 'TELEDX_CHROMIUM' },
      { debian: 'python3-pydicom', path: '/usr/lib/python3/dist-packages/pydicom/data', provided: 'TELEDX_PYDICOM_DATA' },
      { debian: 'dcmtk', command: 'dcmcjpeg' },
      { debian: 'orthanc', path: '/usr/sbin/Orthanc', provided: 'TELEDX_ORTHANC' },
      { debian: 'orthanc-dicomweb', path: '/usr/share/orthanc/plugins/libOrthancDicomWeb.so', provided: 'TELEDX_ORTHANC_DICOMWEB' },
    ],
  },
};

/** The machine as this module sees it; tests pass their own. `run` answers a command's exit status. */
export const realSystem = {
  uid: process.getuid?.() ?? -1,
  env: process.env,
  exists: existsSync,
  run(command, args, { show = false } = {}) {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', show ? 'inherit' : 'ignore'] });
    return result.status ?? 1;
  },
  log: (message) => console.log(`teledx: ${message}`),
};

/** The Debian names of the packages in `set` that are not there, in the set's order. */
export function missingPackages(set, system = realSystem) {
  const absent = set.packages.filter((p) => !isPresent(p, system));
  return [...new Set(absent.map((p) => p.debian))];
}

function isPresent(pkg, system) {
  if (pkg.provided && system.env[pkg.provided]) return true;
  if (pkg.command) return system.run('sh', ['-c', `command -v ${pkg.command}`]) === 0;
  if (pkg.pkgConfig) return system.run('pkg-config', ['--exists', pkg.pkgConfig]) === 0;
  return system.exists(pkg.path);
}

/**
 * Installs what `set` lacks when it can, and says so; otherwise prints the command that would. Answers what is
 * still missing afterwards (empty when all is there), what was installed and, if anything is missing, that command.
 */
export function ensurePackages(set, system = realSystem) {
  const missing = missingPackages(set, system);
  if (missing.length === 0) return { missing, installed: [] };
  const hasApt = system.run('sh', ['-c', 'command -v apt-get']) === 0;
  // A fresh machine (or container) may have no package lists yet: refresh them only then (or when a download fails).
  const listsLackThem = hasApt && system.run('apt-get', ['install', '--simulate', '-y', ...missing]) !== 0;
  const install = ['install', '-y', ...missing];
  const sudo = system.uid === 0 ? '' : 'sudo ';
  const command = `${listsLackThem ? `${sudo}apt-get update && ` : ''}${sudo}apt-get ${install.join(' ')}`;
  const refusal = whyNotInstall(system, hasApt);
  if (refusal) return report(set, missing, command, refusal, system);

  system.log(`installing Debian packages for ${set.purpose}: ${missing.join(' ')}`);
  const started = Date.now();
  const apt = (...args) => runApt(system, args) === 0;
  if (listsLackThem) system.log('running apt-get update first (the package lists do not have them)');
  const done = (!listsLackThem || apt('update')) && apt(...install);
  if (!done && !listsLackThem) {
    // stale lists name versions the mirror no longer has
    system.log('apt-get install failed; running apt-get update and trying again');
    if (apt('update')) apt(...install);
  }
  const stillMissing = missingPackages(set, system);
  const installed = missing.filter((p) => !stillMissing.includes(p));
  if (stillMissing.length > 0) {
    return { ...report(set, stillMissing, command, 'apt-get did not install them', system), installed };
  }
  system.log(`installed ${installed.join(' ')} (${Math.round((Date.now() - started) / 1000)} s)`);
  return { missing: [], installed };
}

/** apt-get as root (directly, or through sudo that asks no password), never waiting for an answer. */
function runApt(system, args) {
  const argv = [...(system.uid === 0 ? [] : ['sudo', '-n']), 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-qq', ...args];
  return system.run(argv[0], argv.slice(1), { show: true });
}

/** Why the packages cannot be installed here without asking anyone, or nothing if they can. */
function whyNotInstall(system, hasApt) {
  if (system.env.TELEDX_NO_SYSTEM_PACKAGES === '1') return 'TELEDX_NO_SYSTEM_PACKAGES=1';
  if (!hasApt) return "this machine has no apt-get; the names are Debian's";
  if (system.uid !== 0 && system.run('sudo', ['-n', 'true']) !== 0) return 'not root, and sudo would ask for a password';
  return undefined;
}

function report(set, missing, command, reason, system) {
  system.log(`missing Debian packages for ${set.purpose}: ${missing.join(' ')}`);
  system.log(`not installing them (${reason}). To install them, run:\n\n    ${command}\n`);
  return { missing, installed: [], command };
}

/** Ensures each named set in turn; answers the exit status: 1 when `required` and some set stays incomplete. */
export function ensureSets(names, { required }, system = realSystem) {
  const incomplete = names.filter((name) => ensurePackages(PACKAGE_SETS[name], system).missing.length > 0);
  return incomplete.length > 0 && required ? 1 : 0;
}

function main(argv) {
  const required = argv.includes('--required');
  const names = argv.filter((a) => a !== '--required');
  if (names.length === 0 || names.some((n) => !Object.hasOwn(PACKAGE_SETS, n))) {
    console.error(`usage: system-packages.mjs [--required] ${Object.keys(PACKAGE_SETS).join('|')}...`);
    return 2;
  }
  return ensureSets(names, { required });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
