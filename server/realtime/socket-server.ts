// Live updates over Socket.IO. The handshake uses the same session cookie as the REST API; each socket joins
// only the rooms its user may see: a reader the rooms of their centres, a township its organization's, an
// administrator everything. The hub is the server's Notifier: after a case change commits, it sends the case's
// new worklist row to those rooms. Delivery is best effort by design; clients resync over REST on reconnect.
import type { Server as HttpServer } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { actorForToken, SESSION_COOKIE } from '../auth/sessions.ts';
import { summaryInclude, toSummary } from '../reading/case-row.ts';
import type { Config } from '../config.ts';
import { sameOriginHandshake } from '../http/same-origin.ts';
import { providerOf, type Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Notifier } from './notifier.ts';
import { consultationInclude, toConsultationDto } from '../consult/dto.ts';

/** what a consultation:changed event says happened */
type ConsultationChange = Parameters<ServerToClientEvents['consultation:changed']>[0]['event'];

export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { actor: Actor }>;
export type TeledxSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { actor: Actor }>;

export const rooms = {
  centre: (id: string) => `centre:${id}`,
  org: (id: string) => `org:${id}`,
  user: (id: string) => `user:${id}`,
  all: 'all',
};

export function roomsOf(actor: Actor): string[] {
  const own = [rooms.user(actor.id)];
  if (actor.role === 'ADMIN') return [...own, rooms.all];
  if (CENTRE_ROLES.includes(actor.role)) return [...own, ...actor.centreIds.map(rooms.centre)];
  if (TOWNSHIP_ROLES.includes(actor.role)) return [...own, rooms.org(actor.organizationId)];
  return own;
}

export class SocketHub implements Notifier {
  private io: Io | null = null;
  private adapterPool: pg.Pool | null = null;

  constructor(private readonly deps: { db: Db; config: Config; log: Logger }) {}

  async attach(http: HttpServer): Promise<Io> {
    const shared = providerOf(this.deps.config.databaseUrl) === 'postgresql';
    const io: Io = new Server(http, {
      path: '/socket.io',
      serveClient: false,
      // the session cookie goes with a same-site page's handshake too: only our own pages may open a socket
      allowRequest: sameOriginHandshake(this.deps.config.publicOrigins),
      // Replays missed events after a short drop (single instance only: the PostgreSQL adapter cannot);
      // correctness never depends on it, since clients resync over REST.
      ...(shared ? {} : { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 } }),
    });
    if (shared) {
      // Several instances on one PostgreSQL behave as one: broadcasts and socket look-ups go through
      // LISTEN/NOTIFY on the database they already share (no further service to run).
      this.adapterPool = new pg.Pool({ connectionString: this.deps.config.databaseUrl, max: 4 });
      this.adapterPool.on('error', (error) => this.deps.log.warn({ err: error }, 'socket adapter connection error'));
      // its table socket_io_attachments comes with the PostgreSQL migrations (0004)
      io.adapter(createAdapter(this.adapterPool));
    }
    io.use(async (socket, next) => {
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      const actor = token ? await actorForToken(this.deps.db, token).catch(() => null) : null;
      if (!actor) return next(new Error('unauthenticated'));
      socket.data.actor = actor;
      next();
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.io = io;
    return io;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.io = null;
    await this.adapterPool?.end();
    this.adapterPool = null;
  }

  caseChanged(caseId: string, event: string): void {
    this.broadcast(caseId, event).catch((error) => this.deps.log.warn({ err: error, caseId }, 'case notification failed'));
  }

  consultationChanged(consultationId: string, event: string): void {
    this.broadcastConsultation(consultationId, event).catch((error) =>
      this.deps.log.warn({ err: error, consultationId }, 'consultation notification failed'),
    );
  }

  /** To everyone who may see the consultation (consult/access.ts): the requesting township, the centre, the two people. */
  private async broadcastConsultation(consultationId: string, event: string): Promise<void> {
    if (!this.io) return;
    const row = await this.deps.db.consultation.findUnique({ where: { id: consultationId }, include: consultationInclude });
    if (!row) return;
    const targets = [rooms.all, rooms.user(row.requestedById), rooms.org(row.requestingOrgId), rooms.centre(row.centreId)];
    if (row.specialistId) targets.push(rooms.user(row.specialistId));
    const kind = event as ConsultationChange;
    this.io.to(targets).emit('consultation:changed', { consultation: toConsultationDto(row), event: kind, at: new Date().toISOString() });
  }

  private onConnection(socket: TeledxSocket): void {
    void socket.join(roomsOf(socket.data.actor));
    socket.on('disconnect', () => void this.onDisconnect(socket.data.actor));
  }

  /**
   * A reader whose last connection dropped keeps their claims only for the grace period: long enough to ride
   * out a Wi-Fi blip or a page reload, short enough that a closed laptop does not hold a STAT case for long.
   */
  private async onDisconnect(actor: Actor): Promise<void> {
    if (!CENTRE_ROLES.includes(actor.role) || !this.io) return;
    const stillConnected = await this.io.in(rooms.user(actor.id)).fetchSockets();
    if (stillConnected.length > 0) return;
    const graceEnds = new Date(Date.now() + this.deps.config.disconnectGraceMs);
    await this.deps.db.case.updateMany({
      where: { claimedById: actor.id, status: 'CLAIMED', leaseExpiresAt: { gt: graceEnds } },
      data: { leaseExpiresAt: graceEnds },
    });
  }

  private async broadcast(caseId: string, event: string): Promise<void> {
    if (!this.io) return;
    const row = await this.deps.db.case.findUnique({ where: { id: caseId }, include: summaryInclude });
    if (!row) return;
    const targets = [rooms.all, rooms.org(row.originOrgId)];
    if (row.centreId && row.status !== 'DRAFT') targets.push(rooms.centre(row.centreId));
    this.io.to(targets).emit('case:changed', { case: toSummary(row, this.deps.config.sla), event, at: new Date().toISOString() });
  }
}
