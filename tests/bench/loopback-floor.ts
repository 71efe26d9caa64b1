// What this machine's kernel alone charges for a fan-out: one process writes a message of the live queue's size to
// N loopback TCP sockets (plain `net`, no Socket.IO), another process reads them. On one machine the sender's
// system call also pays for the receiving side's TCP work (loopback delivers inside it), so this is the floor
// under any fan-out the queue benchmark measures here. Run alone: `tsx tests/bench/loopback-floor.ts [N]`.
import { fork } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';

const MESSAGE_BYTES = 700; // a case:changed event as Socket.IO frames it
const ROUNDS = 50;

export interface LoopbackFloor {
  sockets: number;
  /** median time to write the message to every socket (ms) */
  writeMs: number;
  /** median time until the reading process had it on every socket (ms) */
  lastReaderMs: number;
}

export async function measureLoopbackFloor(sockets: number): Promise<LoopbackFloor> {
  const server = createServer();
  const connections: Socket[] = [];
  server.on('connection', (c) => connections.push(c.setNoDelay(true)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const reader = fork(new URL(import.meta.url), ['--reader'], { execArgv: ['--import', 'tsx'] });
  reader.send({ port: (server.address() as { port: number }).port, sockets });
  while (connections.length < sockets) await new Promise((r) => setTimeout(r, 20));
  const message = Buffer.alloc(MESSAGE_BYTES, 'x');
  const writes: number[] = [];
  const lasts: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const received = new Promise<number>((resolve) => reader.once('message', (m: { at: number }) => resolve(m.at)));
    const started = performance.timeOrigin + performance.now();
    for (const c of connections) c.write(message);
    writes.push(performance.timeOrigin + performance.now() - started);
    lasts.push((await received) - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  reader.kill();
  connections.forEach((c) => c.destroy());
  server.close();
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
  return { sockets, writeMs: median(writes), lastReaderMs: median(lasts) };
}

/** The reading process: connects N sockets and says when a round has arrived on all of them. */
function runReader(): void {
  process.once('message', ({ port, sockets }: { port: number; sockets: number }) => {
    let bytes = 0;
    for (let i = 0; i < sockets; i++) {
      createConnection(port, '127.0.0.1').on('data', (d: Buffer) => {
        bytes += d.length;
        if (bytes % (sockets * MESSAGE_BYTES) === 0) process.send!({ at: performance.timeOrigin + performance.now() });
      });
    }
  });
}

if (process.argv.includes('--reader')) runReader();
else if (import.meta.url === `file://${process.argv[1]}`) {
  const floor = await measureLoopbackFloor(Number(process.argv[2] ?? 500));
  console.log(
    `loopback floor: ${floor.sockets} sockets, write ${floor.writeMs.toFixed(1)} ms (${((floor.writeMs * 1000) / floor.sockets).toFixed(0)} µs each), last reader ${floor.lastReaderMs.toFixed(1)} ms`,
  );
}
