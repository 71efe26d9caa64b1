// One video on screen (a participant's camera or shared screen, or this browser's own preview) and the others'
// sound, which plays from audio elements of its own so that a tile can stay muted.
import { useEffect, useRef, type HTMLAttributes } from 'react';

/** A track in a <video>; `mirrored` for one's own camera, as a mirror shows it. */
export function VideoTile({
  track,
  label,
  mirrored = false,
  muted = true,
  placeholder,
  videoProps,
}: {
  track: MediaStreamTrack | null;
  label: string;
  mirrored?: boolean;
  muted?: boolean;
  /** shown instead of the picture (the camera is off) */
  placeholder?: string;
  /** data-* hooks and the like, on the <video> itself */
  videoProps?: HTMLAttributes<HTMLVideoElement> & Record<`data-${string}`, string | number | undefined>;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = track ? new MediaStream([track]) : null;
    // autoplay may be refused until the page has had a click; the room's buttons give one
    if (track) void video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [track]);
  return (
    <figure className="consult-tile">
      <video ref={ref} className={mirrored ? 'mirrored' : undefined} autoPlay playsInline muted={muted} {...videoProps} />
      {placeholder && <div className="consult-tile-placeholder">{placeholder}</div>}
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** Another participant's microphone, heard but not seen. */
export function RemoteAudio({ track, peerId }: { track: MediaStreamTrack; peerId: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = new MediaStream([track]);
    void audio.play().catch(() => undefined);
    return () => {
      audio.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" data-peer-id={peerId} />;
}
