// One live consultation's signalling state on this instance: its media room, who is in it (one peer per socket),
// what each of them sends, who drives the shared viewer and where they left it. The session answers its peers'
// media requests and turns the room's events into messages; signalling.ts opens a session for the first
// participant, checks who may do what before calling it, and closes it after the last one leaves.
import type { types } from 'mediasoup';
import type {
  ConsultServerToClientEvents,
  ConsultationDto,
  ConsultJoinAnswer,
  ConsultPeerDto,
  ConsultTransportOptions,
  ConsumerOffer,
  MediaSource,
  MediasoupJson,
  ViewerSyncState,
} from '../../shared/consult.ts';
import type { Actor } from '../auth/actor.ts';
import { HttpError } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import type { TeledxSocket } from '../realtime/socket-server.ts';
import { MediaError, type Room, type TransportDirection } from './media/room.ts';

export type Side = ConsultPeerDto['side'];

/** A track a peer sends, as the others see it. */
interface SentMedia {
  source: MediaSource;
  paused: boolean;
}

export interface SessionPeer {
  /** the socket's id */
  readonly id: string;
  readonly socket: TeledxSocket;
  readonly actor: Actor;
  readonly side: Side;
  /** the participant row of this stay in the room, closed when the peer leaves */
  readonly participantId: string;
  /** consult:ready came since the peer joined or the room last restarted: new producers are offered to it */
  ready: boolean;
  /** the peer's latest receiving transport, where its consumers go */
  recvTransportId: string | undefined;
  /** producer id → what it sends */
  readonly producers: Map<string, SentMedia>;
}

export type NewPeer = Pick<SessionPeer, 'id' | 'socket' | 'actor' | 'side' | 'participantId'>;

/** What each source carries: a microphone sends audio, a camera or a shared screen video. */
const SOURCE_KIND: Record<MediaSource, types.MediaKind> = { mic: 'audio', cam: 'video', screen: 'video' };
const SOURCES = Object.keys(SOURCE_KIND) as MediaSource[];

/** mediasoup's parameter objects go to the browser as they are. */
const asJson = (value: object): MediasoupJson => value as MediasoupJson;

export const notPresenter = () => new HttpError(403, 'NOT_PRESENTER', 'only the presenter drives the shared viewer');

export class ConsultSession {
  readonly consultationId: string;
  readonly room: Room;
  readonly #log: Logger;
  /** in joining order: the presenter's successor is the earliest specialist-side peer, else the earliest peer */
  readonly #peers = new Map<string, SessionPeer>();
  #presenterPeerId: string | null = null;
  #viewer: ViewerSyncState | null = null;

  constructor(consultationId: string, room: Room, log: Logger) {
    this.consultationId = consultationId;
    this.room = room;
    this.#log = log.child({ consultationId });
    room.on('producer:new', (event) => this.#onNewProducer(event));
    room.on('consumer:closed', ({ peerId, consumerId }) => this.#peers.get(peerId)?.socket.emit('consult:consumerClosed', { consumerId }));
    room.on('restarted', ({ reason }) => this.#onRestarted(reason));
  }

  get closed(): boolean {
    return this.room.closed;
  }

  get peers(): SessionPeer[] {
    return [...this.#peers.values()];
  }

  peer(peerId: string): SessionPeer | undefined {
    return this.#peers.get(peerId);
  }

  /** The first peer to arrive presents. */
  add(newPeer: NewPeer, rtpCapabilities: MediasoupJson): SessionPeer {
    this.room.join({ id: newPeer.id, displayName: newPeer.actor.displayName }, rtpCapabilities as unknown as types.RtpCapabilities);
    const peer: SessionPeer = { ...newPeer, ready: false, recvTransportId: undefined, producers: new Map() };
    this.#peers.set(peer.id, peer);
    this.#presenterPeerId ??= peer.id;
    this.#broadcastPeers();
    return peer;
  }

  /** The peer's media ends (the others' consumers of it close); a leaving presenter hands over to its successor. */
  remove(peerId: string): SessionPeer | undefined {
    const peer = this.#peers.get(peerId);
    if (!peer) return undefined;
    this.#peers.delete(peerId);
    this.room.leave(peerId);
    if (this.#presenterPeerId === peerId) this.#setPresenter(this.#successor());
    this.#broadcastPeers();
    return peer;
  }

  /** Closes the media room; returns the peers still in it (their stays are for the caller to record). */
  close(): SessionPeer[] {
    const remaining = this.peers;
    this.#peers.clear();
    this.room.close();
    return remaining;
  }

  joinAnswer(peer: SessionPeer, consultation: ConsultationDto): ConsultJoinAnswer {
    return {
      peerId: peer.id,
      consultation,
      peers: this.#peerDtos(),
      presenterPeerId: this.#presenterPeerId,
      viewer: this.#viewer,
    };
  }

  async createTransport(peer: SessionPeer, direction: TransportDirection): Promise<ConsultTransportOptions> {
    const transport = await this.room.createWebRtcTransport(peer.id, direction);
    if (direction === 'recv') peer.recvTransportId = transport.id;
    return {
      id: transport.id,
      iceParameters: asJson(transport.iceParameters),
      iceCandidates: transport.iceCandidates.map(asJson),
      dtlsParameters: asJson(transport.dtlsParameters),
      iceServers: transport.iceServers,
    };
  }

  async connectTransport(peer: SessionPeer, transportId: string, dtlsParameters: MediasoupJson): Promise<void> {
    await this.room.connectWebRtcTransport(peer.id, transportId, dtlsParameters as unknown as types.DtlsParameters);
  }

  /**
   * A new track. A second producer of the same source replaces the first (a camera switched by producing anew),
   * closed only once the new one exists, so the others never see the source go off in between.
   */
  async produce(
    peer: SessionPeer,
    request: { transportId: string; kind: types.MediaKind; rtpParameters: MediasoupJson; source: MediaSource },
  ): Promise<{ id: string }> {
    const { transportId, kind, rtpParameters, source } = request;
    if (SOURCE_KIND[source] !== kind) throw new HttpError(400, 'BAD_REQUEST', `a ${source} sends ${SOURCE_KIND[source]}, not ${kind}`);
    const replaced = [...peer.producers].filter(([, media]) => media.source === source).map(([id]) => id);
    const produced = await this.room.produce(peer.id, transportId, {
      kind,
      rtpParameters: rtpParameters as unknown as types.RtpParameters,
      appData: { source },
    });
    for (const producerId of replaced) this.closeProducer(peer, producerId);
    return produced;
  }

  /** consult:ready: consumers of everything the others already send; what they send later is offered as it comes. */
  async ready(peer: SessionPeer): Promise<void> {
    if (!peer.recvTransportId) throw new HttpError(409, 'NO_RECV_TRANSPORT', 'create a receiving transport first');
    if (peer.ready) return;
    // flag and snapshot in one synchronous step: every producer is offered once, from here or from #onNewProducer
    peer.ready = true;
    const offers = this.peers
      .filter((other) => other !== peer)
      .flatMap((other) => [...other.producers].map(([producerId, media]) => this.#offer(peer, producerId, media.source)));
    await Promise.all(offers);
  }

  async resumeConsumer(peer: SessionPeer, consumerId: string): Promise<void> {
    await this.room.resumeConsumer(peer.id, consumerId);
  }

  async setProducerPaused(peer: SessionPeer, producerId: string, paused: boolean): Promise<void> {
    const media = this.#ownProducer(peer, producerId);
    await (paused ? this.room.pauseProducer(peer.id, producerId) : this.room.resumeProducer(peer.id, producerId));
    media.paused = paused;
    this.#broadcastPeers();
  }

  closeProducer(peer: SessionPeer, producerId: string): void {
    this.#ownProducer(peer, producerId);
    this.room.closeProducer(peer.id, producerId);
    peer.producers.delete(producerId);
    this.#broadcastPeers();
  }

  /** Kept for whoever joins later, and relayed to the others. */
  moveViewer(peer: SessionPeer, state: ViewerSyncState): void {
    if (peer.id !== this.#presenterPeerId) throw notPresenter();
    this.#viewer = state;
    this.broadcast('consult:viewer', [state], peer);
  }

  /** The presenter hands the viewer on; the specialist side may also take it or give it to anyone. */
  handOver(by: SessionPeer, toPeerId: string): void {
    if (by.id !== this.#presenterPeerId && by.side !== 'specialist') throw notPresenter();
    if (!this.#peers.has(toPeerId)) throw new MediaError('NO_SUCH_PEER', `peer ${toPeerId} is not in the consultation`);
    this.#setPresenter(toPeerId);
  }

  #ownProducer(peer: SessionPeer, producerId: string): SentMedia {
    const media = peer.producers.get(producerId);
    if (!media) throw new MediaError('NO_SUCH_PRODUCER', `peer ${peer.id} has no producer ${producerId}`);
    return media;
  }

  #onNewProducer({ peerId, producerId, appData }: { peerId: string; producerId: string; appData: Record<string, unknown> }): void {
    const producer = this.#peers.get(peerId);
    if (!producer) return;
    const source = appData.source as MediaSource;
    producer.producers.set(producerId, { source, paused: false });
    this.#broadcastPeers();
    for (const other of this.#peers.values()) {
      if (other !== producer && other.ready) void this.#offer(other, producerId, source);
    }
  }

  /** A paused consumer for `peer`, offered to its browser; one that cannot be made is logged, not fatal. */
  async #offer(peer: SessionPeer, producerId: string, source: MediaSource): Promise<void> {
    try {
      const consumer = await this.room.consume(peer.id, peer.recvTransportId!, producerId);
      const offer: ConsumerOffer = {
        id: consumer.id,
        producerId,
        producerPeerId: consumer.producerPeerId,
        kind: consumer.kind,
        source,
        rtpParameters: asJson(consumer.rtpParameters),
      };
      peer.socket.emit('consult:newConsumer', offer);
    } catch (error) {
      // the producer or the peer went away meanwhile, or the peer's browser cannot decode it
      this.#log.warn({ err: error, peerId: peer.id, producerId }, 'could not offer a track');
    }
  }

  /** Every transport and track is gone: the peers stay, and each builds its media again (then consult:ready). */
  #onRestarted(reason: string): void {
    for (const peer of this.#peers.values()) {
      peer.ready = false;
      peer.recvTransportId = undefined;
      peer.producers.clear();
    }
    this.broadcast('consult:restarted', [{ reason }]);
    this.#broadcastPeers();
  }

  #successor(): string | null {
    const peers = this.peers;
    return (peers.find((peer) => peer.side === 'specialist') ?? peers[0])?.id ?? null;
  }

  #setPresenter(peerId: string | null): void {
    if (peerId === this.#presenterPeerId) return;
    this.#presenterPeerId = peerId;
    this.broadcast('consult:presenter', [{ presenterPeerId: peerId }]);
  }

  /**
   * To every peer (but `except`), socket by socket: they are all connected to this instance, and a Socket.IO room
   * broadcast would go through the PostgreSQL adapter, which delivers even local sockets only after a round trip
   * to the database (when a leaving socket may already be out of the room).
   */
  broadcast<E extends keyof ConsultServerToClientEvents>(
    event: E,
    args: Parameters<ConsultServerToClientEvents[E]>,
    except?: SessionPeer,
  ): void {
    for (const peer of this.#peers.values()) if (peer !== except) peer.socket.emit(event, ...args);
  }

  #broadcastPeers(): void {
    this.broadcast('consult:peers', [{ peers: this.#peerDtos() }]);
  }

  #peerDtos(): ConsultPeerDto[] {
    return this.peers.map((peer) => ({
      peerId: peer.id,
      user: { id: peer.actor.id, displayName: peer.actor.displayName },
      side: peer.side,
      media: Object.fromEntries(SOURCES.map((source) => [source, mediaState(peer, source)])) as ConsultPeerDto['media'],
    }));
  }
}

function mediaState(peer: SessionPeer, source: MediaSource): ConsultPeerDto['media'][MediaSource] {
  const sent = [...peer.producers.values()].find((media) => media.source === source);
  if (!sent) return 'off';
  return sent.paused ? 'paused' : 'on';
}
