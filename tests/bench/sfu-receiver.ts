// The receiving end of `npm run bench:sfu`, in its own process so that counting tens of thousands of packets per
// second does not slow the parent's RTP sender (or share its event loop). Asked over IPC: `open` (N counting
// sockets; answers their ports), `count` (packets received so far, packets the kernel dropped because one of
// our sockets' buffers was full — the worker did send those —, and this process's CPU time).
import { readFileSync } from 'node:fs';
import { RtpCounter } from '../helpers/rtp.ts';

export type ReceiverRequest = { type: 'open'; sockets: number } | { type: 'count' };
export type ReceiverReply = { type: 'ports'; ports: number[] } | { type: 'count'; packets: number; socketDrops: number; cpuMicros: number };

const counters: RtpCounter[] = [];
const reply = (message: ReceiverReply) => process.send!(message);

process.on('message', async (request: ReceiverRequest) => {
  if (request.type === 'open') {
    for (let i = 0; i < request.sockets; i++) counters.push(await RtpCounter.open(8 * 1024 * 1024));
    reply({ type: 'ports', ports: counters.map((c) => c.port) });
  } else {
    const { user, system } = process.cpuUsage();
    reply({ type: 'count', packets: counters.reduce((n, c) => n + c.packets, 0), socketDrops: socketDrops(), cpuMicros: user + system });
  }
});
process.on('disconnect', () => process.exit(0));

/** The `drops` column of /proc/net/udp for our sockets (local address 127.0.0.1:<port>, in hex). */
function socketDrops(): number {
  const ours = new Set(counters.map((c) => `0100007F:${c.port.toString(16).toUpperCase().padStart(4, '0')}`));
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => ours.has(fields[1]!))
    .reduce((n, fields) => n + Number(fields.at(-1)), 0);
}
