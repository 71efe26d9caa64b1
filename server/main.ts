// npm start: run teledx with the configuration from the environment and tell the user where to go.
import { loadConfig } from './config.ts';
import { demoLoginLines } from './consortium/demo-seed.ts';
import { mediaWorkerStatus } from './consult/media/worker-binary.ts';
import { startServer } from './server.ts';

const config = loadConfig();
const server = await startServer(config);
const consultations = await mediaWorkerStatus();
const lines = [
  '',
  `  teledx is running at ${server.url}${isLoopback(config.host) ? ' (this machine only: HOST=0.0.0.0 serves the network)' : ''}`,
  `  database: ${server.ctx.provider}${server.ctx.provider === 'sqlite' ? ` (${config.databaseUrl.slice(5)})` : ''}; files: ${config.dataDir}`,
  consultations.available ? '  live consultations: on' : `  live consultations: OFF, ${consultations.detail}`,
  server.dicomPort === null
    ? '  DICOM port: off (TELEDX_DICOM_PORT=off)'
    : `  DICOM port: ${server.dicomPort}, AE title ${config.dicom.aeTitle} (devices registered under /api/devices; e.g. storescu -aet TOWNSHIP1 -aec ${config.dicom.aeTitle} <host> ${server.dicomPort} file.dcm)`,
  ...demoLoginLines(config.demo, server.seeded),
];
console.log(lines.join('\n') + '\n');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close().then(() => process.exit(0));
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
