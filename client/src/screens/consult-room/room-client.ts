// One participant's side of a live consultation's room: the mediasoup-client session over the app's Socket.IO
// connection (the signalling of shared/consult.ts), the local microphone, camera and screen, the others' tracks,
// the participants, the shared viewer's messages, the connection's quality, and coming back after a network drop.
// A plain class with a snapshot and subscribe() (for useSyncExternalStore); no React here.
//
// Joining, as in mediasoup-demo: consult:capabilities → Device.load → consult:join → a sending and a receiving
// transport → produce microphone and camera → consult:ready, after which the server offers the others' tracks
// (consult:newConsumer), each resumed once consumed. A dropped socket comes back as a new connection, so as a new
// peer: the room is joined again from the start. consult:restarted (the room moved to another media worker) keeps
// the peer and rebuilds only the transports.
import { Device, type types } from 'mediasoup-client';
import { ApiError } from '../../api/client.ts';
import type {
  ConsultAck,
  ConsultClientToServerEvents,
  ConsultationDto,
  ConsultJoinAnswer,
  ConsultPeerDto,
  ConsumerOffer,
  MediaSource,
  ViewerSyncState,
} from '../../../../shared/consult.ts';
import type { SyncedView } from '../../viewer/sync.ts';
import type { RealtimeSocket } from '../../realtime/socket.ts';

export type RoomStatus = 'joining' | 'joined' | 'reconnecting' | 'ended' | 'error';
export type MediaState = 'on' | 'paused' | 'off';
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface RemoteTrack {
  consumerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  track: MediaStreamTrack;
  /** the receiver's inbound-rtp framesDecoded (video), refreshed every second; null before the first reading */
  framesDecoded: number | null;
}

export interface LocalMedia {
  track: MediaStreamTrack | null;
  state: MediaState;
}

export interface RoomProblem {
  code: string;
  message: string;
}

export interface RoomSnapshot {
  status: RoomStatus;
  /** why the room could not be joined (status 'error') */
  error: RoomProblem | null;
  /** a device or a track that could not be had or sent; the room goes on without it */
  mediaProblems: { source: MediaSource; code: string }[];
  peerId: string | null;
  consultation: ConsultationDto | null;
  peers: ConsultPeerDto[];
  presenterPeerId: string | null;
  /** the shared viewer's last state, received or sent */
  viewer: ViewerSyncState | null;
  local: Record<MediaSource, LocalMedia>;
  remotes: RemoteTrack[];
  quality: { level: QualityLevel; rttMs: number | null; lossPercent: number | null };
}

/**
 * A signalling request that failed: refused by the server (its code), or not answered in time or not sent
 * (worth another try). An ApiError (status 0: no HTTP), so the screens word it like any other refusal.
 */
export class RoomRequestError extends ApiError {
  constructor(
    code: string,
    message: string,
    /** the server answered, refusing */
    readonly refused: boolean,
  ) {
    super(0, code, message);
  }
}

class Superseded extends Error {}

const REQUEST_TIMEOUT_MS = 10_000;
const LEAVE_TIMEOUT_MS = 3_000;
const STATS_INTERVAL_MS = 1_000;
/** the first retry after a failed join; each further failure in a row doubles it, up to the maximum */
const RETRY_DELAY_MS = 2_000;
const RETRY_DELAY_MAX_MS = 30_000;

/** round-trip time (ms) and packet loss (fraction) up to which the connection counts as good, and as fair */
const GOOD = { rttMs: 150, loss: 0.02 };
const FAIR = { rttMs: 400, loss: 0.08 };

export function qualityLevel(rttMs: number | null, loss: number | null): QualityLevel {
  if (rttMs === null && loss === null) return 'unknown';
  const rtt = rttMs ?? 0;
  const lost = loss ?? 0;
  if (rtt <= GOOD.rttMs && lost <= GOOD.loss) return 'good';
  if (rtt <= FAIR.rttMs && lost <= FAIR.loss) return 'fair';
  return 'poor';
}

type Request<E extends keyof ConsultClientToServerEvents> = Parameters<ConsultClientToServerEvents[E]>[0];
type Answer<E extends keyof ConsultClientToServerEvents> = Parameters<ConsultClientToServerEvents[E]>[1] extends (
  answer: ConsultAck<infer T>,
) => void
  ? T
  : never;

interface Consumed {
  consumer: types.Consumer;
  peerId: string;
  source: MediaSource;
  framesDecoded: number | null;
}

/** camera capture kept modest: township links are often a few Mbit/s shared by the whole clinic */
const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15, max: 25 } };
const CAMERA_MAX_BITRATE = 600_000;
const SCREEN_MAX_BITRATE = 1_500_000;

export class RoomClient {
  private readonly listeners = new Set<() => void>();
  private snapshot: RoomSnapshot;

  private status: RoomStatus = 'joining';
  private error: RoomProblem | null = null;
  private mediaProblems: { source: MediaSource; code: string }[] = [];
  private peerId: string | null = null;
  private consultation: ConsultationDto | null = null;
  private peers: ConsultPeerDto[] = [];
  private presenterPeerId: string | null = null;
  private viewer: ViewerSyncState | null = null;
  /** the highest seq seen or sent: a presenter goes on counting from it, a follower drops what is not above it */
  private lastSeq = -1;
  private quality: RoomSnapshot['quality'] = { level: 'unknown', rttMs: null, lossPercent: null };

  private readonly local: Record<MediaSource, LocalMedia> = {
    mic: { track: null, state: 'off' },
    cam: { track: null, state: 'off' },
    screen: { track: null, state: 'off' },
  };
  private localMediaReady: Promise<void> | null = null;

  /** bumped by every (re)join, restart and close: work begun for an earlier one stops at its next step */
  private generation = 0;
  private device: Device | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<MediaSource, types.Producer>();
  private readonly consumers = new Map<string, Consumed>();
  /** cumulative packet counts at the last reading, for the loss over the last second */
  private lastPackets: { lost: number; received: number } | null = null;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** joins (or media restarts) that failed in a row: the retries back off */
  private failures = 0;
  private closed = false;
  private leaveSent = false;
  private readonly offSocket: (() => void)[] = [];

  constructor(
    private readonly socket: RealtimeSocket,
    readonly consultationId: string,
    /** asks the server where the consultation stands (a join refused: has it ended?) */
    private readonly loadConsultation: (id: string) => Promise<ConsultationDto>,
  ) {
    this.snapshot = this.build();
  }

  // ---- the store ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  private build(): RoomSnapshot {
    return {
      status: this.status,
      error: this.error,
      mediaProblems: this.mediaProblems,
      peerId: this.peerId,
      consultation: this.consultation,
      peers: this.peers,
      presenterPeerId: this.presenterPeerId,
      viewer: this.viewer,
      local: { mic: { ...this.local.mic }, cam: { ...this.local.cam }, screen: { ...this.local.screen } },
      remotes: [...this.consumers.values()].map(({ consumer, peerId, source, framesDecoded }) => ({
        consumerId: consumer.id,
        peerId,
        kind: consumer.kind,
        source,
        track: consumer.track,
        framesDecoded,
      })),
      quality: this.quality,
    };
  }

  private changed(): void {
    this.snapshot = this.build();
    this.listeners.forEach((l) => l());
  }

  // ---- life ----

  /** Starts joining (now, or once the socket connects) and keeps the peer in the room until close(). */
  start(): void {
    // the socket's typed on() overloads do not take a handler chosen by the event name; the shapes are the contract's
    const socket = this.socket as unknown as {
      on(event: string, handler: (...args: never[]) => void): void;
      off(event: string, handler: (...args: never[]) => void): void;
    };
    const on = (event: string, handler: (...args: never[]) => void) => {
      socket.on(event, handler);
      this.offSocket.push(() => socket.off(event, handler));
    };
    on('connect', () => this.join());
    on('disconnect', () => {
      this.lostConnection();
    });
    on('consult:peers', ({ peers }: { peers: ConsultPeerDto[] }) => {
      this.peers = peers;
      this.sinceJoin.peers = true;
      this.changed();
    });
    on('consult:newConsumer', (offer: ConsumerOffer) => void this.consume(offer));
    on('consult:consumerClosed', ({ consumerId }: { consumerId: string }) => this.dropConsumer(consumerId));
    on('consult:restarted', () => void this.restartMedia());
    on('consult:viewer', (state: ViewerSyncState) => this.receiveViewer(state));
    on('consult:presenter', ({ presenterPeerId }: { presenterPeerId: string | null }) => {
      this.presenterPeerId = presenterPeerId;
      this.sinceJoin.presenter = true;
      this.changed();
    });
    on('consult:ended', ({ consultationId }: { consultationId: string }) => {
      if (consultationId === this.consultationId) this.ended();
    });
    on('consultation:changed', ({ consultation }: { consultation: ConsultationDto }) => {
      if (consultation.id !== this.consultationId) return;
      this.consultation = consultation;
      if (consultation.status === 'ENDED' || consultation.status === 'CANCELLED') this.ended();
      else this.changed();
    });
    this.localMediaReady = this.acquireLocalMedia();
    this.statsTimer = setInterval(() => void this.readStats(), STATS_INTERVAL_MS);
    if (this.socket.connected) void this.join();
  }

  /** Leaves the room (telling the server) and lets go of everything. */
  async leave(): Promise<void> {
    if (this.socket.connected && this.status !== 'ended' && this.status !== 'error') {
      await this.request('consult:leave', {}, LEAVE_TIMEOUT_MS).catch(() => undefined);
      this.leaveSent = true;
    }
    this.close();
  }

  /** Ends the consultation for everyone. */
  async end(): Promise<void> {
    await this.request('consult:end', {});
    this.ended();
  }

  /** Lets go of the devices, transports and listeners; says consult:leave if still in (fire and forget). */
  close(): void {
    if (this.closed) return;
    // also mid-join: the server takes requests in order, so this leave follows the join it would otherwise strand
    if (
      !this.leaveSent &&
      this.socket.connected &&
      (this.status === 'joined' || this.status === 'joining' || this.status === 'reconnecting')
    ) {
      this.socket.emit('consult:leave', {}, () => undefined);
    }
    this.closed = true;
    this.generation++;
    this.offSocket.splice(0).forEach((off) => off());
    clearInterval(this.statsTimer);
    clearTimeout(this.retryTimer);
    this.teardownMedia();
    this.stopLocalTracks();
    this.listeners.clear();
  }

  private ended(): void {
    if (this.status === 'ended') return;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.teardownMedia();
    this.stopLocalTracks();
    this.status = 'ended';
    this.changed();
  }

  private lostConnection(): void {
    if (this.closed || this.status === 'ended' || this.status === 'error') return;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.teardownMedia();
    // the server let the old peer go with the connection; the next connect joins as a new one
    this.peerId = null;
    this.status = this.everJoined ? 'reconnecting' : 'joining';
    this.changed();
  }

  private everJoined = false;
  /**
   * What came while consult:join was on its way back: the server tells the room (this peer included) before it
   * answers, so what came is as new as the answer or newer, and the answer must not overwrite it.
   */
  private sinceJoin: { peers: boolean; presenter: boolean; viewer: ViewerSyncState | null } = {
    peers: false,
    presenter: false,
    viewer: null,
  };

  /** Joins from the start: capabilities, device, join, transports, produce, ready. */
  private async join(): Promise<void> {
    if (this.closed || this.status === 'ended' || this.status === 'error') return;
    const generation = ++this.generation;
    clearTimeout(this.retryTimer);
    this.teardownMedia();
    const check = () => {
      if (generation !== this.generation) throw new Superseded();
    };
    try {
      const { routerRtpCapabilities } = await this.request('consult:capabilities', { consultationId: this.consultationId });
      check();
      const device = new Device();
      await device.load({ routerRtpCapabilities: routerRtpCapabilities as unknown as types.RtpCapabilities });
      check();
      this.device = device;
      this.sinceJoin = { peers: false, presenter: false, viewer: null };
      this.peerId = null;
      const answer = await this.request('consult:join', {
        consultationId: this.consultationId,
        rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown>,
      });
      check();
      this.joined(answer);
      await this.setupMedia(generation);
    } catch (error) {
      if (error instanceof Superseded || generation !== this.generation) return;
      await this.joinFailed(error, generation);
    }
  }

  private joined(answer: ConsultJoinAnswer): void {
    this.peerId = answer.peerId;
    this.consultation = answer.consultation;
    if (!this.sinceJoin.peers) this.peers = answer.peers;
    if (!this.sinceJoin.presenter) this.presenterPeerId = answer.presenterPeerId;
    // the viewer as the room has it now, applied at once (a new stay counts afresh: the room may be a new one)
    const early = this.sinceJoin.viewer;
    this.viewer = early && early.seq > (answer.viewer?.seq ?? -1) ? early : answer.viewer;
    this.lastSeq = this.viewer?.seq ?? -1;
    this.status = 'joined';
    this.everJoined = true;
    this.error = null;
    this.changed();
  }

  /**
   * A refusal before being in (not allowed, no such consultation, not joinable) is final: the consultation may have
   * ended meanwhile, which is said as such. Anything else (a timeout, a dropped socket, media that would not
   * connect) is tried again.
   */
  private async joinFailed(error: unknown, generation: number): Promise<void> {
    const refusedAtTheDoor = error instanceof RoomRequestError && error.refused && this.status !== 'joined';
    if (refusedAtTheDoor) {
      const consultation = await this.loadConsultation(this.consultationId).catch(() => null);
      if (generation !== this.generation) return;
      if (consultation) this.consultation = consultation;
      if (consultation && ['ENDED', 'CANCELLED', 'DECLINED'].includes(consultation.status)) return this.ended();
      this.status = 'error';
      this.error = { code: error.code, message: error.message };
      this.changed();
      return;
    }
    console.warn('consultation room: joining failed, trying again', error);
    this.rejoinLater();
  }

  private rejoinLater(): void {
    clearTimeout(this.retryTimer);
    const delay = Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_MS * 2 ** this.failures);
    this.failures++;
    this.retryTimer = setTimeout(() => void this.rejoin(), delay);
  }

  /** Out (if the server still has this peer) and in again as a new peer. */
  private async rejoin(): Promise<void> {
    if (this.closed || this.status === 'ended' || this.status === 'error') return;
    const generation = ++this.generation;
    this.teardownMedia();
    this.status = this.everJoined ? 'reconnecting' : 'joining';
    this.changed();
    if (!this.socket.connected) return; // the next connect joins
    if (this.peerId) await this.request('consult:leave', {}, LEAVE_TIMEOUT_MS).catch(() => undefined);
    this.peerId = null;
    if (generation === this.generation) await this.join();
  }

  /** The room moved to another media worker: the same peer, new transports, everything produced again. */
  private async restartMedia(): Promise<void> {
    if (this.closed || this.status !== 'joined') return;
    const generation = ++this.generation;
    this.teardownMedia();
    this.changed();
    try {
      await this.setupMedia(generation);
    } catch (error) {
      if (error instanceof Superseded || generation !== this.generation) return;
      console.warn('consultation room: restarting the media failed, joining again', error);
      this.rejoinLater();
    }
  }

  // ---- media ----

  /**
   * The server's side of a transport first, then this browser's, from the options the server answered with;
   * `check` throws if the session was superseded meanwhile, before anything is made here.
   */
  private async createTransport(direction: 'send' | 'recv', check: () => void): Promise<types.Transport> {
    const options = await this.request('consult:createTransport', { direction });
    check();
    const transportOptions = {
      id: options.id,
      iceParameters: options.iceParameters as unknown as types.IceParameters,
      iceCandidates: options.iceCandidates as unknown as types.IceCandidate[],
      dtlsParameters: options.dtlsParameters as unknown as types.DtlsParameters,
      iceServers: options.iceServers,
    };
    return direction === 'send' ? this.device!.createSendTransport(transportOptions) : this.device!.createRecvTransport(transportOptions);
  }

  private async setupMedia(generation: number): Promise<void> {
    const check = () => {
      if (generation !== this.generation) throw new Superseded();
    };
    const send = await this.createTransport('send', check);
    this.sendTransport = send;
    this.wireTransport(send, generation);
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.request('consult:produce', {
        transportId: send.id,
        kind,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
        source: appData.source as MediaSource,
      }).then(({ id }) => callback({ id }), errback);
    });

    const recv = await this.createTransport('recv', check);
    this.recvTransport = recv;
    this.wireTransport(recv, generation);

    await this.localMediaReady;
    check();
    for (const source of ['mic', 'cam', 'screen'] as const) {
      await this.produce(source, generation);
      check();
    }
    await this.request('consult:ready', {});
    this.failures = 0;
  }

  private wireTransport(transport: types.Transport, generation: number): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('consult:connectTransport', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as Record<string, unknown>,
      }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (generation !== this.generation) return;
      if (state === 'failed') {
        // ICE gave up while the socket still stands (a changed network address): in again, as a new peer
        console.warn(`consultation room: ${transport.direction} transport failed, joining again`);
        void this.rejoin();
      } else if (state === 'disconnected') {
        this.quality = { ...this.quality, level: 'poor' };
        this.changed();
      }
    });
  }

  /** Sends a local track that is wanted (on or paused) and not yet sent. */
  private async produce(source: MediaSource, generation: number): Promise<void> {
    const local = this.local[source];
    const transport = this.sendTransport;
    if (!local.track || local.state === 'off' || !transport || this.producers.has(source)) return;
    const kind = local.track.kind as 'audio' | 'video';
    if (!this.device?.canProduce(kind)) return;
    try {
      const producer = await transport.produce({
        track: local.track,
        // the tracks are ours: kept across a rejoin, stopped when the room closes
        stopTracks: false,
        appData: { source },
        ...(kind === 'video'
          ? {
              encodings: [{ maxBitrate: source === 'screen' ? SCREEN_MAX_BITRATE : CAMERA_MAX_BITRATE }],
              codecOptions: { videoGoogleStartBitrate: 300 },
            }
          : {}),
      });
      if (generation !== this.generation) {
        producer.close();
        return;
      }
      this.producers.set(source, producer);
      producer.on('transportclose', () => this.producers.delete(source));
      if (local.state === 'paused') {
        producer.pause();
        await this.request('consult:pauseProducer', { producerId: producer.id }).catch(() => undefined);
      }
      this.clearProblem(source);
    } catch (error) {
      if (generation !== this.generation) return;
      this.problem(source, error instanceof RoomRequestError ? error.code : 'PRODUCE_FAILED');
    }
  }

  private async consume(offer: ConsumerOffer): Promise<void> {
    const transport = this.recvTransport;
    const generation = this.generation;
    if (!transport || transport.closed) return;
    try {
      const consumer = await transport.consume({
        id: offer.id,
        producerId: offer.producerId,
        kind: offer.kind,
        rtpParameters: offer.rtpParameters as unknown as types.RtpParameters,
        appData: { peerId: offer.producerPeerId, source: offer.source },
      });
      if (generation !== this.generation || transport.closed) {
        consumer.close();
        return;
      }
      this.consumers.set(consumer.id, { consumer, peerId: offer.producerPeerId, source: offer.source, framesDecoded: null });
      consumer.on('transportclose', () => this.dropConsumer(consumer.id));
      this.changed();
      await this.request('consult:resumeConsumer', { consumerId: consumer.id });
    } catch (error) {
      console.warn('consultation room: could not receive a track', offer, error);
    }
  }

  private dropConsumer(consumerId: string): void {
    const consumed = this.consumers.get(consumerId);
    if (!consumed) return;
    this.consumers.delete(consumerId);
    consumed.consumer.close();
    this.changed();
  }

  /** Closes the transports and with them the producers and consumers; the local tracks stay. */
  private teardownMedia(): void {
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    this.lastPackets = null;
    this.quality = { level: 'unknown', rttMs: null, lossPercent: null };
  }

  /** The microphone and the camera, asked for once; either may be missing or refused. */
  private async acquireLocalMedia(): Promise<void> {
    const devices = navigator.mediaDevices;
    if (!devices?.getUserMedia) {
      this.problem('mic', 'NO_MEDIA_DEVICES');
      this.problem('cam', 'NO_MEDIA_DEVICES');
      return;
    }
    const audio = devices
      .getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } })
      .then((stream) => this.setLocalTrack('mic', stream.getAudioTracks()[0] ?? null))
      .catch((error: unknown) => this.problem('mic', mediaErrorCode(error)));
    const video = devices
      .getUserMedia({ video: CAMERA_CONSTRAINTS })
      .then((stream) => this.setLocalTrack('cam', stream.getVideoTracks()[0] ?? null))
      .catch((error: unknown) => this.problem('cam', mediaErrorCode(error)));
    await Promise.all([audio, video]);
  }

  private setLocalTrack(source: MediaSource, track: MediaStreamTrack | null): void {
    if (this.closed || this.status === 'ended') {
      track?.stop();
      return;
    }
    this.local[source] = { track, state: track ? 'on' : 'off' };
    this.changed();
  }

  private stopLocalTracks(): void {
    for (const source of ['mic', 'cam', 'screen'] as const) {
      this.local[source].track?.stop();
      this.local[source] = { track: null, state: 'off' };
    }
  }

  private problem(source: MediaSource, code: string): void {
    this.mediaProblems = [...this.mediaProblems.filter((p) => p.source !== source), { source, code }];
    this.changed();
  }

  private clearProblem(source: MediaSource): void {
    if (!this.mediaProblems.some((p) => p.source === source)) return;
    this.mediaProblems = this.mediaProblems.filter((p) => p.source !== source);
    this.changed();
  }

  // ---- controls ----

  /** Microphone (mic) or camera (cam) on or paused: the producer paused or resumed, and the server told. */
  async setPaused(source: 'mic' | 'cam', paused: boolean): Promise<void> {
    const local = this.local[source];
    if (!local.track) return;
    local.state = paused ? 'paused' : 'on';
    this.changed();
    const producer = this.producers.get(source);
    if (!producer) return; // applied when produced
    if (paused) {
      producer.pause();
      await this.request('consult:pauseProducer', { producerId: producer.id }).catch((e: unknown) => console.warn(e));
    } else {
      producer.resume();
      await this.request('consult:resumeProducer', { producerId: producer.id }).catch((e: unknown) => console.warn(e));
    }
  }

  /** Shares a screen or window (the browser asks which); stopping it in the browser's own bar stops it here too. */
  async startScreenShare(): Promise<void> {
    if (this.local.screen.track) return;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 5, max: 15 } }, audio: false });
      track = stream.getVideoTracks()[0];
    } catch (error) {
      this.problem('screen', mediaErrorCode(error));
      return;
    }
    if (!track) return;
    if (this.closed || this.status === 'ended') {
      track.stop();
      return;
    }
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.local.screen = { track, state: 'on' };
    this.changed();
    await this.produce('screen', this.generation);
    this.changed();
  }

  async stopScreenShare(): Promise<void> {
    const producer = this.producers.get('screen');
    this.local.screen.track?.stop();
    this.local.screen = { track: null, state: 'off' };
    this.producers.delete('screen');
    this.changed();
    if (producer) {
      producer.close();
      await this.request('consult:closeProducer', { producerId: producer.id }).catch((e: unknown) => console.warn(e));
    }
  }

  // ---- the shared viewer ----

  isPresenter(): boolean {
    return this.peerId !== null && this.peerId === this.presenterPeerId;
  }

  /** The presenter's viewer moved: numbered on from the highest seq seen and sent to the others. */
  sendViewer(view: SyncedView): void {
    if (!this.isPresenter() || this.status !== 'joined') return;
    const state: ViewerSyncState = { ...view, seq: this.lastSeq + 1 };
    this.lastSeq = state.seq;
    // kept without a re-render (the presenter's screen already shows it): the snapshot takes it on its next change
    this.viewer = state;
    this.request('consult:viewer', state).catch((e: unknown) => console.warn('consultation room: viewer state not taken', e));
  }

  private receiveViewer(state: ViewerSyncState): void {
    if (this.peerId === null) {
      // joining: kept until the answer says where the room's viewer stands
      if (state.seq > (this.sinceJoin.viewer?.seq ?? -1)) this.sinceJoin.viewer = state;
      return;
    }
    if (state.seq <= this.lastSeq) return; // late: a newer one is already shown
    this.lastSeq = state.seq;
    this.viewer = state;
    this.changed();
  }

  /** Hands the shared viewer to another peer (the presenter or the specialist may). */
  async handOver(peerId: string): Promise<void> {
    await this.request('consult:presenter', { peerId });
    this.presenterPeerId = peerId;
    this.changed();
  }

  /** The consultation as a REST call returned it (the opinion saved). */
  updateConsultation(consultation: ConsultationDto): void {
    if (consultation.id !== this.consultationId) return;
    this.consultation = consultation;
    this.changed();
  }

  // ---- statistics ----

  /** Every second: frames decoded per video consumer, and the connection's round-trip time and loss. */
  private async readStats(): Promise<void> {
    if (this.status !== 'joined') return;
    const generation = this.generation;
    let changed = false;
    for (const consumed of this.consumers.values()) {
      if (consumed.consumer.kind !== 'video' || consumed.consumer.closed) continue;
      const report = await consumed.consumer.getStats().catch(() => null);
      if (!report || generation !== this.generation) continue;
      report.forEach((s: { type: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && typeof s.framesDecoded === 'number' && s.framesDecoded !== consumed.framesDecoded) {
          consumed.framesDecoded = s.framesDecoded;
          changed = true;
        }
      });
    }

    const rtts: number[] = [];
    const losses: number[] = [];
    let lost = 0;
    let received = 0;
    for (const transport of [this.sendTransport, this.recvTransport]) {
      if (!transport || transport.closed) continue;
      const report = await transport.getStats().catch(() => null);
      if (!report || generation !== this.generation) continue;
      report.forEach((s: RtcStat) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number')
          rtts.push(s.currentRoundTripTime * 1000);
        if (s.type === 'remote-inbound-rtp') {
          if (typeof s.roundTripTime === 'number') rtts.push(s.roundTripTime * 1000);
          if (typeof s.fractionLost === 'number') losses.push(s.fractionLost);
        }
        if (s.type === 'inbound-rtp') {
          lost += Math.max(0, s.packetsLost ?? 0);
          received += s.packetsReceived ?? 0;
        }
      });
    }
    if (generation !== this.generation) return;
    if (this.lastPackets) {
      const dLost = lost - this.lastPackets.lost;
      const dReceived = received - this.lastPackets.received;
      if (dLost + dReceived > 0) losses.push(Math.max(0, dLost) / (Math.max(0, dLost) + Math.max(0, dReceived)));
    }
    this.lastPackets = { lost, received };
    const rttMs = rtts.length ? Math.max(...rtts) : null;
    const loss = losses.length ? Math.max(...losses) : null;
    const transportsDown = [this.sendTransport, this.recvTransport].some(
      (t) => t && ['disconnected', 'failed'].includes(t.connectionState),
    );
    const quality = {
      level: transportsDown ? ('poor' as const) : qualityLevel(rttMs, loss),
      rttMs: rttMs === null ? null : Math.round(rttMs),
      lossPercent: loss === null ? null : Math.round(loss * 1000) / 10,
    };
    if (quality.level !== this.quality.level || quality.rttMs !== this.quality.rttMs || quality.lossPercent !== this.quality.lossPercent) {
      this.quality = quality;
      changed = true;
    }
    if (changed) this.changed();
  }

  // ---- signalling ----

  private async request<E extends keyof ConsultClientToServerEvents>(
    event: E,
    payload: Request<E>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<Answer<E>> {
    // never queued for a later connection: what was asked of this one means nothing to the next
    if (!this.socket.connected) throw new RoomRequestError('DISCONNECTED', `${event}: not connected`, false);
    const emitter = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<ConsultAck<Answer<E>>>;
    };
    let answer: ConsultAck<Answer<E>>;
    try {
      answer = await emitter.emitWithAck(event, payload);
    } catch {
      throw new RoomRequestError('TIMEOUT', `${event}: no answer within ${timeoutMs} ms`, false);
    }
    if (!answer.ok) throw new RoomRequestError(answer.error.code, answer.error.message, true);
    return answer.data;
  }
}

interface RtcStat {
  type: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  fractionLost?: number;
  packetsLost?: number;
  packetsReceived?: number;
}

/** getUserMedia's and getDisplayMedia's refusals, as codes the screen can say something about */
function mediaErrorCode(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'NOT_ALLOWED';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'NOT_FOUND';
  if (name === 'NotReadableError' || name === 'AbortError') return 'IN_USE';
  return 'FAILED';
}
