// Puts a working mediasoup worker (the C++ media server process) where mediasoup's Node code looks for it:
// node_modules/mediasoup/worker/out/Release/mediasoup-worker. Runs from `npm install` (postinstall), from
// `npm test` (pretest, with --required: the tests need the worker) and from `npm run media:worker [-- --rebuild]`.
//
// The Debian packages the build needs are installed by scripts/system-packages.mjs when that needs nobody's
// password; otherwise it prints the apt-get command and this ends without a worker, but successfully (unless
// --required): teledx then runs with live consultations off, and says so.
//
// mediasoup's own postinstall cannot work offline (it downloads a prebuilt worker, then pip and the libraries'
// sources), so package.json denies it (`allowScripts: {"mediasoup": false}`, npm >= 11.19) and this builds the
// worker from Debian's packages instead (build-worker.sh). The build takes 5–10 minutes on two cores, so the
// result is cached outside the clone, keyed by mediasoup version, our build's revision, platform and architecture: reinstalls, other
// clones and CI copy it in seconds. A cached worker is used only if it still runs (a Debian library upgrade
// could break it), otherwise it is rebuilt.
//
// Environment: MEDIASOUP_WORKER_BIN (a worker built elsewhere: nothing to do, mediasoup uses it at run time),
// TELEDX_MEDIASOUP_CACHE (cache directory, default $XDG_CACHE_HOME/teledx or ~/.cache/teledx),
// TELEDX_SKIP_MEDIA_WORKER=1 (skip: everything but live consultations works without the worker).
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages, PACKAGE_SETS } from '../system-packages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const log = (message) => console.log(`teledx mediasoup: ${message}`);

const packageJson = resolveMediasoup();
if (!packageJson) {
  // `npm install --package-lock-only` runs the postinstall without installing anything.
  log('mediasoup is not in node_modules: nothing to do');
  process.exit(0);
}
const packageDir = dirname(packageJson);
const { version } = require(packageJson);
const inTreeWorker = join(packageDir, 'worker', 'out', 'Release', 'mediasoup-worker');
const cacheRoot = process.env.TELEDX_MEDIASOUP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'teledx');
/** bumped whenever build-worker.sh changes what it builds (its source patches), so that cached workers are rebuilt */
const BUILD_REVISION = 2;
const cacheDir = join(cacheRoot, `mediasoup-worker-${version}-r${BUILD_REVISION}-${process.platform}-${process.arch}`);
const cachedWorker = join(cacheDir, 'mediasoup-worker');
/** which revision of our build the worker in node_modules is (one built before a patch must not count) */
const inTreeRevision = `${inTreeWorker}.teledx-revision`;
const buildLog = join(cacheDir, 'build.log');

await main({ rebuild: process.argv.includes('--rebuild'), required: process.argv.includes('--required') });

async function main({ rebuild, required }) {
  if (process.env.TELEDX_SKIP_MEDIA_WORKER === '1') {
    log('TELEDX_SKIP_MEDIA_WORKER=1: not installing the worker (live consultations will not start)');
    return;
  }
  if (process.env.MEDIASOUP_WORKER_BIN) {
    if (!workerRuns(process.env.MEDIASOUP_WORKER_BIN)) {
      fail(`MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN} does not run as a mediasoup worker`);
    }
    log(`using MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN}`);
    return;
  }
  if (!rebuild && workerRuns(inTreeWorker) && readIfExists(inTreeRevision) === String(BUILD_REVISION)) {
    if (!workerRuns(cachedWorker)) saveToCache();
    log(`worker ${version} already installed`);
    return;
  }
  if (!rebuild && workerRuns(cachedWorker)) {
    installCopy(cachedWorker, inTreeWorker);
    writeFileSync(inTreeRevision, String(BUILD_REVISION));
    log(`worker ${version} copied from the cache (${cachedWorker})`);
    return;
  }
  if (!haveBuildPackages()) {
    if (required) fail('the tests need the worker');
    return;
  }
  await build();
  if (!workerRuns(inTreeWorker)) fail(`the build finished but ${inTreeWorker} does not run; see ${buildLog}`);
  writeFileSync(inTreeRevision, String(BUILD_REVISION));
  saveToCache();
  // The build directory holds ~100 MB of objects that nothing needs once the worker is cached.
  rmSync(join(packageDir, 'worker', 'out', 'Release', 'build'), { recursive: true, force: true });
  log(`worker ${version} built and cached in ${cacheDir}`);
}

function resolveMediasoup() {
  try {
    return require.resolve('mediasoup/package.json');
  } catch {
    return undefined;
  }
}

/**
 * A mediasoup worker started without MEDIASOUP_VERSION exits with code 41 at once (worker/src/main.cpp): the
 * same check mediasoup applies to a downloaded prebuilt worker. Anything else (missing file, missing shared
 * library, wrong architecture) means it cannot be used.
 */
function workerRuns(path) {
  if (!existsSync(path)) return false;
  try {
    execFileSync(path, [], { stdio: 'ignore', env: {}, timeout: 10_000 });
    return false;
  } catch (error) {
    return error.status === 41;
  }
}

/** Installs the Debian packages the build needs if it can (scripts/system-packages.mjs); false if some are missing. */
function haveBuildPackages() {
  const { missing } = ensurePackages(PACKAGE_SETS.media);
  if (missing.length === 0) return true;
  log('not building the worker: teledx runs with live consultations off until the packages above are installed');
  log('and `npm run media:worker` is run (or `npm install` again)');
  return false;
}

/** Runs build-worker.sh with its output in the build log, printing ninja's progress every 10%. */
async function build() {
  mkdirSync(cacheDir, { recursive: true });
  log(`building worker ${version} from Debian's libraries: a one-time 5–10 minutes (log: ${buildLog})`);
  const started = Date.now();
  const logFile = createWriteStream(buildLog);
  const child = spawn('sh', [join(here, 'build-worker.sh'), packageDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  // build-worker.sh runs ninja twice (generated headers, then the worker): each run counts from 1.
  let lastTenth = -1;
  let lastTotal = 0;
  let tail = [];
  const onOutput = (chunk) => {
    logFile.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      tail = [...tail.slice(-39), line];
      const progress = /^\[(\d+)\/(\d+)\]/.exec(line);
      if (!progress) continue;
      const [done, total] = [Number(progress[1]), Number(progress[2])];
      if (total !== lastTotal) [lastTenth, lastTotal] = [-1, total];
      const tenth = Math.floor((10 * done) / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        log(`  ${done}/${total} build steps (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const code = await new Promise((resolve) => child.on('close', resolve));
  await new Promise((resolve) => logFile.end(resolve));
  if (code !== 0) {
    console.error(tail.join('\n'));
    fail(`the worker build failed (exit ${code}); the full log is ${buildLog}`);
  }
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

function saveToCache() {
  mkdirSync(cacheDir, { recursive: true });
  installCopy(inTreeWorker, cachedWorker);
}

/** Copies through a temporary name and renames, so that a concurrent install never sees half a file. */
function installCopy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  const temporary = `${to}.${process.pid}.tmp`;
  copyFileSync(from, temporary);
  chmodSync(temporary, 0o755);
  renameSync(temporary, to);
}

function readIfExists(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

function fail(message) {
  console.error(`teledx mediasoup: ${message}`);
  process.exit(1);
}
