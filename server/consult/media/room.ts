// One consultation's media: its peers and their transports, producers and consumers, on one or more mediasoup
// routers. Shaped like mediasoup-demo's Room, without its signalling: the Socket.IO layer (../signalling.ts and
// ../consult-session.ts) turns client requests into these calls and room events into messages. Peers arrive here
// already authorised: who may join which consultation is decided by that layer, not by the media server.
//
// Placement: a room starts with one router on the least-loaded worker. Sending transports (and so producers)
// always live on that primary router. A receiving transport goes to the first of the room's routers whose
// worker carries fewer than `consumersPerWorker` consumers; when none does, the room adds a router on another
// worker, and each producer consumed there is piped to it once (router.pipeToRouter).
//
// Recovery: when a worker holding any of the room's routers dies, everything the room had on every worker is
// closed and the room starts again with one router on a live worker, then emits `restarted`: clients build new
// transports and produce again. (A dead primary takes every producer with it, and a dead secondary every
// consumer placed there: one rule, "after `restarted`, reconnect", is simpler for clients than per-object
// repair, and a consultation has a handful of participants.)
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../../logger.ts';
import type { IceServer } from './settings.ts';
import type { MediaWorkerPool, PlacedRouter } from './worker-pool.ts';

/** A participant, already authorised to be in this room by the signalling layer. */
export interface PeerInfo {
  id: string;
  displayName: string;
}

/** `send` transports carry a peer's producers, `recv` transports its consumers (as in mediasoup-client). */
export type TransportDirection = 'send' | 'recv';

/** What a browser needs to create its side of a WebRTC transport (mediasoup-client's createSend/RecvTransport). */
export interface WebRtcTransportParameters {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
  iceServers: IceServer[];
}

/** Where a plain RTP transport listens (for RTP sent or received without WebRTC: devices, tests, recording). */
export interface PlainTransportParameters {
  id: string;
  ip: string;
  port: number;
  srtpParameters?: types.SrtpParameters;
}

/** What a client needs to create its consumer (mediasoup-client's transport.consume). */
export interface ConsumerParameters {
  id: string;
  producerId: string;
  producerPeerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  paused: boolean;
}

interface RoomEvents {
  /** a peer produced: the signalling layer offers it to the other peers (`appData` as given to `produce`) */
  'producer:new': [{ peerId: string; producerId: string; kind: types.MediaKind; appData: Record<string, unknown> }];
  /** a consumer ended because its producer or transport did: tell its peer */
  'consumer:closed': [{ peerId: string; consumerId: string }];
  /** the room lost a worker and now runs on another: every peer must create new transports and produce again */
  restarted: [{ reason: string }];
  closed: [];
}

interface PeerTransport {
  transport: types.Transport;
  direction: TransportDirection;
  placed: PlacedRouter;
}

interface Peer {
  info: PeerInfo;
  rtpCapabilities: types.RtpCapabilities;
  transports: Map<string, PeerTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  readonly #pool: MediaWorkerPool;
  readonly #log: Logger | undefined;
  readonly #peers = new Map<string, Peer>();
  /** the room's routers, the primary (producers) first */
  #routers: PlacedRouter[] = [];
  /** producer id → the router it lives on, and its peer */
  readonly #producers = new Map<string, { placed: PlacedRouter; peerId: string }>();
  /** `${producerId}>${routerId}` → the pipe of that producer to that router, once made */
  readonly #pipes = new Map<string, Promise<void>>();
  /** settles when the room has a router: at creation, and again after a restart */
  #ready: Promise<void>;
  /** receiving transports are placed one at a time, so that two of them never both add a router */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(id: string, pool: MediaWorkerPool, log: Logger | undefined) {
    super();
    this.id = id;
    this.#pool = pool;
    this.#log = log?.child({ room: id });
    this.#ready = this.#startRouters();
  }

  static async create(id: string, pool: MediaWorkerPool, log?: Logger): Promise<Room> {
    const room = new Room(id, pool, log);
    await room.#ready;
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The codecs and header extensions a client loads its mediasoup-client Device with. */
  async rtpCapabilities(): Promise<types.RtpCapabilities> {
    return (await this.#primary()).router.rtpCapabilities;
  }

  /** Where the room's media runs: for tests, diagnostics and an administrator's view. */
  placement(): { routerId: string; workerPid: number; transports: number }[] {
    return this.#routers.map((placed) => ({
      routerId: placed.router.id,
      workerPid: placed.worker.pid,
      transports: [...this.#peers.values()].reduce(
        (n, peer) => n + [...peer.transports.values()].filter((t) => t.placed === placed).length,
        0,
      ),
    }));
  }

  /** The worker process a transport runs in. */
  transportWorkerPid(peerId: string, transportId: string): number {
    return this.#transport(this.#peer(peerId), transportId).placed.worker.pid;
  }

  get peerIds(): string[] {
    return [...this.#peers.keys()];
  }

  join(peer: PeerInfo, rtpCapabilities: types.RtpCapabilities): void {
    this.#assertOpen();
    if (this.#peers.has(peer.id)) throw new MediaError('PEER_EXISTS', `peer ${peer.id} is already in the room`);
    this.#peers.set(peer.id, { info: peer, rtpCapabilities, transports: new Map(), producers: new Map(), consumers: new Map() });
  }

  /** Closes the peer's transports; the other peers' consumers of its producers close (`consumer:closed`). */
  leave(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    for (const { transport } of peer.transports.values()) transport.close();
  }

  async createWebRtcTransport(peerId: string, direction: TransportDirection): Promise<WebRtcTransportParameters> {
    const peer = this.#peer(peerId);
    const placed = await this.#routerFor(direction);
    const { listenIp, announcedAddress, iceServers } = this.#pool.settings;
    const transport = await placed.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: listenIp, announcedIp: announcedAddress },
        { protocol: 'tcp', ip: listenIp, announcedIp: announcedAddress },
      ],
      preferUdp: true,
      appData: { peerId, direction },
    });
    this.#adopt(peer, { transport, direction, placed });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      iceServers,
    };
  }

  async connectWebRtcTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const { transport } = this.#transport(this.#peer(peerId), transportId);
    await (transport as types.WebRtcTransport).connect({ dtlsParameters });
  }

  /**
   * A plain RTP transport. `comedia` (the default for sending) learns the sender's address from its first packet,
   * so an RTP source behind NAT needs no connect call.
   */
  async createPlainTransport(
    peerId: string,
    direction: TransportDirection,
    options: { comedia?: boolean; enableSrtp?: boolean } = {},
  ): Promise<PlainTransportParameters> {
    const peer = this.#peer(peerId);
    const placed = await this.#routerFor(direction);
    const { listenIp, announcedAddress } = this.#pool.settings;
    const transport = await placed.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: listenIp, announcedIp: announcedAddress },
      rtcpMux: true,
      comedia: options.comedia ?? direction === 'send',
      enableSrtp: options.enableSrtp ?? false,
      appData: { peerId, direction },
    });
    this.#adopt(peer, { transport, direction, placed });
    return {
      id: transport.id,
      ip: transport.tuple.localIp,
      port: transport.tuple.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  /** Tells a plain transport where to send (receiving side) and, with SRTP, the remote keys. */
  async connectPlainTransport(
    peerId: string,
    transportId: string,
    remote: { ip?: string; port?: number; srtpParameters?: types.SrtpParameters },
  ): Promise<void> {
    const { transport } = this.#transport(this.#peer(peerId), transportId);
    await (transport as types.PlainTransport).connect(remote);
  }

  async produce(
    peerId: string,
    transportId: string,
    media: { kind: types.MediaKind; rtpParameters: types.RtpParameters; appData?: Record<string, unknown> },
  ): Promise<{ id: string }> {
    const peer = this.#peer(peerId);
    const { transport, direction, placed } = this.#transport(peer, transportId);
    if (direction !== 'send') throw new MediaError('WRONG_DIRECTION', 'produce on a receiving transport');
    const producer = await transport.produce({ ...media, appData: { ...media.appData, peerId } });
    peer.producers.set(producer.id, producer);
    this.#producers.set(producer.id, { placed, peerId });
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      this.#producers.delete(producer.id);
      for (const key of this.#pipes.keys()) if (key.startsWith(`${producer.id}>`)) this.#pipes.delete(key);
    });
    this.emit('producer:new', { peerId, producerId: producer.id, kind: producer.kind, appData: media.appData ?? {} });
    return { id: producer.id };
  }

  closeProducer(peerId: string, producerId: string): void {
    this.#peer(peerId).producers.get(producerId)?.close();
  }

  async pauseProducer(peerId: string, producerId: string): Promise<void> {
    await this.#producer(peerId, producerId).pause();
  }

  async resumeProducer(peerId: string, producerId: string): Promise<void> {
    await this.#producer(peerId, producerId).resume();
  }

  /**
   * A consumer of another peer's producer on one of the peer's receiving transports, piping the producer to
   * that transport's router first if it lives elsewhere. Paused by default, as in mediasoup-demo: the client
   * resumes it once its side exists, so that no early packet (a key frame) is lost.
   */
  async consume(
    peerId: string,
    transportId: string,
    producerId: string,
    { paused = true }: { paused?: boolean } = {},
  ): Promise<ConsumerParameters> {
    const peer = this.#peer(peerId);
    const { transport, direction, placed } = this.#transport(peer, transportId);
    if (direction !== 'recv') throw new MediaError('WRONG_DIRECTION', 'consume on a sending transport');
    const source = this.#producers.get(producerId);
    if (!source) throw new MediaError('NO_SUCH_PRODUCER', `no producer ${producerId} in the room`);
    await this.#pipe(producerId, source.placed, placed);
    if (!placed.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new MediaError('CANNOT_CONSUME', `peer ${peerId} cannot receive producer ${producerId} (codecs)`);
    }
    const consumer = await transport.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused });
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      // Nobody to tell when the peer left, nor when the room restarts: a dying worker closes its consumers
      // (and, through their pipes, the consumers of its producers elsewhere) just before it reports.
      if (peer.consumers.delete(consumer.id) && this.#peers.get(peerId) === peer && !this.#losingWorker()) {
        this.emit('consumer:closed', { peerId, consumerId: consumer.id });
      }
    });
    return {
      id: consumer.id,
      producerId,
      producerPeerId: source.peerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.paused,
    };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.#consumer(peerId, consumerId).resume();
  }

  /** mediasoup's statistics of one consumer (what it sent: packetCount, byteCount, …). */
  async consumerStats(peerId: string, consumerId: string): Promise<types.ConsumerStat[]> {
    return this.#consumer(peerId, consumerId).getStats();
  }

  /** Ends the room: every router closes, and with it every transport, producer and consumer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#peers.clear();
    for (const { router } of this.#routers) router.close();
    this.#routers = [];
    this.emit('closed');
  }

  async #startRouters(): Promise<void> {
    const primary = await this.#pool.createRouter();
    if (this.#closed) {
      primary.router.close();
      return;
    }
    this.#addRouter(primary);
  }

  #addRouter(placed: PlacedRouter): void {
    this.#routers.push(placed);
    placed.router.once('workerclose', () => this.#onWorkerLost(placed));
  }

  #onWorkerLost(lost: PlacedRouter): void {
    // routers on the same dead worker report one after the other: the first starts the restart
    if (this.#closed || !this.#routers.includes(lost)) return;
    const reason = `mediasoup worker ${lost.worker.pid} died`;
    this.#log?.warn({ pid: lost.worker.pid }, 'room lost a media worker; restarting its media');
    const survivors = this.#routers;
    this.#routers = [];
    this.#producers.clear();
    this.#pipes.clear();
    for (const peer of this.#peers.values()) {
      peer.transports.clear();
      peer.producers.clear();
      peer.consumers.clear();
    }
    for (const { router } of survivors) router.close();
    this.#ready = this.#startRouters().then(
      () => {
        if (!this.#closed) this.emit('restarted', { reason });
      },
      (error: unknown) => {
        this.#log?.error({ err: error }, 'room could not restart its media; closing it');
        this.close();
      },
    );
  }

  #losingWorker(): boolean {
    return this.#routers.some((placed) => placed.worker.died);
  }

  async #primary(): Promise<PlacedRouter> {
    await this.#ready;
    this.#assertOpen();
    return this.#routers[0]!;
  }

  async #routerFor(direction: TransportDirection): Promise<PlacedRouter> {
    const primary = await this.#primary();
    if (direction === 'send') return primary;
    const placing = this.#placing.then(() => this.#receivingRouter());
    this.#placing = placing.catch(() => undefined);
    return placing;
  }

  async #receivingRouter(): Promise<PlacedRouter> {
    const { consumersPerWorker } = this.#pool.settings;
    const withRoom = this.#routers.find((placed) => this.#pool.load(placed.worker).consumers < consumersPerWorker);
    if (withRoom) return withRoom;
    const roomWorkers = new Set(this.#routers.map((placed) => placed.worker));
    if (this.#pool.workers.every((worker) => roomWorkers.has(worker))) {
      // every worker already serves this room: the least loaded of its routers takes the overflow
      return this.#routers.reduce((best, placed) =>
        this.#pool.load(placed.worker).consumers < this.#pool.load(best.worker).consumers ? placed : best,
      );
    }
    const added = await this.#pool.createRouter(roomWorkers);
    this.#assertOpen();
    this.#addRouter(added);
    this.#log?.info({ pid: added.worker.pid, routers: this.#routers.length }, 'room extended to another worker');
    return added;
  }

  /** Makes `producerId` (living on `from`) consumable on `to`, once per producer and router. */
  async #pipe(producerId: string, from: PlacedRouter, to: PlacedRouter): Promise<void> {
    if (from === to) return;
    const key = `${producerId}>${to.router.id}`;
    let piped = this.#pipes.get(key);
    if (!piped) {
      piped = from.router.pipeToRouter({ producerId, router: to.router }).then(() => undefined);
      this.#pipes.set(key, piped);
      piped.catch(() => this.#pipes.delete(key));
    }
    await piped;
  }

  #adopt(peer: Peer, entry: PeerTransport): void {
    const { transport } = entry;
    if (this.#peers.get(peer.info.id) !== peer || transport.closed) {
      // the peer left, or the room restarted (closing the router), while the transport was being made
      transport.close();
      throw new MediaError('RETRY', `peer ${peer.info.id} left or the room restarted meanwhile`);
    }
    peer.transports.set(transport.id, entry);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', `room ${this.id} is closed`);
  }

  #peer(peerId: string): Peer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new MediaError('NO_SUCH_PEER', `peer ${peerId} is not in room ${this.id}`);
    return peer;
  }

  #transport(peer: Peer, transportId: string): PeerTransport {
    const entry = peer.transports.get(transportId);
    if (!entry) throw new MediaError('NO_SUCH_TRANSPORT', `peer ${peer.info.id} has no transport ${transportId}`);
    return entry;
  }

  #producer(peerId: string, producerId: string): types.Producer {
    const producer = this.#peer(peerId).producers.get(producerId);
    if (!producer) throw new MediaError('NO_SUCH_PRODUCER', `peer ${peerId} has no producer ${producerId}`);
    return producer;
  }

  #consumer(peerId: string, consumerId: string): types.Consumer {
    const consumer = this.#peer(peerId).consumers.get(consumerId);
    if (!consumer) throw new MediaError('NO_SUCH_CONSUMER', `peer ${peerId} has no consumer ${consumerId}`);
    return consumer;
  }
}

/** A request the room refuses; `code` is what the signalling layer will answer the client with. */
export class MediaError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'MediaError';
    this.code = code;
  }
}
