// Worker thread for header-parser-pool.ts: runs the header parse (header-parse.mjs) on a file's first bytes, off the
// event loop. Parsing is synchronous and its cost follows the bytes, not the file: 64 MiB of tiny elements takes
// seconds, and a small deflated file can inflate to that.
import { parentPort } from 'node:worker_threads';
import { parseHeaderElements } from './header-parse.mjs';

parentPort.on('message', ({ id, bytes, inflated }) => {
  parentPort.postMessage({ id, ...parseHeaderElements(bytes, inflated) });
});
