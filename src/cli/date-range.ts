import { z } from 'zod';
import { flagValue } from './options.ts';
import { UsageError } from './usage-error.ts';

const isoDate = z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' });

/** --from/--to: both or neither, valid dates, from <= to. */
export function parseDateRange(from: unknown, to: unknown): { from: string; to: string } | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined || to === undefined) throw new UsageError('--from and --to go together: give both or neither');
  const range = { from: flagValue('from', isoDate, from), to: flagValue('to', isoDate, to) };
  if (range.from > range.to) throw new UsageError(`--from ${range.from} is after --to ${range.to}`);
  return range;
}
