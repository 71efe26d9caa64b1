// The OpenJPEG WebAssembly codec ships no declarations: an Emscripten module factory.
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: { locateFile?: (path: string) => string }) => Promise<unknown>;
  export default factory;
}
