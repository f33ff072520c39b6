import type { Config } from '../../config.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { AnalyticsError } from '../../errors.ts';
import { formatDifference, storedSpan, verify } from '../../verify.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseDateRange } from '../date-range.ts';
import { parseFlags } from '../options.ts';

export async function verifyCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values } = parseFlags(argv, { from: { type: 'string' }, to: { type: 'string' } });
  const range = parseDateRange(values.from, values.to);
  const pool = await createDatabasePool(requireDatabaseUrl(config), { maximumPoolSize: 1, statementTimeout: 'DISABLE_TIMEOUT' });
  try {
    const stored = await storedSpan(pool);
    const from = range?.from ?? stored.first_day;
    const to = range?.to ?? stored.last_day;
    if (!from || !to) {
      console.log('verify: nothing stored yet (run `praxis-analytics refresh` first)');
      return;
    }
    const differences = await verify(pool, from, to);
    for (const difference of differences) console.log(formatDifference(difference));
    if (differences.length > 0) {
      throw new AnalyticsError(`verify: ${differences.length} stored aggregates differ from a recomputation in ${from} .. ${to}`);
    }
    console.log(`verify: every stored aggregate in ${from} .. ${to} matches a recomputation`);
  } finally {
    await pool.end();
  }
}
