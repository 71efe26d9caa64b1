// Debian's Orthanc (and its DICOMweb plugin) as a real peer for the tests and benchmarks: a private instance on
// free loopback ports with its own storage folder, told about teledx as a DICOM modality and as a DICOMweb server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ORTHANC_BINARY = process.env.TELEDX_ORTHANC ?? '/usr/sbin/Orthanc';
export const ORTHANC_DICOMWEB_PLUGIN = process.env.TELEDX_ORTHANC_DICOMWEB ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancOptions {
  /** Orthanc's own AE title (default ORTHANC) */
  aeTitle?: string;
  /** DICOM peers by name: [AE title, host, port] */
  modalities?: Record<string, [string, string, number]>;
  /** DICOMweb servers for the plugin's client (DicomWeb.Servers): name → settings */
  dicomWebServers?: Record<string, { Url: string; HttpHeaders?: Record<string, string>; [key: string]: unknown }>;
  /** further configuration keys, merged last */
  extra?: Record<string, unknown>;
}

export interface RunningOrthanc {
  httpUrl: string;
  dicomPort: number;
  aeTitle: string;
  /** the Orthanc process (for the benchmarks' memory and CPU figures) */
  pid: number;
  /** Orthanc's REST API: JSON in and out; throws on a status >= 400 with Orthanc's answer */
  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(options: OrthancOptions = {}): Promise<RunningOrthanc> {
  const dir = await mkdtemp(join(tmpdir(), 'teledx-orthanc-'));
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const aeTitle = options.aeTitle ?? 'ORTHANC';
  const config = {
    Name: 'teledx-test-peer',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aeTitle,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    HttpBindAddress: '127.0.0.1',
    DicomBindAddress: '127.0.0.1',
    DicomCheckCalledAet: false,
    DicomModalities: options.modalities ?? {},
    StableAge: 1,
    Plugins: options.dicomWebServers ? [ORTHANC_DICOMWEB_PLUGIN] : [],
    DicomWeb: { Enable: true, Root: '/dicom-web/', Servers: options.dicomWebServers ?? {} },
    ...options.extra,
  };
  const configFile = join(dir, 'orthanc.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn(ORTHANC_BINARY, [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;

  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${httpUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': body instanceof Uint8Array ? 'application/dicom' : 'application/json' },
      body: body === undefined ? undefined : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`Orthanc ${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}) at start: ${stderr}`);
    try {
      await rest('GET', '/system');
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Orthanc did not answer on ${httpUrl} within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    httpUrl,
    dicomPort,
    aeTitle,
    pid: child.pid!,
    rest,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
