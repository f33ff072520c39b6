// A small platform history for one reporting zone, with every row at an edge
// of a local day (00:00, 00:01, the minute before the UTC date changes, the
// minute it changes, 23:59), on days around each DST change of 2025 in both
// directions, with empty days between the active ones, a day with a single
// session and a day with a single signup. The same rules give every zone its
// own instants, so "the edge of a local day" is the zone's own.
import { addDays, dayEdges, instantAt } from './local-time.ts';
import type { ReportRow, ScenarioRow, SessionRow, SubscriptionRow, UserRow } from './fixtures.ts';

export type History = {
  readonly zone: string;
  readonly users: UserRow[];
  readonly scenarios: ScenarioRow[];
  readonly sessions: SessionRow[];
  readonly reports: ReportRow[];
  readonly subscriptions: SubscriptionRow[];
};

/** The zones every install path is tried in: UTC, east, west, and offsets of 45 minutes (Chatham's with DST). */
export const ZONES = ['UTC', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kathmandu', 'Pacific/Chatham'] as const;

/** "Now" for every install-path test: the last stored day is 5 November (6 November east of +12). */
export const CLOCK = '2025-11-06T12:00:00Z';

const ACTIVE_DAYS = [
  '2025-03-03', '2025-03-08', '2025-03-09', '2025-03-10', // Los Angeles springs forward on 9 March
  '2025-04-05', '2025-04-06', '2025-04-07', //               Sydney and Chatham fall back on 6 April
  '2025-09-27', '2025-09-28', '2025-09-29', //               Chatham springs forward on 28 September
  '2025-10-04', '2025-10-05', '2025-10-06', //               Sydney springs forward on 5 October
  '2025-11-01', '2025-11-02', '2025-11-03', //               Los Angeles falls back on 2 November
];
const LONE_SESSION_DAY = '2025-03-20';
const LONE_SIGNUP_DAY = '2025-05-14';
const STATUSES = ['completed', 'completed', 'abandoned', 'failed', 'in_progress', 'completed'] as const;

export function edgeHistory(zone: string): History {
  const at = (date: string, pick: number) => {
    const edges = dayEdges(date, zone);
    return instantAt(date, edges[pick % edges.length]!, zone);
  };
  const users: UserRow[] = [];
  const signupDay: number[] = []; // index in ACTIVE_DAYS of each user's signup
  ACTIVE_DAYS.forEach((day, i) => {
    users.push({ n: users.length + 1, createdAt: at(day, i) });
    signupDay.push(i);
    if (i % 3 === 0) {
      users.push({ n: users.length + 1, createdAt: at(day, i + 2) });
      signupDay.push(i);
    }
  });
  users.push({ n: users.length + 1, createdAt: instantAt(LONE_SIGNUP_DAY, '23:59', zone) });

  const sessions: SessionRow[] = [];
  const session = (user: number, startedAt: string) => {
    const n = sessions.length + 1;
    const status = STATUSES[n % STATUSES.length]!;
    sessions.push({ n, user, scenario: 1 + (n % 2), startedAt, status, durationSeconds: status === 'in_progress' ? null : 60 + ((n * 173) % 3000) });
  };
  for (const [k, user] of users.slice(0, -1).entries()) {
    const i = signupDay[k]!;
    session(user.n, at(ACTIVE_DAYS[i]!, k + 1));
    if (i + 1 < ACTIVE_DAYS.length) session(user.n, at(ACTIVE_DAYS[i + 1]!, k));
    if (k % 2 === 0) session(user.n, at(addDays(ACTIVE_DAYS[i]!, 7 + (k % 3)), k + 3));
  }
  session(1, instantAt(LONE_SESSION_DAY, '00:00', zone));

  const reports: ReportRow[] = sessions
    .filter((s) => (s.status === 'completed' && s.n % 4 !== 0) || (s.status === 'abandoned' && s.n % 2 === 0))
    .map((s) => ({
      session: s.n,
      scoreRaw: 150 + ((s.n * 37) % 350),
      criteria: { fluency: s.n % 7, structure: s.n % 4, ...(s.n % 5 === 0 ? { pronunciation: 2 } : {}) },
    }));

  const local = (date: string, time: string) => instantAt(date, time, zone);
  const subscriptions: SubscriptionRow[] = [
    { n: 1, user: 1, startedAt: local('2025-03-01', '00:00') },
    { n: 2, user: 2, startedAt: local('2025-03-25', '00:01'), trialEndsAt: local('2025-04-01', '00:00'), endedAt: local('2025-09-30', '23:59') },
    { n: 3, user: 3, billingInterval: 'quarter', amountCents: 11700, startedAt: local('2025-03-31', '23:59'), endedAt: local('2025-10-01', '00:00') },
    // a trial that lapses: it ends a minute before the trial would have
    { n: 4, user: 4, billingInterval: 'year', amountCents: 29880, startedAt: at('2025-04-01', 2), trialEndsAt: local('2025-05-01', '00:01'), endedAt: local('2025-05-01', '00:00') },
    { n: 5, user: 5, startedAt: at('2025-09-28', 2), endedAt: local('2025-11-01', '00:00') },
    { n: 6, user: 6, amountCents: 4500, currency: 'GBP', startedAt: local('2025-10-31', '23:59') },
    // a second, concurrent subscription of user 1, in another currency
    { n: 7, user: 1, amountCents: 5900, currency: 'AUD', startedAt: local('2025-06-15', '12:00'), endedAt: local('2025-08-15', '12:00') },
    // user 5 moves to a yearly plan at the month's first instant: a plan change, not a churn
    { n: 8, user: 5, billingInterval: 'year', amountCents: 39000, startedAt: local('2025-11-01', '00:00') },
  ];
  return { zone, users, scenarios: [{ n: 1 }, { n: 2, difficultyLevel: 'hard' }], sessions, reports, subscriptions };
}
