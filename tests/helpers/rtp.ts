// RTP without a browser, for the media tests and `npm run bench:sfu`: streams of generated RTP packets sent over
// UDP into a mediasoup plain transport, and UDP sockets that count the RTP packets mediasoup forwards to them.
// Payload bytes are synthetic (mediasoup forwards them without decoding); only what mediasoup reads is real:
// the RTP header, and for VP8 the payload descriptor that tells key frames apart (a video consumer forwards
// nothing until its first key frame).
import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';

export type StreamKind = 'audio' | 'video';

/** Payload types our producers use; mediasoup maps them to the router's own for each consumer. */
const PAYLOAD_TYPE: Record<StreamKind, number> = { audio: 111, video: 96 };

/** Like a browser's Opus (20 ms frames, ~100-byte packets) or a ~480 kbit/s VP8 camera (25 fps, 2 × 1200 bytes). */
const SHAPE = {
  audio: { packetBytes: 100, packetsPerFrame: 1, clockTicksPerFrame: 960 },
  video: { packetBytes: 1200, packetsPerFrame: 2, clockTicksPerFrame: 3600 },
} as const;

const VIDEO_FRAMES_PER_KEY_FRAME = 50; // one every 2 s, as a real encoder does after a keyframe request

export function producerRtpParameters(kind: StreamKind, ssrc: number): types.RtpParameters {
  const codec =
    kind === 'audio'
      ? { mimeType: 'audio/opus', payloadType: PAYLOAD_TYPE.audio, clockRate: 48000, channels: 2 }
      : { mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE.video, clockRate: 90000 };
  return { codecs: [codec], encodings: [{ ssrc }] };
}

/** One RTP stream (one producer's worth of packets). `next()` builds its next packet. */
export class RtpStream {
  readonly kind: StreamKind;
  readonly ssrc: number;
  #sequence = Math.floor(Math.random() * 0xffff);
  #timestamp = Math.floor(Math.random() * 0xffffffff);
  #packet = 0;

  constructor(kind: StreamKind, ssrc: number) {
    this.kind = kind;
    this.ssrc = ssrc;
  }

  /** packets built so far */
  get sent(): number {
    return this.#packet;
  }

  next(): Buffer {
    const shape = SHAPE[this.kind];
    const indexInFrame = this.#packet % shape.packetsPerFrame;
    const frame = Math.floor(this.#packet / shape.packetsPerFrame);
    const lastOfFrame = indexInFrame === shape.packetsPerFrame - 1;
    const packet = Buffer.alloc(shape.packetBytes, 0x5a);
    packet[0] = 0x80; // RTP version 2, no padding, no extension, no CSRC
    // the marker bit ends a video frame (Opus sets it only when speech resumes: never, here)
    packet[1] = (this.kind === 'video' && lastOfFrame ? 0x80 : 0) | PAYLOAD_TYPE[this.kind];
    packet.writeUInt16BE(this.#sequence, 2);
    packet.writeUInt32BE(this.#timestamp >>> 0, 4);
    packet.writeUInt32BE(this.ssrc >>> 0, 8);
    if (this.kind === 'video') {
      // VP8 payload descriptor (RFC 7741): X=1, S=1 on a frame's first packet, partition 0; I=1 with a 15-bit
      // picture id; then the VP8 payload header, whose lowest bit is 0 on a key frame.
      packet[12] = 0x80 | (indexInFrame === 0 ? 0x10 : 0);
      packet[13] = 0x80;
      packet.writeUInt16BE(0x8000 | (frame & 0x7fff), 14);
      packet[16] = frame % VIDEO_FRAMES_PER_KEY_FRAME === 0 ? 0x00 : 0x01;
    }
    this.#sequence = (this.#sequence + 1) & 0xffff;
    if (lastOfFrame) this.#timestamp = (this.#timestamp + shape.clockTicksPerFrame) >>> 0;
    this.#packet++;
    return packet;
  }
}

/**
 * Sends streams to a plain transport's address every 20 ms (one packet per stream per tick: 50 packets/s each),
 * from one socket, which a comedia transport then knows as the sender.
 */
export class RtpSender {
  readonly #socket: Socket;
  readonly #targets: { stream: RtpStream; ip: string; port: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  sent = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async open(): Promise<RtpSender> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpSender(socket);
  }

  add(stream: RtpStream, target: { ip: string; port: number }): void {
    this.#targets.push({ stream, ...target });
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), 20);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  tick(): void {
    for (const { stream, ip, port } of this.#targets) {
      this.#socket.send(stream.next(), port, ip);
      this.sent++;
    }
  }

  close(): void {
    this.stop();
    this.#socket.close();
  }
}

/**
 * A UDP socket on 127.0.0.1 that counts the media packets and bytes arriving at it: not RTCP, nor the padding
 * packets mediasoup sends to probe the bandwidth (its RtpProbationGenerator: payload type 127, SSRC 1234).
 */
export class RtpCounter {
  readonly #socket: Socket;
  readonly port: number;
  packets = 0;
  bytes = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.port = socket.address().port;
    socket.on('message', (message) => {
      if (isRtcp(message) || isProbation(message)) return;
      this.packets++;
      this.bytes += message.length;
    });
  }

  static async open(receiveBufferBytes?: number): Promise<RtpCounter> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: receiveBufferBytes });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpCounter(socket);
  }

  close(): void {
    this.#socket.close();
  }
}

function isProbation(packet: Buffer): boolean {
  return packet.length >= 2 && (packet[1]! & 0x7f) === MEDIASOUP_PROBATION_PAYLOAD_TYPE;
}

const MEDIASOUP_PROBATION_PAYLOAD_TYPE = 127;

/** RFC 5761: RTCP packet types 192–223 sit where RTP has its marker bit and payload type. */
function isRtcp(packet: Buffer): boolean {
  return packet.length >= 2 && packet[1]! >= 192 && packet[1]! <= 223;
}
