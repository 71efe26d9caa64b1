import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const wadoDynamicDir = fileURLToPath(new URL('./node_modules/cornerstone-wado-image-loader/dist/dynamic-import/', import.meta.url));

/**
 * The WADO image loader's "dynamic-import" build: a ~130 kB main file whose web worker and codecs (JPEG 2000,
 * JPEG-LS, JPEG, their wasm) load only when an image needs them, instead of the ~2 MB default build the browser
 * must parse before the first image. Its webpack runtime finds the worker next to the page's last <script>, which
 * is our entry chunk in assets/, so the worker, codec chunks and wasm files are emitted there under their own names.
 */
function wadoLoaderWorkerFiles(): Plugin {
  return {
    name: 'teledx-wado-loader-worker-files',
    apply: 'build',
    generateBundle() {
      for (const name of readdirSync(wadoDynamicDir)) {
        if (name.endsWith('.map') || name === 'cornerstoneWADOImageLoader.min.js') continue;
        this.emitFile({ type: 'asset', fileName: `assets/${name}`, source: readFileSync(wadoDynamicDir + name) });
      }
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [react(), wadoLoaderWorkerFiles()],
  resolve: {
    alias: [{ find: /^cornerstone-wado-image-loader$/, replacement: `${wadoDynamicDir}cornerstoneWADOImageLoader.min.js` }],
  },
  build: {
    outDir: fileURLToPath(new URL('./client/dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // The client imports the request schemas and types from ../shared, outside the Vite root.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
