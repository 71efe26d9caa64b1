// The two kinds of reader `npm run bench:queue` can hold: socket.io-client, as in the browsers, or a bare
// WebSocket speaking just enough Engine.IO/Socket.IO to connect, answer pings and parse each event (cheaper, to
// tell the harness's own cost from the servers').
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { CaseChangedEvent, ServerToClientEvents } from '../../shared/events.ts';

export type Reader = { close(): void };
export type ReaderFactory = (url: string, cookie: string, onCaseChanged: (e: CaseChangedEvent) => void) => Promise<Reader>;

export const socketIoReader: ReaderFactory = (url, cookie, onCaseChanged) => {
  const socket: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], extraHeaders: { cookie } });
  socket.on('case:changed', onCaseChanged);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
};

/**
 * Engine.IO 4 over a WebSocket: "0{…}" opens (answered with Socket.IO's connect, "40"), "2" pings (answered "3"),
 * "4" carries a Socket.IO packet: "40…" connected, "44…" refused, "42[name, payload]" an event.
 */
export const lightReader: ReaderFactory = (url, cookie, onCaseChanged) => {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie } });
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('42')) {
        const [name, payload] = JSON.parse(text.slice(2)) as [string, CaseChangedEvent];
        if (name === 'case:changed') onCaseChanged(payload);
      } else if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) resolve({ close: () => ws.close() });
      else if (text.startsWith('44')) reject(new Error(`refused: ${text}`));
    });
    ws.once('error', reject);
  });
};
