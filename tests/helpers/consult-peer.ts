// A consultation participant without a browser, for the signalling tests: a real socket.io-client connection that
// sends consult:* requests, records every event it receives, and produces on a WebRTC send transport without
// connecting it (mediasoup takes a producer before DTLS; Node has no WebRTC to connect it with).
import type { ConsultAck, ConsultClientToServerEvents, ConsultServerToClientEvents, MediaSource } from '../../shared/consult.ts';
import type { ApiClient } from './api-client.ts';
import { producerRtpParameters } from './rtp.ts';
import { connectSocket, type TestSocket } from './sockets.ts';

type Requests = ConsultClientToServerEvents;
type RequestOf<E extends keyof Requests> = Parameters<Requests[E]>[0];
type AnswerOf<E extends keyof Requests> = Extract<Parameters<Parameters<Requests[E]>[1]>[0], { ok: true }>['data'];
type Events = ConsultServerToClientEvents;
type PayloadOf<E extends keyof Events> = Parameters<Events[E]>[0];

const REQUEST_TIMEOUT_MS = 10_000;
const EVENT_TIMEOUT_MS = 15_000;

export class ConsultPeer {
  readonly socket: TestSocket;
  readonly received: { event: string; payload: unknown }[] = [];

  private constructor(socket: TestSocket) {
    this.socket = socket;
    socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload }));
  }

  /** No automatic reconnection: a test that drops the connection decides what comes next. */
  static async connect(client: ApiClient): Promise<ConsultPeer> {
    return new ConsultPeer(await connectSocket(client, { reconnection: false }));
  }

  request<E extends keyof Requests>(event: E, request: RequestOf<E>): Promise<ConsultAck<AnswerOf<E>>> {
    // socket.io-client's types cannot follow a generic event name to its acknowledgement
    const withTimeout = this.socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
      emitWithAck(event: string, request: unknown): Promise<ConsultAck<AnswerOf<E>>>;
    };
    return withTimeout.emitWithAck(event, request);
  }

  /** The answer's data; throws with the refusal's code when refused. */
  async ok<E extends keyof Requests>(event: E, request: RequestOf<E>): Promise<AnswerOf<E>> {
    const answer = await this.request(event, request);
    if (!answer.ok) throw new Error(`${event} refused: ${answer.error.code} ${answer.error.message}`);
    return answer.data;
  }

  /** The refusal's code; throws when the request succeeds. */
  async refusal<E extends keyof Requests>(event: E, request: RequestOf<E>): Promise<string> {
    const answer = await this.request(event, request);
    if (answer.ok) throw new Error(`${event} was expected to be refused`);
    return answer.error.code;
  }

  /** A point in the events received, for waitFor to look only at what came after it. */
  mark(): number {
    return this.received.length;
  }

  /** The first event of that name (received since `since`, or arriving within the timeout) that matches. */
  waitFor<E extends keyof Events>(event: E, match: (payload: PayloadOf<E>) => boolean = () => true, since = 0): Promise<PayloadOf<E>> {
    const matches = (name: string, payload: unknown) => name === event && match(payload as PayloadOf<E>);
    const seen = this.received.slice(since).find((e) => matches(e.event, e.payload));
    if (seen) return Promise.resolve(seen.payload as PayloadOf<E>);
    return new Promise((resolve, reject) => {
      const listener = (name: string, payload: unknown) => {
        if (!matches(name, payload)) return;
        clearTimeout(timer);
        this.socket.offAny(listener);
        resolve(payload as PayloadOf<E>);
      };
      const timer = setTimeout(() => {
        this.socket.offAny(listener);
        reject(new Error(`no matching ${event} within ${EVENT_TIMEOUT_MS} ms`));
      }, EVENT_TIMEOUT_MS);
      this.socket.onAny(listener);
    });
  }

  /** Everything received of that name so far. */
  all<E extends keyof Events>(event: E): PayloadOf<E>[] {
    return this.received.filter((e) => e.event === event).map((e) => e.payload as PayloadOf<E>);
  }

  /** Send and receive transports, as a browser creates them after joining (or after consult:restarted). */
  async createTransports(): Promise<{ sendTransportId: string; recvTransportId: string }> {
    const send = await this.ok('consult:createTransport', { direction: 'send' });
    const recv = await this.ok('consult:createTransport', { direction: 'recv' });
    return { sendTransportId: send.id, recvTransportId: recv.id };
  }

  /** A producer of Opus (mic) or VP8 (cam, screen) with a random SSRC. */
  async produce(transportId: string, source: MediaSource): Promise<string> {
    const kind = source === 'mic' ? 'audio' : 'video';
    const ssrc = 0x10000 + Math.floor(Math.random() * 0xfffffff);
    const rtpParameters = producerRtpParameters(kind, ssrc) as unknown as Record<string, unknown>;
    return (await this.ok('consult:produce', { transportId, kind, rtpParameters, source })).id;
  }

  close(): void {
    this.socket.close();
  }
}
