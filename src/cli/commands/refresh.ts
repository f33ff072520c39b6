import type { Config } from '../../config.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { formatRefreshSummary, refresh } from '../../refresh.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseDateRange } from '../date-range.ts';
import { parseFlags } from '../options.ts';

export const refreshHelp = `refresh [--from DATE --to DATE]
    One refresh pass now: every bucket that is due or invalidated, oldest
    first, in one transaction. With a range, also recompute those local days.`;

export async function refreshCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values } = parseFlags(argv, { from: { type: 'string' }, to: { type: 'string' } });
  const range = parseDateRange(values.from, values.to);
  // A backfill of years runs for minutes: no statement timeout here.
  const pool = await createDatabasePool(requireDatabaseUrl(config), { maximumPoolSize: 1, statementTimeout: 'DISABLE_TIMEOUT' });
  try {
    const summary = await refresh(pool, { timezone: config.timezone, ...(range ? { range } : {}) });
    console.log(formatRefreshSummary(summary));
  } finally {
    await pool.end();
  }
}
