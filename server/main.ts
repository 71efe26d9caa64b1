// npm start: run teledx with the configuration from the environment and tell the user where to go.
import { loadConfig } from './config.ts';
import { DEMO_ACCOUNTS } from './consortium/demo-seed.ts';
import { startServer } from './server.ts';

const config = loadConfig();
const server = await startServer(config);
const lines = [
  '',
  `  teledx is running at ${server.url}`,
  `  database: ${server.ctx.provider}${server.ctx.provider === 'sqlite' ? ` (${config.databaseUrl.slice(5)})` : ''}; files: ${config.dataDir}`,
];
if (config.seedDemo) {
  lines.push(
    server.seeded ? '  demo consortium seeded (县人民医院 and its township health centres)' : '  demo accounts (if this database was seeded by teledx):',
    ...DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(8)} ${a.description}`),
    `  password for all demo accounts: ${config.demoPassword}  (set TELEDX_DEMO_PASSWORD to change)`,
  );
}
console.log(lines.join('\n') + '\n');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close().then(() => process.exit(0));
  });
}
