import { z } from 'zod';
import type { Config } from '../../config.ts';
import { seed, type SeedOptions, type SeedResult } from '../../seed.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';

export const SEED_DEFAULTS = { users: 2000, days: 365, seed: 1, sessionsPerUser: 50 } as const;

const seedFlags = {
  users: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  'sessions-per-user': { type: 'string' },
  end: { type: 'string' },
} as const;

const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp such as 2026-11-28T12:00:00Z' });

/** The current minute: a default end that is "now" yet stable within a run. */
const currentMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000);

export type SeedFlags = Omit<SeedOptions, 'databaseUrl'>;

export function parseSeedFlags(argv: readonly string[]): SeedFlags {
  const { values } = parseFlags(argv, seedFlags);
  return {
    users: values.users === undefined ? SEED_DEFAULTS.users : flagValue('users', wholeNumber(1, 10_000_000), values.users),
    days: values.days === undefined ? SEED_DEFAULTS.days : flagValue('days', wholeNumber(1, 3650), values.days),
    seed: values.seed === undefined ? SEED_DEFAULTS.seed : flagValue('seed', wholeNumber(0, 1_000_000_000), values.seed),
    sessionsPerUser:
      values['sessions-per-user'] === undefined
        ? SEED_DEFAULTS.sessionsPerUser
        : flagValue('sessions-per-user', wholeNumber(0, 1000), values['sessions-per-user']),
    endAt: values.end === undefined ? currentMinute() : new Date(flagValue('end', timestamp, values.end)),
  };
}

export function formatSeedResult(result: SeedResult): string {
  const { counts } = result;
  return (
    `seed: ${counts.users} users, ${counts.scenarios} scenarios, ${counts.sessions} sessions, ` +
    `${counts.feedback_reports} feedback reports, ${counts.subscriptions} subscriptions ` +
    `(load ${result.loadSeconds.toFixed(1)} s, keys and indexes ${result.constraintSeconds.toFixed(1)} s)`
  );
}

export async function seedCommand(argv: readonly string[], config: Config): Promise<void> {
  const flags = parseSeedFlags(argv);
  console.log(formatSeedResult(await seed({ ...flags, databaseUrl: requireDatabaseUrl(config) })));
}
