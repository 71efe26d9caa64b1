// npm run bench:sfu -- [--steps 50,100,200,…] [--seconds S] [--producers P] [--no-srtp]
//
// How many consumers one mediasoup worker sustains, through the consultation room code (server/consult/media).
// One worker, one room. P sources each produce a ~480 kbit/s VP8-like video stream (1200-byte packets, 50/s) and
// an Opus-like audio stream (100-byte packets, 50/s), generated here and sent over UDP into a plain transport.
// Viewers are added in steps; each has its own receiving plain transport (SRTP on, as every WebRTC transport
// encrypts per receiver) and consumes one source's video and audio, so consumers come in pairs. At each step,
// after a warm-up (video consumers wait for a key frame), the worker's CPU time is read from /proc/<pid>/stat
// over S seconds of sending, and delivery is the media packets the worker forwarded to the viewers' sockets (in a
// separate receiver process) against those sent × consumers, counted between two pauses of the sender so that
// nothing is in flight at either end. Packets the kernel dropped because our receiver's socket buffer was full
// count as forwarded (the worker did its part; the column shows them). The run stops once the worker uses ≥ 90 %
// of a core or delivery falls below 99 %, then prints a line fit of CPU against consumers.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MediaServer } from '../../server/consult/media/media-server.ts';
import type { types } from 'mediasoup';
import type { Room } from '../../server/consult/media/room.ts';
import { producerRtpParameters, RtpSender, RtpStream } from '../helpers/rtp.ts';
import type { ReceiverReply, ReceiverRequest } from './sfu-receiver.ts';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '50,100,200,400,600,800,1000,1200,1400,1600,2000,2400,3000' },
    seconds: { type: 'string', default: '5' },
    producers: { type: 'string', default: '2' },
    'no-srtp': { type: 'boolean', default: false },
  },
});
const STEPS = args.steps.split(',').map(Number);
const SECONDS = Number(args.seconds);
const PRODUCERS = Number(args.producers);
const SRTP = !args['no-srtp'];
const CPU_LIMIT = 90; // % of one core
const DELIVERY_LIMIT = 99; // %
const WARM_UP_MS = 2500; // a video consumer forwards from the next key frame (every 2 s)
const RECEIVER_SOCKETS = 8;
const DRAIN_MS = 200; // after the sender pauses, until the last forwarded packet has arrived
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ (getconf CLK_TCK)

interface Source {
  video: { producerId: string; stream: RtpStream };
  audio: { producerId: string; stream: RtpStream };
}

interface Row {
  consumers: number;
  workerCpu: number;
  delivery: number;
  receiverCpu: number;
  packetsPerSecond: number;
  socketDrops: number;
}

/** producer id → consumers of it, to know how many packets the viewers should have received */
const consumersOf = new Map<string, number>();

const server = await MediaServer.start({
  workers: 1,
  rtcMinPort: 20000,
  rtcMaxPort: 29999,
  listenIp: '127.0.0.1',
  consumersPerWorker: Number.MAX_SAFE_INTEGER, // everything on the one worker: that is what is measured
  iceServers: [],
});
const receiver = fork(new URL('./sfu-receiver.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const sender = await RtpSender.open();

try {
  const room = await server.openRoom('bench');
  const workerPid = room.placement()[0]!.workerPid;
  const capabilities = await room.rtpCapabilities();
  const sources = await startSources(room, capabilities);
  const ports = (await ask(receiver, { type: 'open', sockets: RECEIVER_SOCKETS }, 'ports')).ports;
  sender.start();

  console.log(
    `bench:sfu — one mediasoup worker (pid ${workerPid}), ${PRODUCERS} sources × (VP8-like 1200 B × 50/s + Opus-like 100 B × 50/s), ` +
      `receivers on plain transports${SRTP ? ' with SRTP' : ''}, ${SECONDS} s per step`,
  );
  console.log('consumers | worker CPU (% of a core) | delivered | packets out/s | receiver: CPU, socket drops');
  const rows: Row[] = [];
  let viewers = 0;
  for (const consumers of [0, ...STEPS]) {
    while (viewers * 2 < consumers)
      await addViewer(room, capabilities, sources[viewers % sources.length]!, ports[viewers % ports.length]!, viewers++);
    const row = await measure(workerPid, sources, viewers * 2);
    rows.push(row);
    console.log(
      `${String(row.consumers).padStart(9)} | ${row.workerCpu.toFixed(1).padStart(24)} | ${row.delivery.toFixed(2).padStart(8)} % | ` +
        `${String(Math.round(row.packetsPerSecond)).padStart(13)} | ${row.receiverCpu.toFixed(0)} %, ${row.socketDrops}`,
    );
    if (row.workerCpu >= CPU_LIMIT || row.delivery < DELIVERY_LIMIT) break;
  }
  summarise(rows);
} finally {
  sender.close();
  receiver.disconnect();
  await server.close();
}

/** P sources, each a peer with one comedia send transport and a video and an audio producer fed from here. */
async function startSources(room: Room, capabilities: types.RtpCapabilities): Promise<Source[]> {
  const sources: Source[] = [];
  for (let i = 0; i < PRODUCERS; i++) {
    const peerId = `source-${i}`;
    room.join({ id: peerId, displayName: peerId }, capabilities);
    const transport = await room.createPlainTransport(peerId, 'send');
    const produce = async (kind: 'audio' | 'video', ssrc: number) => {
      const stream = new RtpStream(kind, ssrc);
      const { id } = await room.produce(peerId, transport.id, { kind, rtpParameters: producerRtpParameters(kind, ssrc) });
      sender.add(stream, transport);
      return { producerId: id, stream };
    };
    sources.push({ video: await produce('video', 10_000 + 2 * i), audio: await produce('audio', 10_001 + 2 * i) });
  }
  return sources;
}

async function addViewer(room: Room, capabilities: types.RtpCapabilities, source: Source, port: number, index: number): Promise<void> {
  const peerId = `viewer-${index}`;
  room.join({ id: peerId, displayName: peerId }, capabilities);
  const transport = await room.createPlainTransport(peerId, 'recv', { enableSrtp: SRTP });
  await room.connectPlainTransport(peerId, transport.id, {
    ip: '127.0.0.1',
    port,
    // the viewer's own keys: the worker would use them to decrypt its RTCP, which this viewer never sends
    srtpParameters: SRTP ? { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } : undefined,
  });
  for (const { producerId } of [source.video, source.audio]) {
    await room.consume(peerId, transport.id, producerId, { paused: false });
    consumersOf.set(producerId, (consumersOf.get(producerId) ?? 0) + 1);
  }
}

async function measure(workerPid: number, sources: Source[], consumers: number): Promise<Row> {
  await sleep(WARM_UP_MS);
  const before = await pausedSnapshot(sources);
  sender.start();
  const cpuBefore = workerCpuTicks(workerPid);
  const startedAt = performance.now();
  await sleep(SECONDS * 1000);
  const cpuAfter = workerCpuTicks(workerPid);
  const elapsed = (performance.now() - startedAt) / 1000;
  const after = await pausedSnapshot(sources);
  sender.start();

  let expected = 0;
  for (const [producerId, sent] of after.sent) expected += (sent - before.sent.get(producerId)!) * (consumersOf.get(producerId) ?? 0);
  const received = after.received.packets - before.received.packets;
  const socketDrops = after.received.socketDrops - before.received.socketDrops;
  return {
    consumers,
    workerCpu: ((cpuAfter - cpuBefore) / CLOCK_TICKS_PER_SECOND / elapsed) * 100,
    delivery: expected === 0 ? 100 : ((received + socketDrops) / expected) * 100,
    receiverCpu: ((after.received.cpuMicros - before.received.cpuMicros) / 1e6 / elapsed) * 100,
    packetsPerSecond: received / elapsed,
    socketDrops,
  };
}

/** Stops the sender, lets what is in flight arrive, and counts what was sent and received so far. */
async function pausedSnapshot(sources: Source[]) {
  sender.stop();
  await sleep(DRAIN_MS);
  return { sent: sentPerProducer(sources), received: await ask(receiver, { type: 'count' }, 'count') };
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function workerCpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function sentPerProducer(sources: Source[]): Map<string, number> {
  return new Map(sources.flatMap((s) => [s.video, s.audio]).map(({ producerId, stream }) => [producerId, stream.sent]));
}

/** A least-squares line through (consumers, CPU): its slope is the cost per consumer, where it meets 100 % the capacity. */
function summarise(rows: Row[]): void {
  const held = rows.filter((r) => r.delivery >= DELIVERY_LIMIT);
  if (held.length < 2) {
    console.log('too few steps held for a fit — mediasoup documents ~500 consumers per worker');
    return;
  }
  const n = held.length;
  const meanX = held.reduce((s, r) => s + r.consumers, 0) / n;
  const meanY = held.reduce((s, r) => s + r.workerCpu, 0) / n;
  const slope =
    held.reduce((s, r) => s + (r.consumers - meanX) * (r.workerCpu - meanY), 0) / held.reduce((s, r) => s + (r.consumers - meanX) ** 2, 0);
  const intercept = meanY - slope * meanX;
  const saturation = Math.round((100 - intercept) / slope);
  const last = rows.at(-1)!;
  const lastHeld = held.filter((r) => r.workerCpu < CPU_LIMIT).at(-1);
  const stopped =
    last.delivery < DELIVERY_LIMIT
      ? `stopped: delivery ${last.delivery.toFixed(2)} % at ${last.consumers} consumers`
      : last.workerCpu >= CPU_LIMIT
        ? `stopped: worker CPU ${last.workerCpu.toFixed(0)} % at ${last.consumers} consumers`
        : 'stopped: no more steps';
  console.log(stopped);
  console.log(`largest step held (CPU < ${CPU_LIMIT} %, delivery ≥ ${DELIVERY_LIMIT} %): ${lastHeld?.consumers ?? 0} consumers`);
  console.log(
    `≈${saturation} consumers per worker at saturation (100 % of one core, line fit), ${(slope * 100).toFixed(1)} % CPU per 100 consumers ` +
      `(${intercept.toFixed(1)} % with none) — mediasoup documents ~500 consumers per worker`,
  );
}

function ask<T extends ReceiverReply['type']>(
  child: ChildProcess,
  request: ReceiverRequest,
  replyType: T,
): Promise<Extract<ReceiverReply, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (reply: ReceiverReply) => {
      if (reply.type !== replyType) return;
      child.off('message', onMessage);
      resolve(reply as Extract<ReceiverReply, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
