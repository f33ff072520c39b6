import type { Config } from '../../config.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { formatSummary, summarizeDatabase } from '../../summary.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseFlags } from '../options.ts';

export async function summaryCommand(argv: readonly string[], config: Config): Promise<void> {
  parseFlags(argv, {});
  const pool = await createDatabasePool(requireDatabaseUrl(config), { maximumPoolSize: 1 });
  try {
    console.log(formatSummary(await summarizeDatabase(pool)));
  } finally {
    await pool.end();
  }
}
