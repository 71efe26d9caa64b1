// The DICOM network service (DIMSE, dcmjs-dimse): associations from registered devices only, C-ECHO, C-STORE
// into the ingest core, the Modality Worklist (C-FIND, worklist.ts) and MPPS (N-CREATE/N-SET, mpps.ts). Listens on
// its own TCP port beside HTTP, on the same host. Every association is audited, accepted or rejected, with the
// calling AE title and the peer's address.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Writable } from 'node:stream';
import dcmjsDimse from 'dcmjs-dimse';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { captureDeclaredCharsets, declaredCharsetOf, EncodedDataset, IMPLICIT_VR_LITTLE_ENDIAN } from './dataset-bytes.ts';
import { createPerformedStep, MPPS_SOP_CLASS, updatePerformedStep, type MppsOutcome } from './mpps.ts';
import { answerCommitment, STORAGE_COMMITMENT_PUSH } from './commitment.ts';
import { part10Header } from './part10.ts';
import { pauseSocketWhileFull } from './backpressure.ts';
import { LandingMemo, landingLocksOf } from '../ingest/landing.ts';
import { receiveInstance, type Device } from './receive.ts';
import { STORAGE_SOP_CLASSES, TRANSFER_SYNTAXES, VERIFICATION } from './storage-classes.ts';
import { answerWorklistQuery, MODALITY_WORKLIST_FIND } from './worklist.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';

const { Scp, Dataset, log: dimseLog } = dcmjsDimse;
const { CEchoResponse, CStoreResponse, CFindResponse, NCreateResponse, NSetResponse } = dcmjsDimse.responses;
const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason } = dcmjsDimse.constants;
type Association = dcmjsDimse.association.Association;
type PresentationContext = dcmjsDimse.association.PresentationContext;
type CStoreRequest = dcmjsDimse.requests.CStoreRequest;
type CEchoRequest = dcmjsDimse.requests.CEchoRequest;
type CFindRequest = dcmjsDimse.requests.CFindRequest;
type NCreateRequest = dcmjsDimse.requests.NCreateRequest;
type NSetRequest = dcmjsDimse.requests.NSetRequest;

/**
 * The worklist and MPPS contexts take Implicit VR Little Endian only (every DICOM AE supports it): the worklist's
 * answers are written byte by byte in it (dataset-bytes.ts), so that dcmjs-dimse never re-encodes them.
 */
const IMPLICIT_ONLY = new Set([MODALITY_WORKLIST_FIND, MPPS_SOP_CLASS]);
type NActionRequest = dcmjsDimse.requests.NActionRequest;

export interface DicomSettings {
  /** null: the service is off */
  port: number | null;
  aeTitle: string;
}

export interface DicomService {
  /** the port actually listened on */
  port: number;
  close(): Promise<void>;
}

/** the Error Comment (0000,0902) is an LO: 64 characters */
const comment = (text: string) => text.replace(/[\\\r\n]/g, ' ').slice(0, 64);

export async function startDicomService(ctx: AppContext, host: string, settings: { port: number; aeTitle: string }): Promise<DicomService> {
  dimseLog.setLevel('silent');
  captureDeclaredCharsets(ctx.config.defaultCharset);
  const locks = landingLocksOf(ctx);
  const sockets = new Set<Socket>();
  const pending = new Set<Promise<unknown>>();
  /** aborted by close(): work waiting on a timer (a storage commitment report's retry) ends instead of holding it */
  const stopping = new AbortController();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  class TeledxScp extends Scp {
    private device: Device | null = null;
    private readonly peer: string | undefined;
    private readonly tcp: Socket;
    private staging: Promise<StagedBlob> | null = null;
    private staged: StagedBlob | null = null;
    /** where this association's studies landed: a modality sends a series in one association */
    private readonly landed = new LandingMemo();
    private receiving: PassThrough | null = null;

    constructor(socket: Socket) {
      super(socket, { associationTimeout: 60_000, pduTimeout: 60_000 });
      this.tcp = socket;
      this.peer = socket.remoteAddress?.replace(/^::ffff:/, '');
      // a peer that goes away mid-instance: its partial data set is staged no further (and discarded)
      socket.on('close', () => this.receiving?.destroy(new Error('association closed during a C-STORE')));
    }

    override associationRequested(association: Association): void {
      void track(this.decide(association)).catch((error: unknown) => {
        ctx.log.error({ err: error }, 'DICOM association handling failed');
        this.tcp.destroy();
      });
    }

    private async decide(association: Association): Promise<void> {
      const calling = association.getCallingAeTitle().trim();
      const called = association.getCalledAeTitle().trim();
      const device = await ctx.db.dicomDevice.findUnique({ where: { aeTitle: calling } });
      const reason =
        !device || !device.active
          ? 'calling AE title not recognized'
          : called !== settings.aeTitle
            ? 'called AE title not recognized'
            : null;
      await recordAudit(ctx.db, {
        actorId: device?.userId ?? null,
        action: reason ? 'dicom.association_rejected' : 'dicom.association',
        entityType: 'DicomDevice',
        entityId: device?.id ?? null,
        ip: this.peer,
        details: { callingAeTitle: calling, calledAeTitle: called, ...(reason ? { reason } : {}) },
      });
      if (reason) {
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          reason.startsWith('calling') ? RejectReason.CallingAeNotRecognized : RejectReason.CalledAeNotRecognized,
        );
        return;
      }
      this.device = { id: device!.id, aeTitle: device!.aeTitle, organizationId: device!.organizationId, userId: device!.userId };
      for (const { id } of association.getPresentationContexts()) {
        const context = association.getPresentationContext(id);
        const abstract = context.getAbstractSyntaxUid();
        const offeredService =
          abstract === VERIFICATION ||
          abstract === STORAGE_COMMITMENT_PUSH ||
          abstract in STORAGE_SOP_CLASSES ||
          IMPLICIT_ONLY.has(abstract);
        if (!offeredService) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const offered = context.getTransferSyntaxUids();
        const acceptable = IMPLICIT_ONLY.has(abstract) ? [IMPLICIT_VR_LITTLE_ENDIAN] : TRANSFER_SYNTAXES;
        const chosen = acceptable.find((ts) => offered.includes(ts));
        if (chosen) context.setResult(PresentationContextResult.Accept, chosen);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override abort(): void {
      this.tcp.destroy();
    }

    override cEchoRequest(request: CEchoRequest, callback: (response: dcmjsDimse.responses.CEchoResponse) => void): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override cFindRequest(request: CFindRequest, callback: (responses: dcmjsDimse.responses.CFindResponse[]) => void): void {
      const device = this.device;
      void track(
        (async () => {
          const done = CFindResponse.fromRequest(request);
          if (!device || request.getAffectedSopClassUid() !== MODALITY_WORKLIST_FIND) {
            done.setStatus(Status.SopClassNotSupported);
            return callback([done]);
          }
          const dataset = request.getDataset();
          const answer = await answerWorklistQuery(
            ctx,
            device,
            dataset?.getElements(),
            dataset ? declaredCharsetOf(dataset) : undefined,
            this.peer,
          ).catch((error: unknown) => {
            ctx.log.error({ err: error, device: device.aeTitle }, 'worklist query failed');
            return { status: 0xc000, comment: 'internal error', matches: [] };
          });
          const pending = answer.matches.map((bytes) => {
            const response = CFindResponse.fromRequest(request);
            response.setDataset(new EncodedDataset(bytes));
            response.setStatus(Status.Pending);
            return response;
          });
          done.setStatus(answer.status);
          if (answer.comment) done.setErrorComment(comment(answer.comment));
          callback([...pending, done]);
        })(),
      );
    }

    override nCreateRequest(request: NCreateRequest, callback: (response: dcmjsDimse.responses.NCreateResponse) => void): void {
      const response = NCreateResponse.fromRequest(request);
      this.performedStep(response, callback, (device) =>
        createPerformedStep(ctx, device, request.getAffectedSopInstanceUid(), request.getDataset()?.getElements() ?? {}, this.peer),
      );
    }

    override nSetRequest(request: NSetRequest, callback: (response: dcmjsDimse.responses.NSetResponse) => void): void {
      const response = NSetResponse.fromRequest(request);
      response.setAffectedSopInstanceUid(request.getRequestedSopInstanceUid());
      this.performedStep(response, callback, (device) =>
        updatePerformedStep(ctx, device, request.getRequestedSopInstanceUid(), request.getDataset()?.getElements() ?? {}, this.peer),
      );
    }

    /** An MPPS request: its outcome's status (and Error Comment and Error ID) on the response. */
    private performedStep<R extends dcmjsDimse.responses.NCreateResponse | dcmjsDimse.responses.NSetResponse>(
      response: R,
      callback: (response: R) => void,
      work: (device: Device) => Promise<MppsOutcome>,
    ): void {
      const device = this.device;
      void track(
        (async () => {
          const outcome: MppsOutcome = device
            ? await work(device).catch((error: unknown) => {
                ctx.log.error({ err: error, device: device.aeTitle }, 'MPPS request failed');
                return { status: 0x0110, comment: 'internal error' };
              })
            : { status: 0x0110, comment: 'no device' };
          response.setStatus(outcome.status);
          if (outcome.comment && outcome.status !== 0) response.setErrorComment(comment(outcome.comment));
          if (outcome.errorId !== undefined) response.getCommandDataset().setElement('ErrorID', outcome.errorId as unknown as string);
          callback(response);
        })(),
      );
    }

    /** Storage commitment (commitment.ts): the N-ACTION answered here, the report sent after it on a new association. */
    override nActionRequest(request: NActionRequest, callback: (response: dcmjsDimse.responses.NActionResponse) => void): void {
      const device = this.device;
      if (!device) return;
      void track(
        (async () => {
          const { response, report } = await answerCommitment(ctx, settings.aeTitle, device, request, this.peer, stopping.signal);
          callback(response);
          if (report) await report();
        })(),
      ).catch((error: unknown) => ctx.log.error({ err: error }, 'storage commitment failed'));
    }

    /**
     * The data set streams into the blob store's staging behind a Part 10 header of ours, never whole in memory.
     * dcmjs-dimse does not wait for the stream, so back-pressure is ours (backpressure.ts).
     */
    override createStoreWritableStream(context: PresentationContext, request: CStoreRequest): Writable {
      const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
      stream.write(
        part10Header({
          sopClassUid: request.getAffectedSopClassUid(),
          sopInstanceUid: request.getAffectedSopInstanceUid(),
          transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2',
          sourceAeTitle: this.device?.aeTitle ?? '',
        }),
      );
      pauseSocketWhileFull(this.tcp, stream);
      this.receiving = stream;
      this.staging = track(ctx.store.stage(stream, { maxBytes: ctx.config.maxFileBytes }));
      this.staging.catch(() => undefined);
      return stream;
    }

    override createDatasetFromStoreWritableStream(
      _writable: Writable,
      _context: PresentationContext,
      callback: (dataset: dcmjsDimse.Dataset) => void,
    ): void {
      const staging = this.staging;
      this.staging = null;
      this.receiving = null;
      void track(
        (async () => {
          this.staged = staging ? await staging.catch(() => null) : null;
          callback(new Dataset());
        })(),
      );
    }

    override cStoreRequest(request: CStoreRequest, callback: (response: dcmjsDimse.responses.CStoreResponse) => void): void {
      const staged = this.staged;
      this.staged = null;
      const device = this.device;
      void track(
        (async () => {
          const response = CStoreResponse.fromRequest(request);
          if (!staged || !device) {
            response.setStatus(0xa700);
            response.setErrorComment('the data set could not be staged');
            await staged?.discard();
          } else {
            const outcome = await receiveInstance(ctx, locks, device, staged, this.peer, this.landed);
            response.setStatus(outcome.status);
            if (outcome.comment && outcome.status !== 0) response.setErrorComment(comment(outcome.comment));
          }
          callback(response);
        })(),
      );
    }
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const scp = new TeledxScp(socket);
    scp.on('networkError', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await Promise.allSettled([...pending]);
    },
  };
}
