// Child process for the crash test: stages an endless upload into a blob store and reports once bytes are
// on disk, then waits to be killed (SIGKILL: no cleanup code gets to run, as in a power cut).
import { Readable } from 'node:stream';
import { FsBlobStore } from '../../storage/fs-blob-store.ts';

const store = new FsBlobStore(process.argv[2]!);
await store.init();
let sent = 0;
const endless = new Readable({
  read() {
    sent += 1;
    if (sent === 64) process.stdout.write('writing\n');
    setTimeout(() => this.push(Buffer.alloc(64 * 1024, 7)), sent < 64 ? 0 : 50);
  },
});
await store.stage(endless);
