// Live updates over Socket.IO, as transport only: it knows sockets, sessions and rooms (rooms.ts), not cases or
// consultations. Whoever has something to say hands publish() a message (an event, its payload and the rooms that
// may see it; server.ts wires the domain's builders to the Notifier). Delivery is best effort by design: clients
// resync over REST on every (re)connect.
//
// Every connection is authenticated with the session cookie, the REST API's, including a connection recovered
// after a short drop (which gets its rooms and missed events back, so it must come with the session it had).
// A session's sockets are put out when it ends: at once on logout (on every instance), and within
// SESSION_RECHECK_MS when it expires or its user is deactivated.
import type { Server as HttpServer } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { Actor } from '../auth/actor.ts';
import { actorForSession, actorForToken, liveSessionIds, SESSION_COOKIE } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import { sameOriginHandshake } from '../http/same-origin.ts';
import { providerOf, type Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { rooms, roomsOf } from './rooms.ts';

interface SocketData {
  actor: Actor;
}
export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type TeledxSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

type EventName = keyof ServerToClientEvents;
/** One event for the rooms that may see it. */
export interface RoomMessage<E extends EventName = EventName> {
  event: E;
  payload: Parameters<ServerToClientEvents[E]>[0];
  rooms: string[];
}

/** How often each instance checks that its sockets' sessions are still good (the session cache's lifetime). */
const SESSION_RECHECK_MS = 5_000;
/**
 * The check runs in turns, one slice of the sessions at a time: at 500 sockets one query for all of them holds the
 * event loop ~12 ms, and whatever event is being delivered at that moment waits; a fifth of them each second does not.
 */
const RECHECK_SLICES = 5;
/** a session's turn: a stable hash of its id (a session keeps its slice for as long as it lives) */
function sliceOf(sessionId: string): number {
  let hash = 0;
  for (let i = 0; i < sessionId.length; i++) hash = (hash * 31 + sessionId.charCodeAt(i)) >>> 0;
  return hash % RECHECK_SLICES;
}

export interface HubDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** told when a user whose presence it tracks has no connection left on any instance */
  presence: Presence;
}

export interface Presence {
  tracks(actor: Actor): boolean;
  wentAway(actor: Actor): Promise<void>;
}

export class SocketHub {
  private io: Io | null = null;
  private adapterPool: pg.Pool | null = null;
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HubDeps) {}

  async attach(http: HttpServer): Promise<Io> {
    const shared = providerOf(this.deps.config.databaseUrl) === 'postgresql';
    const io: Io = new Server(http, {
      path: '/socket.io',
      serveClient: false,
      // the session cookie goes with a same-site page's handshake too: only our own pages may open a socket
      allowRequest: sameOriginHandshake(this.deps.config.publicOrigins),
      // Replays missed events after a short drop (single instance only: the PostgreSQL adapter cannot);
      // correctness never depends on it, since clients resync over REST. Not without the middleware below.
      ...(shared ? {} : { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } }),
    });
    if (shared) {
      // Several instances on one PostgreSQL behave as one: broadcasts and socket look-ups go through
      // LISTEN/NOTIFY on the database they already share (no further service to run).
      this.adapterPool = new pg.Pool({ connectionString: this.deps.config.databaseUrl, max: 4 });
      this.adapterPool.on('error', (error) => this.deps.log.warn({ err: error }, 'socket adapter connection error'));
      // its table socket_io_attachments comes with the PostgreSQL migrations (0004)
      io.adapter(createAdapter(this.adapterPool));
    } else {
      this.restoreOnlyLiveSessions(io);
    }
    io.use(async (socket, next) => {
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      const actor = token ? await actorForToken(this.deps.db, token).catch(() => null) : null;
      // a recovered connection has its session's rooms and events: it must come back with that session
      const sameSession = !socket.recovered || socket.data.actor?.sessionId === actor?.sessionId;
      if (!actor || !sameSession) return next(new Error('unauthenticated'));
      socket.data.actor = actor;
      next();
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.io = io;
    let turn = 0;
    this.recheckTimer = setInterval(() => void this.putOutEndedSessions(turn++ % RECHECK_SLICES), SESSION_RECHECK_MS / RECHECK_SLICES);
    this.recheckTimer.unref();
    return io;
  }

  async close(): Promise<void> {
    clearInterval(this.recheckTimer);
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.io = null;
    await this.adapterPool?.end();
    this.adapterPool = null;
  }

  /** Sends the message once it is built (null: nothing to send); never throws. */
  publish(message: Promise<RoomMessage | null>, about: Record<string, string>): void {
    message
      .then((built) => {
        if (!built || !this.io) return;
        // socket.io's types cannot follow a generic event name to its payload
        (this.io.to(built.rooms) as unknown as { emit(event: string, payload: unknown): void }).emit(built.event, built.payload);
      })
      .catch((error) => this.deps.log.warn({ err: error, ...about }, 'live notification failed'));
  }

  /** The session ended (logout): its sockets, on every instance, are closed now. */
  endSession(sessionId: string): void {
    this.io?.in(rooms.session(sessionId)).disconnectSockets(true);
  }

  private onConnection(socket: TeledxSocket): void {
    const own = roomsOf(socket.data.actor);
    // a recovered connection comes back in its old rooms: the user's centres may have changed since
    for (const room of socket.rooms) if (room !== socket.id && !own.includes(room)) void socket.leave(room);
    void socket.join(own);
    socket.on('disconnect', () => {
      this.onDisconnect(socket.data.actor).catch((error) => this.deps.log.warn({ err: error }, 'disconnect handling failed'));
    });
  }

  private async onDisconnect(actor: Actor): Promise<void> {
    const { presence } = this.deps;
    if (!this.io || !presence.tracks(actor)) return; // asking every instance costs a round through the adapter
    const stillConnected = await this.io.in(rooms.user(actor.id)).fetchSockets();
    if (stillConnected.length === 0) await presence.wentAway(actor);
  }

  /**
   * socket.io restores a dropped connection's rooms and writes its missed events to the new connection before any
   * middleware has run, so the check cannot wait for the middleware: a session that has ended since is not
   * restored at all (the connection then goes through the middleware as a new one).
   */
  private restoreOnlyLiveSessions(io: Io): void {
    const adapter = io.of('/').adapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      const sessionId = (session?.data as Partial<SocketData> | undefined)?.actor?.sessionId;
      const actor = sessionId ? await actorForSession(this.deps.db, sessionId) : null;
      // (null is what the adapter itself answers for an unknown or expired session, whatever its type says)
      return (session && actor ? { ...session, data: { actor } } : null) as Awaited<ReturnType<typeof restore>>;
    };
  }

  /** Closes this instance's sockets (of one slice) whose session expired, was deleted or whose user was deactivated. */
  private async putOutEndedSessions(slice: number): Promise<void> {
    if (!this.io) return;
    const sockets = [...this.io.of('/').sockets.values()].filter((s) => sliceOf(s.data.actor.sessionId) === slice);
    if (sockets.length === 0) return;
    try {
      const live = await liveSessionIds(this.deps.db, [...new Set(sockets.map((s) => s.data.actor.sessionId))]);
      for (const socket of sockets) if (!live.has(socket.data.actor.sessionId)) socket.disconnect(true);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'could not check the sockets’ sessions');
    }
  }
}
