// What the media server needs from the configuration (server/config.ts reads it from the environment; tests and
// the benchmark build it directly).

/** An ICE server as a browser's RTCPeerConnection takes it (passed to clients as is). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface MediaSettings {
  /** mediasoup worker processes; each uses at most one core */
  workers: number;
  /** UDP/TCP ports for WebRTC and plain transports, shared by every worker */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** address the transports listen on */
  listenIp: string;
  /** address put in ICE candidates instead of listenIp, when the server sits behind NAT */
  announcedAddress?: string;
  /**
   * Consumers a worker should carry before a room places new receiving transports on another worker (and pipes
   * its producers there). mediasoup documents ~500 consumers per worker; see `npm run bench:sfu`.
   */
  consumersPerWorker: number;
  /** STUN/TURN servers handed to clients with every WebRTC transport */
  iceServers: IceServer[];
}
