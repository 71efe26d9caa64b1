// Live consultations (远程会诊): the contract both sides use. A township doctor requests a consultation, on a case
// or on its own, from a reading centre or one of its specialists, now or at a time; the specialist accepts or
// declines; both join a room with audio/video and the case's images on a shared viewer; the specialist writes
// the opinion, which is attached to the case.
//
// A joint consultation (远程联合会诊): once accepted, the lead specialist (or the centre's supervisor) invites
// further county specialists, readers or supervisors of any of the consortium's reading centres. An invitee sees
// the consultation, is told live (consultation:invited), enters the room (side 'invitee') and takes part in the
// talk and the shared viewer; the lead specialist alone writes the opinion and, with the requester, ends it.
//
// The consultation is a state machine (server/consult/consultations.ts is its only writer):
//
//   REQUESTED ──accept──▶ ACCEPTED ──start (first participant joins the room)──▶ IN_PROGRESS ──end──▶ ENDED
//   REQUESTED ──decline─▶ DECLINED
//   REQUESTED | ACCEPTED ──cancel──▶ CANCELLED
//
// Signalling runs over the app's Socket.IO connection (events below, each with an acknowledgement); the media
// goes through mediasoup (server/consult/media/).
import { z } from 'zod';
import { idText, safeText } from './input.ts';

export const CONSULTATION_STATUSES = ['REQUESTED', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'IN_PROGRESS', 'ENDED'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export const CONSULTATION_EVENTS = ['accept', 'decline', 'cancel', 'start', 'end'] as const;
export type ConsultationEvent = (typeof CONSULTATION_EVENTS)[number];

export const CONSULTATION_TRANSITIONS: Record<ConsultationEvent, { from: readonly ConsultationStatus[]; to: ConsultationStatus }> = {
  accept: { from: ['REQUESTED'], to: 'ACCEPTED' },
  decline: { from: ['REQUESTED'], to: 'DECLINED' },
  cancel: { from: ['REQUESTED', 'ACCEPTED'], to: 'CANCELLED' },
  start: { from: ['ACCEPTED'], to: 'IN_PROGRESS' },
  end: { from: ['IN_PROGRESS'], to: 'ENDED' },
};

/** A room can be joined while the consultation is accepted (nobody in yet) or in progress. */
export const JOINABLE_STATUSES: readonly ConsultationStatus[] = ['ACCEPTED', 'IN_PROGRESS'];
/** The specialist may write (and rewrite) the opinion during the consultation and after it. */
export const OPINION_STATUSES: readonly ConsultationStatus[] = ['IN_PROGRESS', 'ENDED'];

// ---- REST: requests ----

export const createConsultationRequestSchema = z.object({
  /** the case discussed; absent for a consultation on its own */
  caseId: idText().optional(),
  /** the reading centre asked */
  centreId: idText(),
  /** a specialist of that centre, when the township asks for one by name; otherwise any of its readers accepts */
  specialistId: idText().optional(),
  /** when to meet; absent means now */
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
  /** what the township wants to discuss */
  topic: safeText({ multiline: true }).trim().min(1).max(2000),
});
export type CreateConsultationRequest = z.input<typeof createConsultationRequestSchema>;

export const declineConsultationRequestSchema = z.object({ reason: safeText({ multiline: true }).trim().min(1).max(500) });
/** POST /api/consultations/:id/invitations: the county specialist to invite */
export const inviteSpecialistRequestSchema = z.object({ userId: idText() });
export const opinionRequestSchema = z.object({ opinion: safeText({ multiline: true }).trim().min(1).max(20_000) });

export const consultationListQuerySchema = z.object({
  /** only consultations in these statuses (comma separated) */
  status: safeText().optional(),
  caseId: safeText().optional(),
});

// ---- REST: responses ----
// Strict objects (an undeclared field fails the access matrix's check of every answer); the types are inferred.

const isoDateTime = z.iso.datetime();

export const personRefSchema = z.strictObject({ id: z.string(), displayName: z.string() });
export type PersonRef = z.infer<typeof personRefSchema>;

export const consultationParticipantDtoSchema = z.strictObject({
  user: personRefSchema,
  joinedAt: isoDateTime,
  /** null while in the room */
  leftAt: isoDateTime.nullable(),
});
export type ConsultationParticipantDto = z.infer<typeof consultationParticipantDtoSchema>;

export const consultationInviteeDtoSchema = z.strictObject({
  user: personRefSchema,
  /** the lead specialist or the centre's supervisor */
  invitedBy: personRefSchema,
  invitedAt: isoDateTime,
});
export type ConsultationInviteeDto = z.infer<typeof consultationInviteeDtoSchema>;

export const consultationDtoSchema = z.strictObject({
  id: z.string(),
  status: z.enum(CONSULTATION_STATUSES),
  topic: z.string(),
  /** the case discussed and a line to recognise it by; null for a consultation on its own */
  case: z.strictObject({ id: z.string(), patientName: z.string(), examKind: z.string() }).nullable(),
  requestedBy: personRefSchema,
  requestingOrg: z.strictObject({ id: z.string(), name: z.string() }),
  centre: z.strictObject({ id: z.string(), name: z.string() }),
  /** the specialist asked for, or the one who accepted */
  specialist: personRefSchema.nullable(),
  /** null: now */
  scheduledAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  acceptedAt: isoDateTime.nullable(),
  declineReason: z.string().nullable(),
  /** the room opened (first participant joined) and closed */
  startedAt: isoDateTime.nullable(),
  endedAt: isoDateTime.nullable(),
  durationSeconds: z.number().int().nullable(),
  opinion: z.string().nullable(),
  opinionBy: personRefSchema.nullable(),
  opinionAt: isoDateTime.nullable(),
  /** every stay in the room, oldest first */
  participants: z.array(consultationParticipantDtoSchema),
  /** the further county specialists invited (a joint consultation), in the order they were invited */
  invitees: z.array(consultationInviteeDtoSchema),
});
export type ConsultationDto = z.infer<typeof consultationDtoSchema>;

/** GET /api/consultations */
export const consultationListDtoSchema = z.strictObject({ consultations: z.array(consultationDtoSchema) });
/** GET /api/consultations/specialists, GET /api/consultations/:id/invitable */
export const specialistListDtoSchema = z.strictObject({ specialists: z.array(personRefSchema) });

// ---- Socket.IO ----

/** Every consult:* request is acknowledged with one of these. */
export type ConsultAck<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export type MediaSource = 'mic' | 'cam' | 'screen';

/** One participant in the room, as every participant sees the list. */
export interface ConsultPeerDto {
  /** one per connection (a reconnecting browser comes back as a new peer) */
  peerId: string;
  user: PersonRef;
  /** requester: the township side; specialist: the county's lead specialist; invitee: a further county specialist */
  side: 'requester' | 'specialist' | 'invitee';
  /** what they send: present and live, present and paused (muted / camera off), or absent */
  media: Record<MediaSource, 'on' | 'paused' | 'off'>;
}

/** mediasoup's RTP capabilities and parameters travel as opaque JSON between mediasoup and mediasoup-client. */
export type MediasoupJson = Record<string, unknown>;

export interface ConsultJoinAnswer {
  peerId: string;
  consultation: ConsultationDto;
  peers: ConsultPeerDto[];
  presenterPeerId: string | null;
  /** the shared viewer as the presenter last left it (null: nobody has moved it yet) */
  viewer: ViewerSyncState | null;
}

export interface ConsultTransportOptions {
  id: string;
  iceParameters: MediasoupJson;
  iceCandidates: MediasoupJson[];
  dtlsParameters: MediasoupJson;
  /** STUN/TURN servers for the browser's RTCPeerConnection (TELEDX_TURN_*) */
  iceServers: { urls: string[]; username?: string; credential?: string }[];
}

/** Another participant's track, offered to this one (paused until the client says consult:resumeConsumer). */
export interface ConsumerOffer {
  id: string;
  producerId: string;
  producerPeerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  rtpParameters: MediasoupJson;
}

/** A consult:viewer message is relayed to every peer: at most this much JSON (UTF-8), annotations included. */
export const MAX_VIEWER_STATE_BYTES = 256 * 1024;

/**
 * The shared viewer, as the presenter drives it: which series and image, the viewport and the annotations.
 * `seq` increases with every message of a presenter, so a follower drops one that arrives late.
 */
export const viewerSyncStateSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** the series shown (Series.id) and the image within it (index into its image ids) */
  seriesId: z.string().max(64).nullable(),
  imageIndex: z.number().int().nonnegative(),
  viewport: z.object({
    windowWidth: z.number(),
    windowCenter: z.number(),
    scale: z.number().positive(),
    translation: z.object({ x: z.number(), y: z.number() }),
    rotation: z.number(),
    hflip: z.boolean(),
    vflip: z.boolean(),
    invert: z.boolean(),
  }),
  /** cornerstone-tools' measurements per image id, as its tool state manager saves them (within MAX_VIEWER_STATE_BYTES) */
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ViewerSyncState = z.infer<typeof viewerSyncStateSchema>;

export const consultJoinRequestSchema = z.object({ consultationId: z.string().min(1), rtpCapabilities: z.record(z.string(), z.unknown()) });
export const createTransportRequestSchema = z.object({ direction: z.enum(['send', 'recv']) });
export const connectTransportRequestSchema = z.object({
  transportId: z.string().min(1),
  dtlsParameters: z.record(z.string(), z.unknown()),
});
export const produceRequestSchema = z.object({
  transportId: z.string().min(1),
  kind: z.enum(['audio', 'video']),
  rtpParameters: z.record(z.string(), z.unknown()),
  source: z.enum(['mic', 'cam', 'screen']),
});

type Ack<T> = (answer: ConsultAck<T>) => void;

export interface ConsultClientToServerEvents {
  /** the room's router capabilities, to load mediasoup-client's Device with (checks permission: 403/404/409) */
  'consult:capabilities': (request: { consultationId: string }, ack: Ack<{ routerRtpCapabilities: MediasoupJson }>) => void;
  /** enter the room (starts the consultation on the first join); one consultation per connection */
  'consult:join': (request: z.infer<typeof consultJoinRequestSchema>, ack: Ack<ConsultJoinAnswer>) => void;
  'consult:createTransport': (request: z.infer<typeof createTransportRequestSchema>, ack: Ack<ConsultTransportOptions>) => void;
  'consult:connectTransport': (request: z.infer<typeof connectTransportRequestSchema>, ack: Ack<null>) => void;
  'consult:produce': (request: z.infer<typeof produceRequestSchema>, ack: Ack<{ id: string }>) => void;
  /** the receiving transport exists: send me consumers of everything already produced (and of what comes) */
  'consult:ready': (request: Record<string, never>, ack: Ack<null>) => void;
  'consult:resumeConsumer': (request: { consumerId: string }, ack: Ack<null>) => void;
  /** mute / camera off (pause), unmute (resume), stop a screen share (close) */
  'consult:pauseProducer': (request: { producerId: string }, ack: Ack<null>) => void;
  'consult:resumeProducer': (request: { producerId: string }, ack: Ack<null>) => void;
  'consult:closeProducer': (request: { producerId: string }, ack: Ack<null>) => void;
  /** the presenter moved the shared viewer (refused with NOT_PRESENTER for anyone else) */
  'consult:viewer': (state: ViewerSyncState, ack: Ack<null>) => void;
  /** the presenter (or the specialist) hands the viewer to another peer */
  'consult:presenter': (request: { peerId: string }, ack: Ack<null>) => void;
  'consult:leave': (request: Record<string, never>, ack: Ack<null>) => void;
  /** end the consultation for everyone (the lead specialist or the requester; not an invitee) */
  'consult:end': (request: Record<string, never>, ack: Ack<null>) => void;
}

/**
 * Every request a client may send, as a list the server's handlers and the socket access-matrix test are checked
 * against (the compiler insists it names exactly the keys of ConsultClientToServerEvents).
 */
export const CONSULT_REQUESTS = [
  'consult:capabilities',
  'consult:join',
  'consult:createTransport',
  'consult:connectTransport',
  'consult:produce',
  'consult:ready',
  'consult:resumeConsumer',
  'consult:pauseProducer',
  'consult:resumeProducer',
  'consult:closeProducer',
  'consult:viewer',
  'consult:presenter',
  'consult:leave',
  'consult:end',
] as const satisfies readonly (keyof ConsultClientToServerEvents)[];
type UnlistedRequest = Exclude<keyof ConsultClientToServerEvents, (typeof CONSULT_REQUESTS)[number]>;
const everyRequestListed: [UnlistedRequest] extends [never] ? true : never = true;
void everyRequestListed;

export interface ConsultServerToClientEvents {
  /** a consultation the user can see changed (requested, accepted, declined, …, opinion written) */
  'consultation:changed': (event: {
    consultation: ConsultationDto;
    event: ConsultationEvent | 'request' | 'opinion' | 'invite';
    at: string;
  }) => void;
  /** this user was invited into a joint consultation (to the invitee only) */
  'consultation:invited': (event: { consultation: ConsultationDto; invitedBy: PersonRef; at: string }) => void;
  'consult:peers': (event: { peers: ConsultPeerDto[] }) => void;
  'consult:newConsumer': (offer: ConsumerOffer) => void;
  'consult:consumerClosed': (event: { consumerId: string }) => void;
  /** the room moved to another media worker: create new transports and produce again (then consult:ready) */
  'consult:restarted': (event: { reason: string }) => void;
  'consult:viewer': (state: ViewerSyncState) => void;
  'consult:presenter': (event: { presenterPeerId: string | null }) => void;
  /** the consultation ended: leave the room */
  'consult:ended': (event: { consultationId: string }) => void;
}
