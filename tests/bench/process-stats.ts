// What the benchmarks read about a server process from /proc: resident memory (now, and its peak sampled every
// 50 ms) and CPU time.
import { readFile } from 'node:fs/promises';

export async function currentRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
  } catch {
    return 0; // process gone
  }
}

export function sampleRss(pid: number) {
  let peak = 0;
  const read = async () => {
    peak = Math.max(peak, await currentRss(pid));
  };
  const timer = setInterval(read, 50);
  return {
    reset: () => (peak = 0),
    peak: () => peak,
    stop: () => clearInterval(timer),
  };
}

/** user + system CPU time of a process so far */
export async function cpuSeconds(pid: number): Promise<number> {
  const { user, kernel } = await cpuTimes(pid);
  return user + kernel;
}

/** user and system (kernel) CPU seconds of a process so far, from /proc (clock ticks are 1/100 s on Linux) */
export async function cpuTimes(pid: number): Promise<{ user: number; kernel: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
