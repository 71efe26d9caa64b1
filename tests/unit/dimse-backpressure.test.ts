// The C-STORE socket pauses while staging is behind and reads again once the stream has room, including when the
// write that filled the stream was the instance's last (Node emits no 'drain' after end()): CI once hung there.
import { createServer, connect, type Socket, type Server } from 'node:net';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pauseSocketWhileFull } from '../../server/dimse/backpressure.ts';

let server: Server;
let client: Socket;
let accepted: Socket;

beforeEach(async () => {
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const [socket] = (await Promise.all([once(server, 'connection'), (client = connect(port, '127.0.0.1'))])) as unknown as [[Socket]];
  accepted = socket[0];
  accepted.on('data', () => undefined);
});
afterEach(async () => {
  client.destroy();
  accepted.destroy();
  await new Promise((r) => server.close(r));
});

const fullStream = () => {
  const stream = new PassThrough({ highWaterMark: 16 });
  pauseSocketWhileFull(accepted, stream);
  expect(stream.write(Buffer.alloc(64))).toBe(false);
  return stream;
};

/** true once `socket` delivers a byte sent by the peer */
const reads = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 300);
    socket.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    client.write('x');
  });

it('stops reading while the stream is full, and reads again on drain', async () => {
  const stream = fullStream();
  expect(accepted.isPaused()).toBe(true);
  expect(await reads(accepted)).toBe(false);
  stream.resume(); // staging catches up
  expect(await reads(accepted)).toBe(true);
  expect(accepted.isPaused()).toBe(false);
});

it('reads again when the write that filled the stream was its last', async () => {
  const stream = fullStream();
  stream.end();
  expect(accepted.isPaused()).toBe(true);
  stream.resume();
  await once(stream, 'end');
  expect(await reads(accepted)).toBe(true);
});

it('reads again when staging gives up and destroys the stream', async () => {
  const stream = fullStream();
  stream.on('error', () => undefined);
  const closed = new Promise((r) => stream.once('close', r));
  stream.destroy(new Error('too large'));
  await closed;
  expect(await reads(accepted)).toBe(true);
});

it('leaves the socket alone while the stream has room', () => {
  const stream = new PassThrough({ highWaterMark: 1024 });
  pauseSocketWhileFull(accepted, stream);
  expect(stream.write(Buffer.alloc(10))).toBe(true);
  expect(accepted.isPaused()).toBe(false);
});
