// What the report relations must hold for a history, from the metric
// definitions (docs/dba.md, "Catalogue") applied to the raw rows in TypeScript.
// Nothing here reads the package: no function, view or rollup of it, and no
// PostgreSQL time-zone arithmetic (local days come from Intl).
import type { History } from './edge-history.ts';
import { addDays, datesFrom, daysBetween, instantAt, localDate, mondayOf } from './local-time.ts';

export type PlatformDay = {
  day: string; sessions_started: number; sessions_completed: number; sessions_finished: number;
  scored_sessions: number; score_sum: number; practice_seconds: number; new_users: number;
  dau: number; wau: number; mau: number;
};
export type RetentionCell = { cohort_week: string; week_offset: number; cohort_size: number; retained: number };
export type CriterionDay = { day: string; criterion: string; reports: number; score_sum: number };
/** One row per month and currency: mrr_cents is the currency's, every other number is platform-wide. */
export type BusinessMonth = {
  month_start: string; currency: string | null; mrr_cents: number; active_users: number;
  paying_customers: number; new_customers: number; reactivated_customers: number; churned_customers: number;
  customers_at_start: number; active_subscriptions: number; new_subscriptions: number; churned_subscriptions: number;
  paying_subscriptions_at_start: number; trials_ending: number; trials_converted: number;
};
export type ExpectedReports = {
  /** The last local day a refresh stores: the day before the clock's local date. */
  through: string;
  /** The first local day with a session or a signup. */
  first: string;
  platformDaily: PlatformDay[];
  retentionWeekly: RetentionCell[];
  criteriaDaily: CriterionDay[];
  businessMonthly: BusinessMonth[];
};

export function expectedReports(history: History, clock: string): ExpectedReports {
  const zone = history.zone;
  const through = addDays(localDate(clock, zone), -1);
  const dayOf = (instant: string) => localDate(instant, zone);
  const reportOf = new Map(history.reports.map((r) => [r.session, r]));
  const sessions = history.sessions.map((s) => ({ ...s, day: dayOf(s.startedAt), report: reportOf.get(s.n) }));
  const signupDays = history.users.map((u) => ({ user: u.n, day: dayOf(u.createdAt) }));
  const first = [...sessions.map((s) => s.day), ...signupDays.map((u) => u.day)].sort()[0]!;
  const activeOn = new Map<string, Set<number>>();
  for (const s of sessions) {
    if (!activeOn.has(s.day)) activeOn.set(s.day, new Set());
    activeOn.get(s.day)!.add(s.user);
  }
  const distinctUsers = (from: string, to: string) => {
    const users = new Set<number>();
    for (const [day, who] of activeOn) if (day >= from && day <= to) for (const u of who) users.add(u);
    return users.size;
  };

  const platformDaily = datesFrom(first, through).map((day): PlatformDay => {
    const today = sessions.filter((s) => s.day === day);
    const completed = today.filter((s) => s.status === 'completed');
    const scored = completed.filter((s) => s.report);
    return {
      day,
      sessions_started: today.length,
      sessions_completed: completed.length,
      sessions_finished: today.filter((s) => s.status !== 'in_progress').length,
      scored_sessions: scored.length,
      score_sum: scored.reduce((sum, s) => sum + s.report!.scoreRaw, 0),
      practice_seconds: today.reduce((sum, s) => sum + (s.durationSeconds ?? 0), 0),
      new_users: signupDays.filter((u) => u.day === day).length,
      dau: distinctUsers(day, day),
      wau: distinctUsers(addDays(day, -6), day),
      mau: distinctUsers(addDays(day, -29), day),
    };
  });

  // finished ISO weeks of the stored span; a cohort is a week with signups
  const weeks: string[] = [];
  for (let w = mondayOf(first); addDays(w, 6) <= through; w = addDays(w, 7)) weeks.push(w);
  const retentionWeekly: RetentionCell[] = [];
  for (const cohortWeek of weeks) {
    const members = new Set(signupDays.filter((u) => mondayOf(u.day) === cohortWeek).map((u) => u.user));
    if (members.size === 0) continue;
    for (const activityWeek of weeks.filter((w) => w >= cohortWeek)) {
      const retained = new Set(sessions.filter((s) => members.has(s.user) && mondayOf(s.day) === activityWeek).map((s) => s.user));
      retentionWeekly.push({ cohort_week: cohortWeek, week_offset: daysBetween(cohortWeek, activityWeek) / 7, cohort_size: members.size, retained: retained.size });
    }
  }

  const criteria = new Map<string, CriterionDay>();
  for (const s of sessions) {
    if (!s.report || s.day > through) continue;
    for (const [criterion, value] of Object.entries(s.report.criteria ?? {})) {
      const key = `${s.day} ${criterion}`;
      const row = criteria.get(key) ?? { day: s.day, criterion, reports: 0, score_sum: 0 };
      row.reports += 1;
      row.score_sum += value;
      criteria.set(key, row);
    }
  }

  // finished calendar months of the stored span, bounded by local midnights
  const months: string[] = [];
  for (let m = `${first.slice(0, 7)}-01`; nextMonth(m) <= addDays(through, 1); m = nextMonth(m)) months.push(m);
  const subs = history.subscriptions.map((s) => ({
    user: s.user,
    currency: s.currency ?? 'USD',
    paidFrom: Date.parse(s.trialEndsAt ?? s.startedAt),
    trialEnds: s.trialEndsAt ? Date.parse(s.trialEndsAt) : null,
    ended: s.endedAt ? Date.parse(s.endedAt) : null,
    monthlyCents: (s.amountCents ?? 3900) / ({ month: 1, quarter: 3, year: 12 } as const)[s.billingInterval ?? 'month'],
  }));
  const payingAt = (instant: number) => subs.filter((s) => s.paidFrom <= instant && (s.ended === null || instant < s.ended));
  const usersOf = (list: typeof subs) => new Set(list.map((s) => s.user));
  const monthBounds = months.map((month) => ({
    month,
    starts: Date.parse(instantAt(month, '00:00', zone)),
    ends: Date.parse(instantAt(nextMonth(month), '00:00', zone)),
  }));
  const businessMonthly = monthBounds.flatMap(({ month, starts, ends }): BusinessMonth[] => {
    const trialsEnding = subs.filter((s) => s.trialEnds !== null && s.trialEnds >= starts && s.trialEnds < ends);
    const atStart = usersOf(payingAt(starts));
    const atEnd = usersOf(payingAt(ends));
    const paidBefore = usersOf(subs.filter((s) => s.paidFrom < starts && (s.ended === null || s.paidFrom < s.ended)));
    const arriving = [...atEnd].filter((u) => !atStart.has(u));
    const counts = {
      active_users: distinctUsers(month, addDays(nextMonth(month), -1)),
      paying_customers: atEnd.size,
      new_customers: arriving.filter((u) => !paidBefore.has(u)).length,
      reactivated_customers: arriving.filter((u) => paidBefore.has(u)).length,
      churned_customers: [...atStart].filter((u) => !atEnd.has(u)).length,
      customers_at_start: atStart.size,
      active_subscriptions: payingAt(ends).length,
      new_subscriptions: subs.filter((s) => s.paidFrom >= starts && s.paidFrom < ends && (s.ended === null || s.paidFrom < s.ended)).length,
      churned_subscriptions: subs.filter((s) => s.ended !== null && s.ended >= starts && s.ended < ends && s.ended > s.paidFrom).length,
      paying_subscriptions_at_start: payingAt(starts).length,
      trials_ending: trialsEnding.length,
      trials_converted: trialsEnding.filter((s) => s.ended === null || s.ended > s.trialEnds!).length,
    };
    // the month's currencies: those of a customer paying at its start or its end
    const currencies = [...new Set([...payingAt(starts), ...payingAt(ends)].map((s) => s.currency))].sort();
    if (currencies.length === 0) return [{ month_start: month, currency: null, mrr_cents: 0, ...counts }];
    return currencies.map((currency) => ({
      month_start: month,
      currency,
      mrr_cents: Math.round(payingAt(ends).filter((s) => s.currency === currency).reduce((sum, s) => sum + s.monthlyCents, 0) * 100) / 100,
      ...counts,
    }));
  });

  return { through, first, platformDaily, retentionWeekly, criteriaDaily: [...criteria.values()], businessMonthly };
}

function nextMonth(firstOfMonth: string): string {
  const d = new Date(`${firstOfMonth}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The rows that differ between `expected` and `actual`, matched on `key`:
 * missing, unexpected, or with other values. Empty when they agree.
 */
export function rowDifferences<T extends object>(expected: readonly T[], actual: readonly T[], key: (row: T) => string): string[] {
  const byKey = new Map(actual.map((row) => [key(row), row]));
  const found: string[] = [];
  for (const want of expected) {
    const got = byKey.get(key(want));
    byKey.delete(key(want));
    if (!got) found.push(`${key(want)}: missing, expected ${JSON.stringify(want)}`);
    else if (JSON.stringify(got) !== JSON.stringify(want)) found.push(`${key(want)}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  for (const [k, got] of byKey) found.push(`${k}: unexpected ${JSON.stringify(got)}`);
  return found;
}
