// A share of `npm run bench:queue`'s readers, in a process of its own. A browser reads only its own socket; all
// 1,000 readers in one process would read every event one after another (~25 µs each with socket.io-client), so
// the last reader's figure would be mostly this harness queueing. Asked over IPC: `connect` (these readers' cookies
// and servers; answers `connected`), `report` (every submit event's arrival so far and this process's CPU time).
import type { CaseChangedEvent } from '../../shared/events.ts';
import { lightReader, socketIoReader, type Reader } from './queue-clients.ts';

export type ReadersRequest = { type: 'connect'; urls: string[]; cookies: string[]; client: 'socket.io' | 'light' } | { type: 'report' };
/** arrivals: [case id, arrival time (ms since the epoch), the server's emit time from the event] */
export type ReadersReply = { type: 'connected' } | { type: 'report'; arrivals: [string, number, number][]; cpuMicros: number };

const readers: Reader[] = [];
const arrivals: [string, number, number][] = [];
const reply = (message: ReadersReply) => process.send!(message);

const onCaseChanged = (e: CaseChangedEvent) => {
  if (e.event === 'submit') arrivals.push([e.case.id, Date.now(), Date.parse(e.at)]);
};

process.on('message', async (request: ReadersRequest) => {
  if (request.type === 'connect') {
    const connect = request.client === 'socket.io' ? socketIoReader : lightReader;
    for (let i = 0; i < request.cookies.length; i += 100) {
      const batch = request.cookies
        .slice(i, i + 100)
        .map((cookie, j) => connect(request.urls[(i + j) % request.urls.length]!, cookie, onCaseChanged));
      readers.push(...(await Promise.all(batch)));
    }
    reply({ type: 'connected' });
  } else {
    const { user, system } = process.cpuUsage();
    reply({ type: 'report', arrivals, cpuMicros: user + system });
  }
});
process.on('disconnect', () => {
  readers.forEach((r) => r.close());
  process.exit(0);
});
