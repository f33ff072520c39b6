import type { Config } from '../../config.ts';
import { startScheduler } from '../../scheduler/scheduler.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';
import { listenForStop } from '../signals.ts';

export async function workerCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values } = parseFlags(argv, {
    schema: { type: 'string' },
    'heartbeat-seconds': { type: 'string' },
    'retry-delay-seconds': { type: 'string' },
    'poll-seconds': { type: 'string' },
    'supervise-seconds': { type: 'string' },
  });
  const seconds = (flag: keyof typeof values, min: number) =>
    values[flag] === undefined ? undefined : flagValue(flag, wholeNumber(min, 86_400), values[flag]);
  // flags first: a usage mistake is reported before anything else
  const tuning = {
    ...(values.schema === undefined ? {} : { schema: values.schema }),
    ...optional('heartbeatSeconds', seconds('heartbeat-seconds', 10)),
    ...optional('retryDelaySeconds', seconds('retry-delay-seconds', 1)),
    ...optional('pollingIntervalSeconds', seconds('poll-seconds', 1)),
    ...optional('superviseIntervalSeconds', seconds('supervise-seconds', 1)),
  };
  const databaseUrl = requireDatabaseUrl(config);
  const stop = listenForStop();
  try {
    const scheduler = await startScheduler({ databaseUrl, ...(config.timezone ? { timezone: config.timezone } : {}), signal: stop.signal, ...tuning });
    await stop.stopped();
    await scheduler.stop();
  } finally {
    stop.dispose();
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
