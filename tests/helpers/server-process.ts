// Runs teledx as a separate process, exactly as `npm start` does, so a test can kill it like a power cut.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  // TELEDX_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof" when profiling a benchmark
  const extra = process.env.TELEDX_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    // MALLOC_ARENA_MAX as `npm start` sets it (see package.json and README "Performance")
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: '2',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TELEDX_DICOM_PORT: 'off',
      TELEDX_DEMO_HISTORY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = output.match(/running at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed already
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
