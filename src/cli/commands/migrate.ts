import type { Config } from '../../config.ts';
import { migrate } from '../../migrate.ts';
import { describePendingDays } from '../../pending-days.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, UsageError, wholeNumber } from '../options.ts';

export const migrateHelp = `migrate [up|down] [--count N]
    Apply pending migrations (up, the default) or revert the last N (down,
    default 1). Checks the server version and the source contract first;
    builds the sessions index concurrently; every statement waits at most
    ANALYTICS_LOCK_TIMEOUT (default 5s) for a lock, and a migration that
    timed out is rolled back and retried 3 times. Re-running is a no-op.
    Ends by saying which days of history are not stored yet, and the
    refresh command that stores them.`;

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
