import type { Config } from '../../config.ts';
import { migrate } from '../../migrate.ts';
import { describePendingDays } from '../../pending-days.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';
import { UsageError } from '../usage-error.ts';

export async function migrateCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values, positionals } = parseFlags(argv, { count: { type: 'string' } }, 1);
  const direction = positionals[0] ?? 'up';
  if (direction !== 'up' && direction !== 'down') {
    throw new UsageError(`migrate "${direction}": expected up or down`);
  }
  const count = values.count === undefined ? undefined : flagValue('count', wholeNumber(1, 10_000), values.count);
  const result = await migrate({
    databaseUrl: requireDatabaseUrl(config),
    direction,
    ...(count === undefined ? {} : { count }),
    timezone: config.timezone,
    capture: config.capture,
    lockTimeoutMs: config.lockTimeoutMs,
    log: (line) => console.error(line),
  });
  if (result.applied.length === 0) {
    console.log(direction === 'up' ? 'migrate: already up to date' : 'migrate: nothing to revert');
  } else {
    for (const name of result.applied) console.log(`migrate ${direction}: ${name}`);
  }
  if (result.pending) console.log(`migrate: ${describePendingDays(result.pending)}`);
}
