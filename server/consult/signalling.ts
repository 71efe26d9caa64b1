// Live consultations' signalling over the app's Socket.IO connection (the events and their answers are in
// shared/consult.ts). A socket is a peer in at most one consultation. consult:capabilities and consult:join check
// with consultations.ts that its user is a participant of a consultation open for the room; every other request
// acts on the socket's peer in that consultation's session (consult-session.ts), or is refused with NOT_JOINED.
// Every request first checks that the socket's session still holds (refused with UNAUTHENTICATED if not).
//
// A socket's requests are handled one at a time, in the order they came, so that a leave (or the drop of the
// connection) never overtakes the join before it. A dropped participant only leaves the room: the consultation
// goes on, and they come back as a new peer. The media room closes when its last peer leaves (the consultation
// stays IN_PROGRESS; rejoining opens a new one) and when the consultation ends.
import { ZodError, z } from 'zod';
import {
  connectTransportRequestSchema,
  consultJoinRequestSchema,
  createTransportRequestSchema,
  MAX_VIEWER_STATE_BYTES,
  produceRequestSchema,
  viewerSyncStateSchema,
  type ConsultAck,
  type ConsultClientToServerEvents,
} from '../../shared/consult.ts';
import type { Db } from '../db/client.ts';
import { actorForSession } from '../auth/sessions.ts';
import { HttpError, unauthenticated } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Io, TeledxSocket } from '../realtime/socket-server.ts';
import { authoriseParticipant, endConsultation, recordJoin, recordLeave, type ConsultDeps } from './consultations.ts';
import { ConsultSession, type SessionPeer } from './consult-session.ts';
import type { MediaServerHolder } from './media/media-server.ts';
import { MediaError } from './media/room.ts';

export interface SignallingDeps {
  db: Db;
  notify: Notifier;
  log: Logger;
  media: MediaServerHolder;
}

type Events = ConsultClientToServerEvents;
type AnswerOf<E extends keyof Events> = Extract<Parameters<Parameters<Events[E]>[1]>[0], { ok: true }>['data'];
type Handlers = { [E in keyof Events]: (socket: TeledxSocket, request: unknown) => Promise<AnswerOf<E>> };
type InRoom = { session: ConsultSession; peer: SessionPeer };

const consultationRequest = z.object({ consultationId: z.string().min(1) });
const consumerRequest = z.object({ consumerId: z.string().min(1) });
const producerRequest = z.object({ producerId: z.string().min(1) });
const peerRequest = z.object({ peerId: z.string().min(1) });

export class ConsultSignalling {
  readonly #deps: SignallingDeps;
  readonly #consultDeps: ConsultDeps;
  /** consultation id → its session on this instance, while its media room is open */
  readonly #sessions = new Map<string, Promise<ConsultSession>>();
  /** socket id → the session the socket's peer is in */
  readonly #joined = new Map<string, ConsultSession>();
  /** socket id → the end of its queue of requests */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(deps: SignallingDeps) {
    this.#deps = deps;
    this.#consultDeps = { db: deps.db, notify: deps.notify };
  }

  attach(io: Io): void {
    io.on('connection', (socket) => this.#register(socket));
  }

  /** Settles once the requests (and leaves) of the sockets closed so far are done: call after closing Socket.IO. */
  async drain(): Promise<void> {
    await Promise.all(this.#queues.values());
  }

  readonly #handlers: Handlers = {
    'consult:capabilities': (socket, request) => this.#capabilities(socket, consultationRequest.parse(request).consultationId),
    'consult:join': (socket, request) => this.#join(socket, consultJoinRequestSchema.parse(request)),
    'consult:createTransport': this.#inRoom(({ session, peer }, request) =>
      session.createTransport(peer, createTransportRequestSchema.parse(request).direction),
    ),
    'consult:connectTransport': this.#inRoom(async ({ session, peer }, request) => {
      const { transportId, dtlsParameters } = connectTransportRequestSchema.parse(request);
      await session.connectTransport(peer, transportId, dtlsParameters);
      return null;
    }),
    'consult:produce': this.#inRoom(({ session, peer }, request) => session.produce(peer, produceRequestSchema.parse(request))),
    'consult:ready': this.#inRoom(async ({ session, peer }) => {
      await session.ready(peer);
      return null;
    }),
    'consult:resumeConsumer': this.#inRoom(async ({ session, peer }, request) => {
      await session.resumeConsumer(peer, consumerRequest.parse(request).consumerId);
      return null;
    }),
    'consult:pauseProducer': this.#inRoom(async ({ session, peer }, request) => {
      await session.setProducerPaused(peer, producerRequest.parse(request).producerId, true);
      return null;
    }),
    'consult:resumeProducer': this.#inRoom(async ({ session, peer }, request) => {
      await session.setProducerPaused(peer, producerRequest.parse(request).producerId, false);
      return null;
    }),
    'consult:closeProducer': this.#inRoom(async ({ session, peer }, request) => {
      session.closeProducer(peer, producerRequest.parse(request).producerId);
      return null;
    }),
    'consult:viewer': this.#inRoom(async ({ session, peer }, request) => {
      if (Buffer.byteLength(JSON.stringify(request) ?? '') > MAX_VIEWER_STATE_BYTES) {
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the viewer state is over ${MAX_VIEWER_STATE_BYTES / 1024} kB`);
      }
      session.moveViewer(peer, viewerSyncStateSchema.parse(request));
      return null;
    }),
    'consult:presenter': this.#inRoom(async ({ session, peer }, request) => {
      session.handOver(peer, peerRequest.parse(request).peerId);
      return null;
    }),
    'consult:leave': async (socket) => {
      await this.#leave(socket);
      return null;
    },
    'consult:end': this.#inRoom(async ({ session, peer }) => {
      await this.#end(session, peer);
      return null;
    }),
  };

  #register(socket: TeledxSocket): void {
    const listen = socket.on.bind(socket) as (event: string, listener: (request: unknown, ack: unknown) => void) => void;
    for (const [event, handle] of Object.entries(this.#handlers)) {
      listen(event, (request, ack) => this.#enqueue(socket, () => this.#answer(socket, event, handle, request, ack)));
    }
    // a recovered connection (same socket id) is not in the consultation any more: it joins again, as a new peer
    socket.on('disconnect', () => this.#enqueue(socket, () => this.#leave(socket)));
  }

  #enqueue(socket: TeledxSocket, task: () => Promise<void>): void {
    const queued = (this.#queues.get(socket.id) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      this.#deps.log.error({ err: error, socketId: socket.id }, 'consultation signalling task failed');
    });
    this.#queues.set(socket.id, queued);
    void queued.then(() => {
      if (this.#queues.get(socket.id) === queued && socket.disconnected) this.#queues.delete(socket.id);
    });
  }

  async #answer(
    socket: TeledxSocket,
    event: string,
    handle: (socket: TeledxSocket, request: unknown) => Promise<unknown>,
    request: unknown,
    ack: unknown,
  ): Promise<void> {
    let answer: ConsultAck<unknown>;
    try {
      await this.#reauthenticate(socket);
      answer = { ok: true, data: await handle(socket, request) };
    } catch (error) {
      answer = { ok: false, error: this.#refusal(error, event, socket) };
    }
    if (typeof ack === 'function') ack(answer);
  }

  /**
   * Each request acts as the socket's session is now (through the sessions' cache: at most 5 s old), not as it was
   * at the handshake: a session that has ended puts its connection out; changed roles or centres apply.
   */
  async #reauthenticate(socket: TeledxSocket): Promise<void> {
    const actor = await actorForSession(this.#deps.db, socket.data.actor.sessionId);
    if (!actor) {
      socket.disconnect(true);
      throw unauthenticated();
    }
    socket.data.actor = actor;
  }

  #refusal(error: unknown, event: string, socket: TeledxSocket): { code: string; message: string } {
    if (error instanceof HttpError || error instanceof MediaError) return { code: error.code, message: error.message };
    if (error instanceof ZodError) return { code: 'BAD_REQUEST', message: z.prettifyError(error) };
    this.#deps.log.error({ err: error, event, userId: socket.data.actor.id }, 'consultation signalling request failed');
    return { code: 'INTERNAL', message: 'internal error' };
  }

  /** A handler for a request of a peer in a room: NOT_JOINED for a socket that is in none. */
  #inRoom<T>(handle: (inRoom: InRoom, request: unknown) => Promise<T>): (socket: TeledxSocket, request: unknown) => Promise<T> {
    return (socket, request) => {
      const session = this.#joined.get(socket.id);
      const peer = session?.peer(socket.id);
      if (!session || !peer) return Promise.reject(new HttpError(409, 'NOT_JOINED', 'join the consultation first'));
      return handle({ session, peer }, request);
    };
  }

  async #capabilities(socket: TeledxSocket, consultationId: string): Promise<AnswerOf<'consult:capabilities'>> {
    await authoriseParticipant(this.#deps.db, socket.data.actor, consultationId);
    const session = await this.#withOpenSession(consultationId, (opened) => opened);
    try {
      return { routerRtpCapabilities: (await session.room.rtpCapabilities()) as unknown as Record<string, unknown> };
    } finally {
      // nobody may join after asking: an empty room is not kept (every router has the same capabilities)
      this.#closeIfEmpty(session);
    }
  }

  async #join(
    socket: TeledxSocket,
    request: { consultationId: string; rtpCapabilities: Record<string, unknown> },
  ): Promise<AnswerOf<'consult:join'>> {
    const actor = socket.data.actor;
    const { side } = await authoriseParticipant(this.#deps.db, actor, request.consultationId);
    await this.#leave(socket); // one consultation per connection (joining the same one again starts a new stay)
    await this.#deps.media.get(); // the media can run before the consultation is marked as started
    const { consultation, participantId } = await recordJoin(this.#consultDeps, actor, request.consultationId);
    try {
      return await this.#withOpenSession(request.consultationId, (session) => {
        const peer = session.add({ id: socket.id, socket, actor, side, participantId }, request.rtpCapabilities);
        this.#joined.set(socket.id, session);
        return session.joinAnswer(peer, consultation);
      });
    } catch (error) {
      await recordLeave(this.#consultDeps, participantId);
      throw error;
    }
  }

  async #leave(socket: TeledxSocket): Promise<void> {
    const session = this.#joined.get(socket.id);
    if (!session) return;
    this.#joined.delete(socket.id);
    const peer = session.remove(socket.id);
    this.#closeIfEmpty(session);
    if (peer) await this.#recordLeave(peer);
  }

  async #end(session: ConsultSession, by: SessionPeer): Promise<void> {
    await endConsultation(this.#consultDeps, by.actor, session.consultationId, by.socket.handshake.address);
    await this.closeEnded(session.consultationId);
  }

  /**
   * The consultation ended, in its room or over REST (POST /api/consultations/:id/end): whoever is still in the
   * room is told and put out. The server's notifier calls this after the end commits.
   */
  async closeEnded(consultationId: string): Promise<void> {
    const session = await this.#sessions.get(consultationId)?.catch(() => undefined);
    if (!session || session.closed) return;
    session.broadcast('consult:ended', [{ consultationId }]);
    await this.#forget(session.close());
  }

  /**
   * Runs `use` on the consultation's open session, opening one (and its media room) if there is none. `use` runs
   * synchronously after the check that the session is open: with no await in between, a leaving last peer
   * cannot close it under a joining one.
   */
  async #withOpenSession<T>(consultationId: string, use: (session: ConsultSession) => T): Promise<T> {
    for (;;) {
      const session = await this.#session(consultationId);
      if (!session.closed) return use(session);
    }
  }

  #session(consultationId: string): Promise<ConsultSession> {
    const open = this.#sessions.get(consultationId);
    if (open) return open;
    const opening = this.#openSession(consultationId);
    this.#sessions.set(consultationId, opening);
    // registered before any caller's own reaction to `opening`: a closed session has left the map by then
    opening.then(
      (session) => {
        if (session.closed) this.#onRoomClosed(opening, session);
        else session.room.once('closed', () => this.#onRoomClosed(opening, session));
      },
      () => {
        if (this.#sessions.get(consultationId) === opening) this.#sessions.delete(consultationId);
      },
    );
    return opening;
  }

  async #openSession(consultationId: string): Promise<ConsultSession> {
    const room = await (await this.#deps.media.get()).openRoom(consultationId);
    return new ConsultSession(consultationId, room, this.#deps.log);
  }

  /**
   * The media room closed: after its last peer left or the consultation ended (no peers left then), or by itself
   * when it could not restart on any worker; then its peers are out, and see it on their next request.
   */
  #onRoomClosed(opening: Promise<ConsultSession>, session: ConsultSession): void {
    if (this.#sessions.get(session.consultationId) === opening) this.#sessions.delete(session.consultationId);
    const stranded = session.close();
    if (stranded.length === 0) return;
    this.#deps.log.error(
      { consultationId: session.consultationId, peers: stranded.length },
      'consultation media room closed under its peers',
    );
    void this.#forget(stranded);
  }

  #closeIfEmpty(session: ConsultSession): void {
    if (session.peers.length === 0) session.close();
  }

  /** Peers put out of a room all at once: their sockets are in no consultation any more, their stays end. */
  async #forget(peers: SessionPeer[]): Promise<void> {
    for (const peer of peers) this.#joined.delete(peer.id);
    await Promise.all(peers.map((peer) => this.#recordLeave(peer)));
  }

  async #recordLeave(peer: SessionPeer): Promise<void> {
    try {
      await recordLeave(this.#consultDeps, peer.participantId);
    } catch (error) {
      this.#deps.log.warn({ err: error, participantId: peer.participantId }, 'could not record a participant leaving');
    }
  }
}
