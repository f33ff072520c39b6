import type { Config } from '../../config.ts';
import { connectPgPool } from '../../db/pg-pool.ts';
import { backfill, DEFAULT_MONTHS_PER_CHUNK, describeBatch, describeRun, refreshDue } from '../../refresh.ts';
import { adoptReportingTimezone } from '../../timezone.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseDateRange } from '../date-range.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';
import { UsageError } from '../usage-error.ts';
import { createProgress } from '../progress.ts';

export async function refreshCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values } = parseFlags(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    force: { type: 'boolean' },
    'months-per-chunk': { type: 'string' },
  });
  const range = parseDateRange(values.from, values.to);
  if ((values.force || values['months-per-chunk'] !== undefined) && !range) {
    throw new UsageError('--force and --months-per-chunk go with --from and --to');
  }
  const monthsPerChunk = values['months-per-chunk'] === undefined
    ? DEFAULT_MONTHS_PER_CHUNK
    : flagValue('months-per-chunk', wholeNumber(1, 120), values['months-per-chunk']);
  const pool = await connectPgPool(requireDatabaseUrl(config), { max: 1 });
  const stopRequested = new AbortController();
  const onSignal = () => stopRequested.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await adoptReportingTimezone(pool, config.timezone);
    if (!range) {
      const batches = await refreshDue(pool, {
        worker: 'cli',
        lockTimeoutMs: config.lockTimeoutMs,
        onBatch: (result) => console.log(`refresh: ${describeBatch(result)}: ${describeRun(result.run)}`),
      });
      if (batches.length === 0) console.log('refresh: nothing due');
      return;
    }
    const progress = createProgress('refresh');
    const runs = await backfill(pool, {
      ...range,
      force: values.force ?? false,
      monthsPerChunk,
      worker: 'cli',
      lockTimeoutMs: config.lockTimeoutMs,
      signal: stopRequested.signal,
      onChunk: ({ done, total, chunk, run }) => progress.step(done, total, `${chunk.starts[0]?.slice(0, 7)}..${chunk.starts.at(-1)?.slice(0, 7)}: ${describeRun(run)}`),
    });
    progress.finish();
    const recomputed = runs.filter((run) => run.outcome === 'refreshed').length;
    const stopped = stopRequested.signal.aborted ? 'stopped early; run the same command again to resume. ' : '';
    console.log(`refresh: ${stopped}${recomputed} of ${runs.length} chunks recomputed, ${runs.length - recomputed} already fresh`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.end();
  }
}
