// The OpenJPEG WebAssembly codec ships no declarations: an Emscripten module factory.
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: { locateFile?: (path: string) => string; print?: (text: string) => void }) => Promise<unknown>;
  export default factory;
}
