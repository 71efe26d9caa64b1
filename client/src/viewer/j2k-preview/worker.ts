// The JPEG 2000 preview decoder, in its own worker so that the page stays responsive. One request at a time
// (the viewer asks for the first image of a stack); the wasm module loads once, when the worker starts.
import openJpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import wasmUrl from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import { decodeReduced, type J2kDecoder } from './decode.ts';

export interface PreviewRequest {
  id: number;
  codestream: Uint8Array;
  size: { width: number; height: number };
  minimumSide: number;
}
export type PreviewResponse =
  { id: number; ok: true; image: import('./decode.ts').ReducedImage } | { id: number; ok: false; message: string };

// print: OpenJPEG logs an [INFO] line per header it reads; errors still reach the console
const codec = openJpegFactory({ locateFile: () => wasmUrl, print: () => {} }) as Promise<{ J2KDecoder: new () => J2kDecoder }>;

self.onmessage = async (event: MessageEvent<PreviewRequest>) => {
  const { id, codestream, size, minimumSide } = event.data;
  try {
    const { J2KDecoder } = await codec;
    const image = decodeReduced(() => new J2KDecoder(), codestream, size, minimumSide);
    postMessage({ id, ok: true, image } satisfies PreviewResponse, { transfer: [image.bytes] });
  } catch (error) {
    postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies PreviewResponse);
  }
};
