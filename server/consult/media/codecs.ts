// The codecs every consultation room's router offers (as in mediasoup-demo): Opus for voice; VP8 for camera and
// screen sharing, which every WebRTC browser encodes; H.264 constrained baseline for devices whose hardware
// encoder only does H.264 (older iOS, some Android tablets used in township clinics).
import type { types } from 'mediasoup';

export const ROUTER_MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
