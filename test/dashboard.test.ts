/// <reference lib="dom" />
// The dashboard end to end in a real browser (Debian's headless Chromium via
// playwright-core) over the real server and database: demo data pinned to
// 2026-11-28, a range given in the link, and the database's clock
// (analytics.clock, read by every connection the server and the refresh
// open) pinned to 2026-12-01, so nothing depends on today's date. Every report of spec 5 is drawn or says it has no data, the learner
// view answers a real id and an unknown one, rates come with what they are
// made of, axis labels fit, and no request leaves the service. Only the
// "so far" drawing of a bucket that is not over is checked on one
// intercepted response (a past range has none), and a full-page screenshot
// is kept in test-artifacts/.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import t from 'tap';
import { z } from 'zod';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../src/api/server.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { refreshDue } from '../src/refresh.ts';
import { seed } from '../src/seed.ts';
import { createTestDatabase } from './helpers/database.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token-0123456789';
const END_AT = new Date('2026-11-28T12:00:00Z');
// "today" for the refresh and the reports: the range below is over and stored
const CLOCK = '2026-12-01T12:00:00Z';
// Monday 2026-07-27 .. Sunday 2026-11-29: 18 whole ISO weeks around the seeded
// history, over 120 days, so the series are weekly (and practice time passes 10,000 minutes a week)
const FROM = '2026-07-27';
const TO = '2026-11-29';
// before the first seeded signup: every report is empty
// the same range as instants (the reporting zone is UTC), for the SQL oracles
const FROM_AT = `${FROM}T00:00:00Z`;
const UNTIL_AT = '2026-11-30T00:00:00Z';
const EMPTY_FROM = '2026-01-05';
const EMPTY_TO = '2026-01-18';
const SCREENSHOT = fileURLToPath(new URL('../test-artifacts/dashboard.png', import.meta.url));

const PAGE_PANELS = [
  'sessions', 'average-score', 'practice-time', 'strength-areas',
  'popular-scenarios', 'content-trends', 'time-distribution', 'scenario-performance',
  'active-users', 'subscriptions', 'mrr-movements', 'restatements', 'retention', 'usage-patterns',
];
const LEARNER_PANELS = ['learner-sessions', 'learner-scores', 'learner-practice', 'learner-strengths'];
const CHARTS = ['sessions', 'average-score', 'practice-time', 'content-trends', 'time-distribution', 'active-users', 'subscriptions', 'mrr-movements'];
const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

type Plot = {
  axes: { side: number; show: boolean; font: [string]; gap: number; ticks: { show: boolean; size: number }; _values: string[] | null; _size: number }[];
  series: { label: string; dash?: number[] }[];
  data: (number | null)[][];
  ctx: CanvasRenderingContext2D;
};
type Row = Record<string, number | string | boolean | null>;

/** Waits until every named panel has finished (ready, empty or error). */
async function settled(page: Page, names: string[], errors: string[]): Promise<void> {
  await page.waitForFunction((panels) => panels.every((name) =>
    ['ready', 'empty', 'error'].includes(document.querySelector(`[data-panel="${name}"]`)?.getAttribute('data-state') ?? '')), names,
  { timeout: 60_000 }).catch((error: unknown) => {
    throw new Error(`the panels did not finish loading; page errors: ${errors.join(' | ') || 'none'}`, { cause: error });
  });
}

/** Forgets the panels' states, so settled() waits for the next rendering rather than seeing the last one. */
const forgetStates = (page: Page, selector = '[data-panel]') =>
  page.$$eval(selector, (elements) => elements.forEach((element) => element.removeAttribute('data-state')));

const stateOf = (page: Page, name: string) => page.getAttribute(`[data-panel="${name}"]`, 'data-state');

t.test('the dashboard shows every report of spec 5 for a pinned range, and one learner', async (t) => {
  // .ci/run and `make test` install it; a machine without it fails here, loudly
  t.ok(existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install chromium)`);
  const { url, pool } = await createTestDatabase(t);
  // every session opened from here on (refresh, server) reads it; ALTER
  // DATABASE takes no parameters, hence a DO block with the constant inlined
  const admin = createPgPool(url, { max: 1 });
  await admin.query(`do $$ begin execute format('alter database %I set analytics.clock = %L', current_database(), '${CLOCK}'); end $$`);
  await admin.end();
  await seed({ databaseUrl: url, users: 600, days: 120, seed: 3, endAt: END_AT, sessionsPerUser: 12, shards: 1 });
  const refreshPool = createPgPool(url, { max: 1 });
  await refreshDue(refreshPool, { worker: 'test' });
  // A late subscription, written after September to November were stored:
  // a user who never paid starts paying on 10 September. The next refresh
  // restates those months (one more paying customer in each, at least).
  const lateCustomer = await pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    select u.id::text from public.users u
    where not exists (select from public.subscriptions s where s.user_id = u.id) order by u.id limit 1`);
  await pool.query(sql.unsafe`
    insert into public.subscriptions (id, user_id, plan, status, billing_interval, amount_cents, currency, started_at)
    values ('00000000-0000-4000-8000-00000000abcd', ${lateCustomer}, 'standard', 'active', 'month', 3900, 'USD', '2026-09-10T08:00:00Z')`);
  await refreshDue(refreshPool, { worker: 'test' });
  await refreshPool.end();

  // the oracle for the learner view: the most active learner of the range, read from the platform tables
  const learner = await pool.one(sql.type(z.object({ id: z.string(), started: z.number(), completed: z.number(), criteria: z.number() }))`
    select s.user_id::text as id, count(*)::int as started,
           count(*) filter (where s.completion_status = 'completed')::int as completed,
           (select count(distinct e.key)::int from public.sessions x
              join public.feedback_reports f on f.session_id = x.id, jsonb_each(f.criteria_scores) e
            where x.user_id = s.user_id and x.started_at >= ${FROM_AT}::timestamptz and x.started_at < ${UNTIL_AT}::timestamptz) as criteria
    from public.sessions s
    where s.started_at >= ${FROM_AT}::timestamptz and s.started_at < ${UNTIL_AT}::timestamptz
    group by s.user_id order by count(*) desc, s.user_id limit 1`);
  const scenarios = await pool.one(sql.type(z.object({ all: z.number(), hard: z.number() }))`
    select count(distinct s.scenario_id)::int as all,
           count(distinct s.scenario_id) filter (where sc.difficulty_level = 'hard')::int as hard
    from public.sessions s join public.scenarios sc on sc.id = s.scenario_id
    where s.started_at >= ${FROM_AT}::timestamptz and s.started_at < ${UNTIL_AT}::timestamptz`);

  const server = await startServer({ databaseUrl: url, token: TOKEN, port: 0, logLevel: 'silent' });
  const api = async (path: string): Promise<{ rows: Row[] }> => {
    const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await response.json()) as { rows: Row[] };
  };
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 2000 } });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs every failed response; the unknown learner's 404s are expected
      if (message.text().includes('status of 404') && message.location().url.includes(`userId=${UNKNOWN_USER}`)) return;
      pageErrors.push(`${message.text()} (${message.location().url})`);
    });

    const showRange = async (from: string, to: string, panels: string[]) => {
      await forgetStates(page);
      await page.fill('#range input[name="startDate"]', from);
      await page.fill('#range input[name="endDate"]', to);
      await page.click('#range button[type="submit"]');
      await settled(page, panels, pageErrors);
    };
    const showLearner = async (id: string) => {
      await forgetStates(page, '[data-panel], #learner');
      await page.fill('#learner-form input[name="userId"]', id);
      await page.click('#learner-form button[type="submit"]');
      await page.waitForFunction(() => ['ready', 'unknown', 'invalid', 'error'].includes(document.querySelector('#learner')?.getAttribute('data-state') ?? ''));
      if (await page.getAttribute('#learner', 'data-state') === 'ready') await settled(page, LEARNER_PANELS, pageErrors);
    };

    await page.goto(`${server.url}#token=${TOKEN}&from=${FROM}&to=${TO}`);
    await settled(page, PAGE_PANELS, pageErrors);

    await t.test('every panel draws the pinned range', async (t) => {
      for (const name of PAGE_PANELS) {
        const points = Number(await page.getAttribute(`[data-panel="${name}"]`, 'data-points'));
        t.equal(await stateOf(page, name), 'ready', `${name} rendered with data`);
        t.ok(points > 0, `${name} shows data (${points} points or rows)`);
        t.equal(await page.isVisible(`[data-panel="${name}"] .empty`), false, `${name}: no "no data" message`);
      }
      // uPlot draws on canvas; axes and grid are grey, so pixels in the first
      // series' colour (#3b82c4) mean a drawn line or bar
      for (const name of CHARTS) {
        const painted = await page.$eval(`[data-panel="${name}"] .chart canvas`, (canvas) => {
          const { data } = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height);
          let count = 0;
          for (let index = 0; index < data.length; index += 4) {
            if (data[index] === 59 && data[index + 1] === 130 && data[index + 2] === 196) count += 1;
          }
          return count;
        });
        t.ok(painted > 100, `${name}: the chart draws its first series (${painted} pixels of its colour)`);
      }
      const charts: Record<string, number> = Object.fromEntries(await page.$$eval('[data-panel]', (panels) => panels.map((panel) =>
        [panel.getAttribute('data-panel') ?? '', panel.querySelectorAll('.chart canvas').length] as const)));
      t.same(Object.keys(charts).filter((name) => charts[name]! > 0).sort(), [...CHARTS].sort(), 'the chart panels, and they alone, draw charts');
      t.ok(charts['mrr-movements']! > 1, `one movement chart per currency (${charts['mrr-movements']})`);
      t.equal(charts.subscriptions, 2, 'subscriptions: the customers, and one MRR line per currency in a second chart');
      t.equal(Object.values(charts).filter((count) => count > 1).length, 2, 'every other chart panel draws one chart');
      t.equal(await page.textContent('[data-panel="usage-patterns"] tr:nth-child(2) td:first-child'), 'Mon');
      t.match(await page.textContent('[data-panel="sessions"] .freshness'), /stored through \d{4}-\d\d-\d\d/);
      t.match(await page.textContent('#zone'), /weekly buckets/, 'a range over 120 days is drawn by week');
      const hash = await page.evaluate(() => location.hash);
      t.notMatch(hash, /token/, 'the token is taken out of the address bar');
      t.match(hash, `from=${FROM}&to=${TO}`, '…and the range stays in it');
      t.equal(await page.isVisible('#sign-in'), false, 'signed in: no sign-in form');
      t.equal(await page.$$eval('.so-far', (notes) => notes.length), 0, 'a range wholly in the past has no "so far" bucket');
      t.notMatch(await page.textContent('main'), /so far/, '…anywhere, legends and tables included');
    });

    await t.test('axis labels fit their axes, and large counts are compact', async (t) => {
      const axes = await page.$$eval('.chart', (charts) => charts.map((chart) => {
        const plot = (chart as HTMLElement & { uplot: Plot }).uplot;
        const pxRatio = (window as unknown as { uPlot: { pxRatio: number } }).uPlot.pxRatio;
        return plot.axes.filter((axis) => axis.show && (axis.side === 1 || axis.side === 3)).map((axis) => {
          plot.ctx.font = axis.font[0];
          const widest = Math.max(0, ...(axis._values ?? []).map((label) => plot.ctx.measureText(label).width)) / pxRatio;
          return { panel: chart.closest('[data-panel]')!.getAttribute('data-panel'), labels: axis._values ?? [], needed: widest + (axis.ticks.show ? axis.ticks.size : 0) + axis.gap, size: axis._size };
        });
      }).flat());
      for (const axis of axes) {
        t.ok(axis.needed <= axis.size, `${axis.panel}: labels ${axis.labels.join(' ')} need ${axis.needed.toFixed(1)} px of ${axis.size}`);
      }
      const practice = axes.find((axis) => axis.panel === 'practice-time');
      t.ok(practice?.labels.some((label) => /^\d+(\.\d)?K$/.test(label)), `practice minutes pass 10,000 and read like 12K (${practice?.labels.join(' ')})`);
    });

    await t.test('rates come with their numerator and denominator', async (t) => {
      const [{ rows: subscriptions }, { rows: [before] }] = await Promise.all([
        api(`business?metric=subscriptions&startDate=${FROM}&endDate=${TO}`),
        api('business?metric=subscriptions&startDate=2026-06-01&endDate=2026-06-01'),
      ]);
      const months = await page.$$eval('[data-panel="subscriptions"] .table tr', (rows) => rows.slice(1).map((row) => Array.from(row.children).map((cell) => cell.textContent)));
      t.same(months.map((cells) => cells[0]), ['2026-07', '2026-08', '2026-09 ⟲', '2026-10 ⟲', '2026-11 ⟲'],
        'one row per month of the range; the months the late subscription restated are marked');
      const headers = await page.$$eval('[data-panel="subscriptions"] .table tr:first-child > *', (cells) => cells.map((cell) => cell.textContent));
      const currencies = [...new Set(subscriptions.map((row) => row.currency as string | null).filter((currency) => currency !== null))].sort();
      t.ok(currencies.length > 1, `the demo sells in several currencies (${currencies.join(', ')})`);
      t.same(headers.slice(9), currencies.map((currency) => `MRR ${currency}`), 'one MRR column per currency, none adding them');
      const perMonth = [...new Map(subscriptions.map((row) => [row.bucket, row])).values()];
      perMonth.forEach((row, index) => {
        const cells = months[index]!;
        const [churned, paying] = (cells[6] ?? '').split(' of ').map((text) => Number(text.replaceAll(',', '')));
        const previous = (index === 0 ? before : perMonth[index - 1])?.paying_customers;
        t.equal(paying, previous, `${cells[0]}: paying at the start = customers paying at the end of the month before`);
        t.equal(churned, row.churned_customers, `${cells[0]}: churned customers`);
        if (row.customer_churn_rate !== null) {
          t.ok(Math.abs(churned! / paying! - (row.customer_churn_rate as number)) < 0.00005, `${cells[0]}: ${cells[6]} is the API's churn rate ${String(row.customer_churn_rate)}`);
        }
        t.equal(cells[8], row.trial_conversion === null ? '–' : `${Math.round((row.trial_conversion as number) * 100)}%`, `${cells[0]}: trial conversion`);
        currencies.forEach((currency, column) => {
          const mrr = (subscriptions.find((other) => other.bucket === row.bucket && other.currency === currency)?.mrr_cents ?? 0) as number;
          t.equal(cells[9 + column], new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(mrr / 100), `${cells[0]}: MRR ${currency}`);
        });
      });
      t.match(await page.getAttribute('[data-panel="retention"] td.cell', 'title'), /^\d+ of \d+ retained$/, 'a retention cell names retained and cohort size');
      t.match(await page.textContent('[data-panel="active-users"] .u-legend'), /DAU[\s\S]*MAU[\s\S]*Stickiness/, 'stickiness beside DAU and MAU');
      const completion = await page.$eval('[data-panel="scenario-performance"] tr:nth-child(2)', (row) => Array.from(row.children).map((cell) => ({ text: cell.textContent, title: cell.getAttribute('title') })));
      t.match(completion[5]?.title, new RegExp(`^${completion[4]?.text} completed; completed ÷ finished`), 'a completion rate names its completed count and its denominator');
    });

    await t.test('a restated month is marked, with its history on hover, and listed', async (t) => {
      const { rows } = await api(`business?metric=restatements&startDate=${FROM}&endDate=${TO}`);
      const paying = rows.filter((row) => row.metric === 'business_monthly.paying_customers');
      t.same(paying.map((row) => [row.period_start, Number(row.new_value) - Number(row.old_value), row.cause]), [
        ['2026-09-01', 1, 'late rows of public.subscriptions'],
        ['2026-10-01', 1, 'late rows of public.subscriptions'],
        ['2026-11-01', 1, 'late rows of public.subscriptions'],
      ], 'one more paying customer in September, October and November, restated once each');
      const september = await page.getAttribute('[data-panel="subscriptions"] td.restated', 'title');
      t.match(september, new RegExp(`business_monthly\\.paying_customers: ${paying[0]!.old_value} → ${paying[0]!.new_value}, .* UTC, late rows of public\\.subscriptions`),
        'the month cell\'s title holds its history');
      t.equal(await page.$$eval('[data-panel="mrr-movements"] td.restated', (cells) => cells.length) > 0, true, 'the movement tables mark restated months too');
      const listed = await page.$$eval('[data-panel="restatements"] .table tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.children).map((cell) => cell.textContent)));
      t.equal(listed.length, rows.length, 'the restatements panel lists every restatement of the range');
      t.same(listed.find((cells) => cells[1] === 'business_monthly.paying_customers'),
        ['2026-09-01', 'business_monthly.paying_customers', '', String(paying[0]!.old_value), String(paying[0]!.new_value),
          (paying[0]!.restated_at as string).slice(0, 16).replace('T', ' '), 'late rows of public.subscriptions']);
    });

    await t.test('strength areas: a bar per criterion on its own scale', async (t) => {
      const { rows } = await api(`users?metric=strength_areas&startDate=${FROM}&endDate=${TO}`);
      const shown = await page.$$eval('[data-panel="strength-areas"] tr', (trs) => trs.slice(1).map((tr) => ({
        name: tr.children[0]!.textContent, mean: tr.children[1]!.textContent, bar: tr.querySelector<HTMLElement>('.bar')?.style.width ?? null,
      })));
      t.equal(shown.length, rows.length, 'one row per criterion');
      t.equal(rows.length, 9, 'the demo data scores nine criteria');
      for (const row of rows) {
        const scale = String(row.criterion).startsWith('information') || ['relationship_building', 'patient_perspective', 'structure'].includes(String(row.criterion)) ? 3 : 6;
        const name = String(row.criterion).replaceAll('_', ' ').replace(/^./, (letter) => letter.toUpperCase());
        const line = shown.find((item) => item.name === name);
        t.equal(line?.mean, `${(row.average_score as number).toFixed(1)} of ${scale}`, `${name}: mean on a 0-${scale} scale`);
        t.equal(line?.bar, `${Math.round(((row.average_score as number) / scale) * 120)}px`, `${name}: bar length = mean / ${scale}`);
      }
    });

    await t.test('the content filter narrows every content panel', async (t) => {
      t.equal(await page.$$eval('#content-filter select[name="scenarioId"] option', (options) => options.length), scenarios.all + 1, 'the picker lists every scenario used in the range, and "All"');
      t.same(await page.$$eval('#content-filter select[name="difficultyLevel"] option', (options) => options.map((option) => (option as HTMLOptionElement).value)), ['', 'easy', 'medium', 'hard']);
      const everyBin = Number(await page.getAttribute('[data-panel="time-distribution"]', 'data-points'));

      await forgetStates(page);
      await page.selectOption('#content-filter select[name="difficultyLevel"]', 'hard');
      await settled(page, ['popular-scenarios', 'content-trends', 'time-distribution', 'scenario-performance'], pageErrors);
      const levels = await page.$$eval('[data-panel="scenario-performance"] tr', (rows) => rows.slice(1).map((row) => row.children[1]!.textContent));
      t.equal(levels.length, scenarios.hard, 'scenario performance: the hard scenarios');
      t.ok(levels.every((level) => level === 'hard'), '…and only those');
      t.equal(await page.$$eval('#content-filter select[name="scenarioId"] option', (options) => options.length), scenarios.hard + 1, 'the picker offers the hard scenarios only');

      const [value, title] = await page.$eval('#content-filter select[name="scenarioId"] option:nth-child(2)', (option) => [(option as HTMLOptionElement).value, option.textContent] as const);
      await forgetStates(page);
      await page.selectOption('#content-filter select[name="scenarioId"]', value);
      await settled(page, ['popular-scenarios', 'content-trends', 'time-distribution', 'scenario-performance'], pageErrors);
      t.same(await page.$$eval('[data-panel="scenario-performance"] tr', (rows) => rows.slice(1).map((row) => row.children[0]!.textContent)), [title], 'one scenario');
      t.same(await page.$$eval('[data-panel="popular-scenarios"] tr', (rows) => rows.slice(1).map((row) => row.children[0]!.textContent)), [title], 'popular scenarios too');
      t.equal(await stateOf(page, 'content-trends'), 'ready');
      const oneScenarioBins = Number(await page.getAttribute('[data-panel="time-distribution"]', 'data-points'));
      t.ok(oneScenarioBins > 0 && oneScenarioBins < everyBin, `the time distribution narrows (${oneScenarioBins} of ${everyBin} bins)`);
      t.match(await page.getAttribute('[data-panel="time-distribution"] a.csv', 'href'), `scenarioId=${value}`, 'the CSV link carries the filter');

      await forgetStates(page);
      await page.selectOption('#content-filter select[name="difficultyLevel"]', '');
      await page.selectOption('#content-filter select[name="scenarioId"]', '');
      await settled(page, ['popular-scenarios', 'content-trends', 'time-distribution', 'scenario-performance'], pageErrors);
      t.equal(Number(await page.getAttribute('[data-panel="time-distribution"]', 'data-points')), everyBin, 'back to every scenario');
    });

    await t.test('a panel\'s CSV link downloads its rows', async (t) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-panel="sessions"] a.csv')]);
      t.equal(download.suggestedFilename(), `users-sessions_started-${FROM}-${TO}.csv`);
      const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
      t.equal(lines[0], 'bucket,value,complete');
      t.equal(lines.length, 19, 'a header and one row per week of the range');
    });

    await t.test('the learner view: a real learner, then an unknown and a malformed id', async (t) => {
      t.equal(await page.getAttribute('#learner', 'data-state'), 'idle', 'no learner asked for yet');
      t.equal(await page.isVisible('#learner-panels'), false);

      await showLearner(learner.id);
      t.equal(await page.getAttribute('#learner', 'data-state'), 'ready');
      const status = await page.textContent('#learner-status');
      t.match(status, `${learner.started} sessions started, ${learner.completed} completed`, `the summary agrees with the platform tables (${status})`);
      for (const name of LEARNER_PANELS) {
        t.equal(await stateOf(page, name), 'ready', `${name} rendered with data`);
        t.ok(Number(await page.getAttribute(`[data-panel="${name}"]`, 'data-points')) > 0, `${name} shows data`);
      }
      t.equal(await page.$$eval('[data-panel="learner-strengths"] tr', (rows) => rows.length - 1), learner.criteria, 'the learner\'s own criteria');
      t.match(await page.getAttribute('[data-panel="learner-practice"] a.csv', 'href'), `userId=${learner.id}`, 'the CSV is the learner\'s');
      t.match(await page.evaluate(() => location.hash), `user=${learner.id}`, 'the learner is in the link');

      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      t.comment(`screenshot: ${SCREENSHOT}`);

      await showLearner(UNKNOWN_USER);
      t.equal(await page.getAttribute('#learner', 'data-state'), 'unknown', 'a well-formed id of nobody: data-state unknown');
      t.equal(await page.textContent('#learner-status'), `No learner has the id ${UNKNOWN_USER}. Check it: it is the user's id on the platform.`,
        'the message names the id');
      t.ok(await page.isVisible('#learner-status'), 'the message is visible');
      t.equal(await page.isVisible('#learner-panels'), false, 'and the last learner\'s charts are gone');

      await showLearner('bob');
      t.equal(await page.getAttribute('#learner', 'data-state'), 'invalid', 'a malformed id: data-state invalid, no request');
      t.match(await page.textContent('#learner-status'), /"bob" is not a user id: expected a UUID/);
    });

    await t.test('a range without data: every panel, the learner\'s too, says so', async (t) => {
      await showLearner(learner.id);
      await showRange(EMPTY_FROM, EMPTY_TO, [...PAGE_PANELS, ...LEARNER_PANELS]);
      for (const name of [...PAGE_PANELS, ...LEARNER_PANELS]) {
        t.equal(await stateOf(page, name), 'empty', `${name}: data-state empty`);
        t.equal(await page.isVisible(`[data-panel="${name}"] .empty`), true, `${name}: the message is visible`);
        t.equal(await page.textContent(`[data-panel="${name}"] .view`), 'No data for this range.', `${name}: and says so`);
      }
      t.match(await page.textContent('#learner-status'), '0 sessions started', 'the learner is known, with nothing in this range');
    });

    await t.test('a bucket that is not over is drawn apart and labelled "so far"', async (t) => {
      // UI only: the one response whose last week is marked open is the real
      // server's, with complete set to false (a past range has no open bucket)
      const { rows } = await api(`users?metric=practice_time&startDate=${FROM}&endDate=${TO}&granularity=week`);
      await page.route((address) => address.pathname.endsWith('/users') && address.searchParams.get('metric') === 'practice_time'
        && !address.searchParams.has('userId'), async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { rows: Row[] };
        body.rows.at(-1)!.complete = false;
        await route.fulfill({ response, json: body });
      });
      await showRange(FROM, TO, [...PAGE_PANELS, ...LEARNER_PANELS]);
      await page.unrouteAll();
      t.equal(await page.textContent('[data-panel="practice-time"] .so-far'), 'week of 2026-11-23: not over yet, numbers so far (hollow points).');
      t.match(await page.textContent('[data-panel="practice-time"] .u-legend'), 'Minutes (so far)', 'the legend names the open bucket');
      const plot = await page.$eval('[data-panel="practice-time"] .chart', (chart) => {
        const { data, series } = (chart as HTMLElement & { uplot: Plot }).uplot;
        return { solid: data[1]!.slice(-2), open: data[2]!.slice(-2), dash: series[2]?.dash ?? null };
      });
      const [beforeLast, last] = rows.slice(-2).map((row) => row.value as number);
      t.same(plot.solid, [beforeLast, null], 'the solid line stops at the last complete week');
      t.same(plot.open, [null, last], 'the open week is its own dashed series');
      t.ok(plot.dash, 'drawn dashed');
      t.equal(await page.$$eval('.so-far', (notes) => notes.length), 1, 'the other panels, whose buckets are complete, have none');
    });

    t.same(requested.filter((address) => !address.startsWith(server.url)), [], 'no request leaves the service (no CDN)');

    await page.evaluate(() => sessionStorage.clear());
    await page.goto(server.url);
    await page.waitForSelector('#sign-in', { state: 'visible' });
    t.equal(await page.isVisible('#panels'), false, 'without a token the page asks to sign in and shows no panel');
    t.same(pageErrors, [], 'no script error');
  } finally {
    await browser?.close();
    await server.close();
  }

});
