import type { Config } from '../../config.ts';
import { connectPgPool } from '../../db/pg-pool.ts';
import { changeReportingTimezone, storedTimezone, type StoredTimezone } from '../../timezone.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseFlags } from '../options.ts';
import { UsageError } from '../usage-error.ts';

export async function timezoneCommand(argv: readonly string[], config: Config): Promise<void> {
  const { positionals } = parseFlags(argv, {}, 2);
  const [action, zone] = positionals;
  if (action !== undefined && action !== 'set') throw new UsageError(`timezone "${action}": expected no argument or set ZONE`);
  if (action === 'set' && zone === undefined) throw new UsageError('timezone set: expected a zone, such as UTC or Australia/Sydney');
  const pool = await connectPgPool(requireDatabaseUrl(config), { max: 1 });
  try {
    const stored = await storedTimezone(pool);
    if (zone === undefined) {
      console.log(`timezone: ${stored.zone} (${stored.chosen_at ? `chosen ${stored.chosen_at.toISOString()}` : 'the default, not chosen yet'}); ${describeStored(stored)}`);
      return;
    }
    if (zone !== stored.zone) {
      console.log(`timezone: changing ${stored.zone} to ${zone}: rebuilding ${describeStored(stored)} in one transaction; readers keep the ${stored.zone} numbers until it commits`);
    }
    const changed = await changeReportingTimezone(pool, zone);
    console.log(changed ? `timezone: the database reports in ${zone} now` : `timezone: the database already reports in ${zone}`);
  } finally {
    await pool.end();
  }
}

function describeStored(stored: StoredTimezone): string {
  if (!stored.first_day || !stored.stored_through) return 'no days stored';
  const days = (Date.parse(stored.stored_through) - Date.parse(stored.first_day)) / 86_400_000 + 1;
  return `${days} stored days (${stored.first_day} .. ${stored.stored_through})`;
}
