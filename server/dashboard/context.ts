import type { Db, Provider } from '../db/client.ts';
import type { SlaPolicy } from '../reading/sla.ts';

/** What the dashboard's figures need of the app context. */
export interface DashboardContext {
  db: Db;
  provider: Provider;
  config: { sla: SlaPolicy };
}
