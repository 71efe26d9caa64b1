// Migration 0022 backfills the dashboard's rollup with the very statements rebuildDashboardRollup runs
// (server/dashboard/rollup.ts backfillStatements, the default SLA): the migration's text holds them, parameters
// written in, on both databases. (That the text runs is schema-agreement.test.ts: every migration is applied.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backfillStatements } from '../../server/dashboard/rollup.ts';
import { DEFAULT_SLA, parseSla } from '../../server/reading/sla.ts';

const MIGRATIONS = join(import.meta.dirname, '../../server/db/migrations');
const squeeze = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const literal = (value: unknown) => {
  if (typeof value !== 'string') throw new Error(`unexpected parameter ${String(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
};

describe.each(['sqlite', 'postgresql'] as const)('migration 0022 (%s)', (provider) => {
  it('backfills the rollup with the statements of rebuildDashboardRollup', () => {
    const migration = squeeze(readFileSync(join(MIGRATIONS, provider, '0022_dashboard_rollup.sql'), 'utf8'));
    const statements = backfillStatements(provider, parseSla(DEFAULT_SLA));
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      let i = 0;
      const text =
        provider === 'postgresql'
          ? statement.text.replace(/\$(\d+)/g, (_, n: string) => literal(statement.values[Number(n) - 1]))
          : statement.sql.replace(/\?/g, () => literal(statement.values[i++]));
      expect(migration).toContain(`${squeeze(text)};`);
    }
  });
});
