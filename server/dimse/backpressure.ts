// Back-pressure from a C-STORE's staging stream to the association's socket. dcmjs-dimse writes every PDV into
// the stream without looking at write()'s answer, so the socket itself must stop reading while staging is behind.
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';

/**
 * Wraps `stream.write` so that a full buffer pauses `socket` until the stream has room again.
 * "Room again" is 'drain', or the stream's end: Node emits no 'drain' once end() has been called, and the last
 * PDV of an instance is often the write that fills the buffer. Waiting for 'drain' alone left the socket paused
 * for good, so the device's A-RELEASE (or its next C-STORE) was never read.
 */
export function pauseSocketWhileFull(socket: Socket, stream: Writable): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    const ok = write(...args);
    if (!ok && !socket.isPaused()) {
      socket.pause();
      const resume = () => {
        for (const event of ['drain', 'finish', 'close'] as const) stream.off(event, resume);
        socket.resume();
      };
      for (const event of ['drain', 'finish', 'close'] as const) stream.once(event, resume);
    }
    return ok;
  }) as typeof stream.write;
}
