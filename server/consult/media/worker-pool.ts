// The mediasoup worker processes (C++, one core each) and where new routers go. A worker that dies is replaced
// by a new one; the rooms that had a router on it re-create their media themselves (room.ts), on whichever
// worker is least loaded by then.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../../logger.ts';
import { ROUTER_MEDIA_CODECS } from './codecs.ts';
import { MediaError } from './room.ts';
import type { MediaSettings } from './settings.ts';
import { mediaWorkerStatus } from './worker-binary.ts';

/** What a worker carries; consumers are what its CPU time grows with (`npm run bench:sfu`). */
export interface WorkerLoad {
  routers: number;
  consumers: number;
}

/** A router and the worker process it lives in (mediasoup's Router does not say). */
export interface PlacedRouter {
  router: types.Router;
  worker: types.Worker;
}

interface PoolEvents {
  /** a worker process ended unexpectedly; its routers are already closed */
  workerdied: [worker: types.Worker];
  /** a worker was started to take a dead one's place */
  workerstarted: [worker: types.Worker];
}

export class MediaWorkerPool extends EventEmitter<PoolEvents> {
  readonly #settings: MediaSettings;
  readonly #log: Logger | undefined;
  readonly #loads = new Map<types.Worker, WorkerLoad>();
  /** replacements being started: createRouter waits for them when no worker is alive */
  readonly #starting = new Set<Promise<types.Worker>>();
  #closed = false;

  private constructor(settings: MediaSettings, log: Logger | undefined) {
    super();
    this.#settings = settings;
    this.#log = log;
  }

  static async start(settings: MediaSettings, log?: Logger): Promise<MediaWorkerPool> {
    const worker = await mediaWorkerStatus();
    if (!worker.available) throw new MediaError('CONSULTATIONS_UNAVAILABLE', worker.detail);
    const pool = new MediaWorkerPool(settings, log);
    try {
      await Promise.all(Array.from({ length: settings.workers }, () => pool.#startWorker()));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get settings(): MediaSettings {
    return this.#settings;
  }

  /** The live workers. */
  get workers(): types.Worker[] {
    return [...this.#loads.keys()].filter((worker) => !worker.closed);
  }

  load(worker: types.Worker): WorkerLoad {
    return { ...(this.#loads.get(worker) ?? { routers: 0, consumers: 0 }) };
  }

  /**
   * A router on the least-loaded live worker (fewest consumers, then fewest routers), avoiding `avoid` when
   * another worker is alive. With every worker dead, waits for a replacement.
   */
  async createRouter(avoid: ReadonlySet<types.Worker> = new Set()): Promise<PlacedRouter> {
    if (this.#closed) throw new Error('the media worker pool is closed');
    // A dying worker closes its routers before it reports `died`: a room that restarts from its router's
    // `workerclose` gets here first, and the replacement must be on its way before we look for workers.
    for (const worker of this.#loads.keys()) if (worker.died) this.#replace(worker);
    let candidates = this.workers;
    if (candidates.length === 0 && this.#starting.size > 0) {
      candidates = [await Promise.race(this.#starting)];
    }
    if (candidates.length === 0) throw new Error('no mediasoup worker is running');
    const preferred = candidates.filter((worker) => !avoid.has(worker));
    const worker = leastLoaded(preferred.length > 0 ? preferred : candidates, (w) => this.load(w));
    return { router: await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS }), worker };
  }

  close(): void {
    this.#closed = true;
    for (const worker of this.#loads.keys()) worker.close();
    this.#loads.clear();
  }

  async #startWorker(): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.#settings.rtcMinPort,
      rtcMaxPort: this.#settings.rtcMaxPort,
    });
    if (this.#closed) {
      worker.close();
      throw new Error('the media worker pool closed while a worker started');
    }
    this.#loads.set(worker, { routers: 0, consumers: 0 });
    this.#countLoad(worker);
    worker.on('died', (error) => this.#replace(worker, error));
    this.#log?.info({ pid: worker.pid }, 'mediasoup worker started');
    return worker;
  }

  /** Counts routers and consumers (pipe consumers included: they cost the worker as much) as they come and go. */
  #countLoad(worker: types.Worker): void {
    const load = this.#loads.get(worker)!;
    worker.observer.on('newrouter', (router) => {
      load.routers++;
      router.observer.once('close', () => load.routers--);
      router.observer.on('newtransport', (transport) => {
        transport.observer.on('newconsumer', (consumer) => {
          load.consumers++;
          consumer.observer.once('close', () => load.consumers--);
        });
      });
    });
  }

  #replace(deadWorker: types.Worker, error?: Error): void {
    if (!this.#loads.delete(deadWorker)) return; // already replaced
    this.#log?.error({ pid: deadWorker.pid, err: error }, 'mediasoup worker died; starting another');
    this.emit('workerdied', deadWorker);
    if (this.#closed) return;
    const replacement = this.#startWorker();
    this.#starting.add(replacement);
    replacement
      .then((started) => this.emit('workerstarted', started))
      .catch((startError: unknown) => this.#log?.error({ err: startError }, 'could not start a mediasoup worker'))
      .finally(() => this.#starting.delete(replacement));
  }
}

function leastLoaded(workers: types.Worker[], load: (worker: types.Worker) => WorkerLoad): types.Worker {
  const weight = (worker: types.Worker) => [load(worker).consumers, load(worker).routers] as const;
  return workers.reduce((best, worker) => {
    const [c, r] = weight(worker);
    const [bestC, bestR] = weight(best);
    return c < bestC || (c === bestC && r < bestR) ? worker : best;
  });
}
