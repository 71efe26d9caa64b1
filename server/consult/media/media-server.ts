// The media server's entry point: the worker pool and the open rooms, one per live consultation. The signalling
// layer (server/consult/signalling.ts) reaches it through a MediaServerHolder, which starts the workers on the
// first consultation request, and opens a room when the first participant of a consultation arrives.
import type { Logger } from '../../logger.ts';
import { Room } from './room.ts';
import type { MediaSettings } from './settings.ts';
import { MediaWorkerPool } from './worker-pool.ts';

export class MediaServer {
  readonly pool: MediaWorkerPool;
  readonly #log: Logger | undefined;
  /** promises, so that two requests opening the same room at once get the same one */
  readonly #rooms = new Map<string, Promise<Room>>();

  private constructor(pool: MediaWorkerPool, log: Logger | undefined) {
    this.pool = pool;
    this.#log = log;
  }

  static async start(settings: MediaSettings, log?: Logger): Promise<MediaServer> {
    return new MediaServer(await MediaWorkerPool.start(settings, log), log);
  }

  /** The room with this id, created on the least-loaded worker if it is not open. */
  openRoom(roomId: string): Promise<Room> {
    let room = this.#rooms.get(roomId);
    if (!room) {
      room = Room.create(roomId, this.pool, this.#log);
      this.#rooms.set(roomId, room);
      room.then(
        (opened) => opened.once('closed', () => this.#rooms.delete(roomId)),
        () => this.#rooms.delete(roomId),
      );
    }
    return room;
  }

  async room(roomId: string): Promise<Room | undefined> {
    return this.#rooms.get(roomId);
  }

  get openRoomIds(): string[] {
    return [...this.#rooms.keys()];
  }

  async close(): Promise<void> {
    const rooms = await Promise.allSettled(this.#rooms.values());
    for (const result of rooms) if (result.status === 'fulfilled') result.value.close();
    this.pool.close();
  }
}

/**
 * Starts the MediaServer on first use: most servers (and most test servers) never hold a consultation, and
 * worker processes cost a core's worth of threads and memory each. A failed start is not remembered, so a later
 * request tries again (after `npm run media:worker`, say).
 */
export class MediaServerHolder {
  readonly #settings: MediaSettings;
  readonly #log: Logger | undefined;
  #server: Promise<MediaServer> | undefined;
  #closed = false;

  constructor(settings: MediaSettings, log?: Logger) {
    this.#settings = settings;
    this.#log = log;
  }

  get(): Promise<MediaServer> {
    if (this.#closed) return Promise.reject(new Error('the media server is closed'));
    if (!this.#server) {
      const starting = MediaServer.start(this.#settings, this.#log);
      this.#server = starting;
      starting.catch((error: unknown) => {
        this.#log?.error({ err: error }, 'media server did not start');
        if (this.#server === starting) this.#server = undefined;
      });
    }
    return this.#server;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const server = await this.#server?.catch(() => undefined);
    await server?.close();
  }
}
