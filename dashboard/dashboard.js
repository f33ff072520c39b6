// The admin dashboard: every report of spec 5 from the same JSON endpoints as
// any client, with the bearer token kept in sessionStorage (it arrives in the
// URL fragment from `make demo`, which the browser never sends to a server).
// The fragment also holds the page's state (from, to, user), so a link opens
// the same view. Charts are uPlot, served by this service, so the page works
// offline.
'use strict';

const TOKEN_KEY = 'praxis-analytics-token';
const DAY_MS = 86_400_000;
const COLORS = ['#3b82c4', '#e07b39', '#4a9d5b', '#8e5bb5'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DAY = /^\d{4}-\d\d-\d\d$/;

const byId = (id) => document.getElementById(id);
const panel = (name) => document.querySelector(`[data-panel="${name}"]`);
const panelsIn = (scope) => [...document.querySelectorAll(`[data-scope="${scope}"] [data-panel]`)].map((element) => element.dataset.panel);
const isoDay = (date) => date.toISOString().slice(0, 10);
const epochSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

const NUMBER = new Intl.NumberFormat('en');
const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const MONEY = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (value, digits = 0) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`);
/** Axis labels: 12.3K rather than 12,345, so they stay short. */
const compact = (value) => (value === null ? '' : Math.abs(value) < 1000 ? NUMBER.format(value) : COMPACT.format(value));
const fixed = (value, digits) => (value === null || value === undefined ? '–' : value.toFixed(digits));
const sum = (values) => values.reduce((total, value) => total + (value ?? 0), 0);
/** How many values carry data: a range of zeros and nulls has none. */
const countData = (values) => values.filter((value) => value !== null && value !== 0).length;
const withoutBlanks = (params) => Object.fromEntries(Object.entries(params).filter(([, value]) => value !== '' && value !== undefined));

class SignInNeeded extends Error {}

/** A non-2xx answer other than 401; `status` tells a 404 (unknown learner) from the rest. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ---- address bar and server ---------------------------------------------

function fragmentParam(name) {
  const match = new RegExp(`(?:^|&)${name}=([^&]*)`).exec(location.hash.slice(1));
  return match ? decodeURIComponent(match[1]) : '';
}

/** The view as a link (no token: it stays in this tab's sessionStorage). */
function saveFragment(context) {
  const state = withoutBlanks({ from: context.range.startDate, to: context.range.endDate, user: context.userId });
  history.replaceState(null, '', `${location.pathname}${location.search}#${new URLSearchParams(state)}`);
}

async function request(path, accept = 'application/json') {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new SignInNeeded('sign in first');
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept } });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new SignInNeeded('that token was not accepted');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({ message: response.statusText }));
    throw new HttpError(response.status, body.message);
  }
  return response;
}

function currentRange() {
  const form = byId('range');
  const startDate = form.elements.startDate.value;
  const endDate = form.elements.endDate.value;
  const days = (Date.parse(endDate) - Date.parse(startDate)) / DAY_MS + 1;
  return { startDate, endDate, granularity: days > 120 ? 'week' : 'day' };
}

function contentFilter() {
  const form = byId('content-filter');
  return withoutBlanks({ scenarioId: form.elements.scenarioId.value, difficultyLevel: form.elements.difficultyLevel.value });
}

/**
 * What one rendering reads: range, content filter, learner, and a cache, so
 * panels that need the same rows (the scenario picker and its table, the
 * learner summary and charts) ask the server once.
 */
function pageContext() {
  const cache = new Map();
  return {
    range: currentRange(),
    filter: contentFilter(),
    userId: byId('learner-form').elements.userId.value.trim(),
    get(endpoint, params) {
      const path = `${endpoint}?${new URLSearchParams(params)}`;
      if (!cache.has(path)) cache.set(path, request(path).then((response) => response.json()));
      return cache.get(path);
    },
  };
}

const span = ({ range }) => ({ startDate: range.startDate, endDate: range.endDate });
const seriesParams = (context) => ({ ...span(context), granularity: context.range.granularity });
// one learner's weeks: days are mostly empty for a single person
const learnerParams = (context) => ({ ...span(context), granularity: 'week', userId: context.userId });
const contentParams = (context) => ({ ...span(context), ...context.filter });

// ---- charts --------------------------------------------------------------

/**
 * The width of a y axis: its widest label plus tick and gap. uPlot's default
 * is a fixed 50 px, which cut "10,000" to "0,000".
 */
function yAxisSize(u, values, axisIndex, cycle) {
  const axis = u.axes[axisIndex];
  if (cycle > 1) return axis._size; // uPlot re-measures until the size settles: stop after two passes
  if (!values) return 50;
  u.ctx.font = axis.font[0];
  const widest = Math.max(0, ...values.map((value) => u.ctx.measureText(String(value ?? '')).width)) / uPlot.pxRatio;
  return Math.ceil(widest + (axis.ticks.show ? axis.ticks.size : 0) + axis.gap + 2);
}

const countAxis = { size: yAxisSize, values: (_u, ticks) => ticks.map(compact) };
const rateAxis = { scale: 'rate', side: 1, grid: { show: false }, size: yAxisSize, values: (_u, ticks) => ticks.map((tick) => percent(tick)) };

/** Empties a view, first freeing the uPlot instances in it. */
function clear(view) {
  for (const element of view.querySelectorAll('.chart')) element.uplot?.destroy();
  view.replaceChildren();
}

function paragraph(className, text) {
  return Object.assign(document.createElement('p'), { className, textContent: text });
}

function plot(view, description, options, data) {
  const element = document.createElement('div');
  element.className = 'chart';
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', description);
  view.append(element);
  // kept on its element: clear() destroys it, and the browser test reads its axes
  element.uplot = new uPlot({ width: Math.max(element.clientWidth, 300), height: 220, ...options }, data, element);
}

const bucketLabel = (bucket, granularity) =>
  (granularity === 'month' ? bucket.slice(0, 7) : granularity === 'week' ? `week of ${bucket}` : bucket);

/**
 * A line chart over buckets. A bucket with complete false (today, this week,
 * this month) is drawn apart, so a half-over day is not read as a collapse:
 * its values form a second, dashed series with hollow points, named
 * "… (so far)" in the legend and noted under the chart.
 */
function timeChart(view, { buckets, complete, granularity, series }) {
  const open = complete.map((done) => !done);
  const anyOpen = open.includes(true);
  const hasRate = series.some((item) => item.rate);
  const x = buckets.map(epochSeconds);
  const chartSeries = [granularity === 'month' ? { label: 'Month', value: '{YYYY}-{MM}' }
    : { label: granularity === 'week' ? 'Week of' : 'Day', value: '{YYYY}-{MM}-{DD}' }];
  const data = [x];
  series.forEach((item, index) => {
    const style = { stroke: COLORS[index % COLORS.length], spanGaps: false, ...(item.rate ? { scale: 'rate', value: (_u, value) => percent(value, 1) } : {}) };
    chartSeries.push({ ...style, label: item.label, width: 2 });
    data.push(item.values.map((value, bucket) => (open[bucket] ? null : value)));
    if (anyOpen) {
      chartSeries.push({ ...style, label: `${item.label} (so far)`, width: 1.5, dash: [4, 4], points: { show: true, size: 8, width: 2, fill: '#fff' } });
      data.push(item.values.map((value, bucket) => (open[bucket] ? value : null)));
    }
  });
  plot(view, `Line chart by ${granularity}: ${series.map((item) => item.label).join(', ')}`, {
    scales: { x: { time: true }, ...(hasRate ? { rate: { range: [0, 1] } } : {}) },
    // months: one tick per bucket, named like the table's months (uPlot's own ticks fall mid-month)
    axes: [granularity === 'month' ? { splits: () => x, values: (_u, ticks) => ticks.map((tick) => isoDay(new Date(tick * 1000)).slice(0, 7)) } : {},
      countAxis, ...(hasRate ? [rateAxis] : [])],
    series: chartSeries,
    // buckets are local dates of the reporting zone, placed at UTC midnight: show them as such in any browser zone
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
  }, data);
  if (anyOpen) {
    const labels = buckets.filter((_, bucket) => open[bucket]).map((bucket) => bucketLabel(bucket, granularity));
    view.append(paragraph('so-far', `${labels.join(', ')}: not over yet, numbers so far (hollow points).`));
  }
  return sum(series.map((item) => countData(item.values)));
}

/**
 * MRR movements of one currency as stacked bars per month: new, expansion and
 * reactivation above zero, contraction and churn below. uPlot does not
 * stack, so each bar is drawn to its running total, outermost first, and the
 * legend shows each movement's own amount.
 */
function movementChart(view, currency, rows) {
  const x = rows.map((row) => epochSeconds(row.bucket));
  const stacks = [
    [['new_cents', 'New'], ['expansion_cents', 'Expansion'], ['reactivation_cents', 'Reactivation']],
    [['contraction_cents', 'Contraction'], ['churn_cents', 'Churn']],
  ];
  const series = [{ label: 'Month', value: '{YYYY}-{MM}' }];
  const data = [x];
  stacks.forEach((stack, side) => {
    const sign = side === 0 ? 1 : -1;
    const totals = stack.map((_, depth) => rows.map((row) => sign * sum(stack.slice(0, depth + 1).map(([key]) => row[key] / 100))));
    for (let depth = stack.length - 1; depth >= 0; depth -= 1) {
      const [key, label] = stack[depth];
      series.push({
        label, fill: MOVEMENT_COLORS[key], stroke: MOVEMENT_COLORS[key], width: 0,
        paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false },
        value: (_u, _value, _series, index) => (index === null ? '' : MONEY.format(rows[index][key] / 100)),
      });
      data.push(totals[depth]);
    }
  });
  plot(view, `Stacked bars by month, ${currency}: MRR movements`, {
    scales: { x: { time: true, range: (_u, min, max) => [min - 15 * 86_400, max + 15 * 86_400] } },
    axes: [{ splits: () => x, values: (_u, ticks) => ticks.map((tick) => isoDay(new Date(tick * 1000)).slice(0, 7)) }, countAxis],
    series,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
  }, data);
}

const MOVEMENT_COLORS = {
  new_cents: COLORS[0], expansion_cents: COLORS[2], reactivation_cents: COLORS[3], contraction_cents: COLORS[1], churn_cents: '#c4453b',
};
const MOVEMENT_KEYS = Object.keys(MOVEMENT_COLORS);

/** A chart of series responses over the same buckets: one line each, `rateIndex` on the right-hand 0-100% axis. */
function seriesChart(view, responses, labels, rateIndex) {
  const [first] = responses;
  return timeChart(view, {
    buckets: first.rows.map((row) => row.bucket),
    complete: first.rows.map((row) => row.complete),
    granularity: first.granularity,
    series: responses.map((response, index) => ({
      label: labels[index],
      values: response.rows.map((row) => row.value),
      rate: index === rateIndex,
    })),
  });
}

/** A histogram of time_distribution rows (5-minute bins, empty ones omitted by the API: filled with zeros here). */
function histogram(view, rows) {
  if (rows.length === 0) return 0;
  const width = rows[0].to_minutes - rows[0].from_minutes;
  const counts = new Map(rows.map((row) => [row.from_minutes, row.sessions]));
  const last = Math.max(...counts.keys());
  const starts = Array.from({ length: last / width + 1 }, (_, bin) => bin * width);
  plot(view, `Histogram of completed sessions per ${width}-minute bin of duration`, {
    scales: { x: { time: false, range: [0, last + width] } },
    axes: [{ label: 'minutes' }, countAxis],
    series: [
      { label: 'Duration', value: (_u, start) => (start === null ? '–' : `${start}–${start + width} min`) },
      { label: 'Completed sessions', stroke: COLORS[0], fill: COLORS[0], paths: uPlot.paths.bars({ size: [0.9, 60], align: 1 }), points: { show: false } },
    ],
  }, [starts, starts.map((start) => counts.get(start) ?? 0)]);
  return countData(rows.map((row) => row.sessions));
}

// ---- tables ----------------------------------------------------------------

/** A header is text or [text, title]; a cell is text, a <td>, or any node (wrapped in a <td>). */
function table(view, headers, rows) {
  const head = document.createElement('tr');
  for (const header of headers) {
    const [text, title] = Array.isArray(header) ? header : [header, ''];
    const th = Object.assign(document.createElement('th'), { scope: 'col', textContent: text });
    if (title) th.title = title;
    head.append(th);
  }
  const body = rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const isCell = cell instanceof Node && cell.nodeName === 'TD';
      const td = isCell ? cell : document.createElement('td');
      if (cell instanceof Node && !isCell) td.append(cell);
      else if (!isCell) td.textContent = cell;
      tr.append(td);
    }
    return tr;
  });
  const tableElement = document.createElement('table');
  tableElement.append(head, ...body);
  const wrapper = Object.assign(document.createElement('div'), { className: 'table' });
  wrapper.append(tableElement);
  view.append(wrapper);
  return rows.length;
}

/** A cell whose title holds what a rate is made of, e.g. "12 of 40 retained". */
function titledCell(text, title) {
  return Object.assign(document.createElement('td'), { textContent: text, title });
}

/**
 * A month's first cell, marked when a later refresh restated any of its
 * numbers: its history (each number, before → after, when and why) on hover.
 */
function monthCell(row, restatements, currency) {
  const label = row.complete ? row.bucket.slice(0, 7) : `${row.bucket.slice(0, 7)} (so far)`;
  const history = restatements.filter((r) => r.period_start === row.bucket && (currency === undefined || r.currency === null || r.currency === currency));
  if (history.length === 0) return label;
  const cell = titledCell(`${label} ⟲`, history.map(restatementLine).join('\n'));
  cell.className = 'restated';
  return cell;
}

const restatementValue = (value) => (value === null ? '–' : NUMBER.format(value));
const restatementLine = (r) =>
  `${r.metric}${r.currency ? ` (${r.currency})` : ''}: ${restatementValue(r.old_value)} → ${restatementValue(r.new_value)}, ${r.restated_at.slice(0, 16).replace('T', ' ')} UTC, ${r.cause}`;

/** A cell shaded by its share of the largest value (a heat map). */
function shadedCell(value, max, text, title = '') {
  const td = titledCell(text, title);
  td.className = 'cell';
  td.style.background = `rgba(59, 130, 196, ${max > 0 ? (value / max).toFixed(3) : 0})`;
  return td;
}

/** A bar on a grey track that stands for the whole scale (0..max). */
function bar(value, max, width) {
  const track = Object.assign(document.createElement('span'), { className: 'track' });
  track.style.width = `${width}px`;
  const filled = Object.assign(document.createElement('span'), { className: 'bar' });
  filled.style.width = `${Math.round((Math.min(value, max) / max) * width)}px`;
  track.append(filled);
  return track;
}

// OET scores the four language criteria in bands 0-6 and the five
// clinical-communication ones 0-3. The API returns each criterion's mean, not
// its scale, so the scales live here; a criterion not listed gets no bar
// rather than one on a guessed scale.
const CRITERION_SCALES = {
  intelligibility: 6, fluency: 6, appropriateness: 6, grammar_expression: 6,
  relationship_building: 3, patient_perspective: 3, structure: 3, information_gathering: 3, information_giving: 3,
};
const criterionName = (key) => key.replaceAll('_', ' ').replace(/^./, (letter) => letter.toUpperCase());

function strengthTable(view, rows) {
  const scaleOf = (row) => CRITERION_SCALES[row.criterion] ?? 0;
  const ordered = [...rows].sort((a, b) => scaleOf(b) - scaleOf(a) || a.criterion.localeCompare(b.criterion));
  return table(view, ['Criterion', 'Mean', '', ['Reports', 'Feedback reports that scored the criterion (the mean\'s denominator)']],
    ordered.map((row) => {
      const scale = scaleOf(row);
      return [criterionName(row.criterion), scale ? `${fixed(row.average_score, 1)} of ${scale}` : `${fixed(row.average_score, 1)} (scale not known)`,
        scale ? bar(row.average_score, scale, 120) : '', NUMBER.format(row.reports)];
    }));
}

const COMPLETION_TITLE = 'completed ÷ finished (completed, abandoned or failed); the API does not return the finished count';

/** Scenario rows; the full table adds the completed count and the mean time (the short one keeps the count in the rate's title). */
function scenarioTable(view, rows, { full }) {
  const most = Math.max(1, ...rows.map((row) => row.usage_count));
  return table(view, ['Scenario', 'Level', ['Started', 'Sessions started, in progress included'], '', ...(full ? ['Completed'] : []),
    ['Completion rate', COMPLETION_TITLE], ['Avg score', 'Mean overall score (0-500) of completed scored sessions'],
    ...(full ? [['Avg time', 'Mean duration of completed sessions, minutes']] : [])],
  rows.map((row) => [row.title ?? row.scenario_id, row.difficulty_level ?? '', NUMBER.format(row.usage_count), bar(row.usage_count, most, 50),
    ...(full ? [NUMBER.format(row.sessions_completed)] : []),
    titledCell(percent(row.completion_rate), `${NUMBER.format(row.sessions_completed)} completed; ${COMPLETION_TITLE}`),
    fixed(row.average_score, 0), ...(full ? [row.average_completion_time === null ? '–' : `${fixed(row.average_completion_time / 60, 1)} min`] : [])]));
}

function monthBefore(day) {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return isoDay(date);
}

// ---- panels: load(context) fetches, draw(view, data) returns how many points or rows carry data

const PANELS = {
  sessions: {
    freshness: 'users/sessions_started',
    load: (context) => Promise.all(['sessions_started', 'sessions_completed', 'completion_rate']
      .map((metric) => context.get('users', { metric, ...seriesParams(context) }))),
    draw: (view, responses) => seriesChart(view, responses, ['Started', 'Completed', 'Completion rate'], 2),
  },
  'average-score': {
    freshness: 'users/average_score',
    load: (context) => context.get('users', { metric: 'average_score', ...seriesParams(context) }),
    draw: (view, response) => seriesChart(view, [response], ['Average score']),
  },
  'practice-time': {
    freshness: 'users/practice_time',
    load: (context) => context.get('users', { metric: 'practice_time', ...seriesParams(context) }),
    draw: (view, response) => seriesChart(view, [response], ['Minutes']),
  },
  'strength-areas': {
    freshness: 'users/strength_areas',
    load: (context) => context.get('users', { metric: 'strength_areas', ...span(context) }),
    draw: (view, { rows }) => strengthTable(view, rows),
  },
  'learner-sessions': {
    freshness: 'users/sessions_started',
    load: (context) => Promise.all(['sessions_started', 'sessions_completed', 'completion_rate']
      .map((metric) => context.get('users', { metric, ...learnerParams(context) }))),
    draw: (view, responses) => seriesChart(view, responses, ['Started', 'Completed', 'Completion rate'], 2),
  },
  'learner-scores': {
    freshness: 'users/score_progression',
    load: (context) => context.get('users', { metric: 'score_progression', ...learnerParams(context) }),
    draw: (view, response) => seriesChart(view, [response], ['Average score']),
  },
  'learner-practice': {
    freshness: 'users/practice_time',
    load: (context) => context.get('users', { metric: 'practice_time', ...learnerParams(context) }),
    draw: (view, response) => seriesChart(view, [response], ['Minutes']),
  },
  'learner-strengths': {
    freshness: 'users/strength_areas',
    load: (context) => context.get('users', { metric: 'strength_areas', ...span(context), userId: context.userId }),
    draw: (view, { rows }) => strengthTable(view, rows),
  },
  'popular-scenarios': {
    freshness: 'content/popular_scenarios',
    load: (context) => context.get('content', { metric: 'popular_scenarios', ...contentParams(context), limit: 10 }),
    draw: (view, { rows }) => scenarioTable(view, rows, { full: false }),
  },
  'content-trends': {
    freshness: 'content/completion_rates',
    load: (context) => Promise.all(['average_scores', 'completion_rates']
      .map((metric) => context.get('content', { metric, ...contentParams(context), granularity: context.range.granularity }))),
    draw: (view, responses) => seriesChart(view, responses, ['Average score (0-500)', 'Completion rate'], 1),
  },
  'time-distribution': {
    freshness: 'content/time_distribution',
    load: (context) => context.get('content', { metric: 'time_distribution', ...contentParams(context) }),
    draw: (view, { rows }) => histogram(view, rows),
  },
  'scenario-performance': {
    freshness: 'content/scenario_performance',
    load: (context) => context.get('content', { metric: 'scenario_performance', ...contentParams(context) }),
    draw: (view, { rows }) => scenarioTable(view, rows, { full: true }),
  },
  'active-users': {
    freshness: 'business/active_users',
    // business/active_users rows carry no `complete` flag: users/active_users
    // by day covers the same days and has it
    load: (context) => Promise.all([
      context.get('business', { metric: 'active_users', ...span(context) }),
      context.get('users', { metric: 'active_users', ...span(context), granularity: 'day' }),
    ]),
    draw(view, [{ rows }, flags]) {
      const complete = new Map(flags.rows.map((row) => [row.bucket, row.complete]));
      return timeChart(view, {
        buckets: rows.map((row) => row.bucket),
        complete: rows.map((row) => complete.get(row.bucket) ?? true),
        granularity: 'day',
        series: [
          ...['dau', 'wau', 'mau'].map((key) => ({ label: key.toUpperCase(), values: rows.map((row) => row[key]) })),
          { label: 'Stickiness', values: rows.map((row) => row.stickiness), rate: true },
        ],
      });
    },
  },
  subscriptions: {
    freshness: 'business/subscriptions',
    // The API gives one row per month and currency: the counts are the same
    // on each, MRR is the currency's own. The month before the range is read
    // for its paying customers alone: those paying at the end of a month are
    // those paying at the start of the next, the churn rate's denominator.
    load: (context) => Promise.all([
      context.get('business', { metric: 'subscriptions', ...span(context) }),
      context.get('business', { metric: 'subscriptions', startDate: monthBefore(context.range.startDate), endDate: monthBefore(context.range.startDate) }),
      context.get('business', { metric: 'restatements', ...span(context) }),
    ]),
    draw(view, [{ rows }, before, restated]) {
      const months = [...new Map(rows.map((row) => [row.bucket, row])).values()];
      const currencies = [...new Set(rows.map((row) => row.currency).filter((currency) => currency !== null))].sort();
      // a month without a customer in a currency has no row for it: 0 there
      const mrr = (currency) => months.map((month) => (rows.find((row) => row.bucket === month.bucket && row.currency === currency)?.mrr_cents ?? 0) / 100);
      const complete = months.map((row) => row.complete);
      const buckets = months.map((row) => row.bucket);
      const points = timeChart(view, {
        buckets, complete, granularity: 'month',
        series: [
          { label: 'Paying customers', values: months.map((row) => row.paying_customers) },
          { label: 'New', values: months.map((row) => row.new_customers) },
          { label: 'Churned', values: months.map((row) => row.churned_customers) },
        ],
      });
      // one MRR line per currency: amounts in different currencies are never added
      if (currencies.length > 0) {
        timeChart(view, { buckets, complete, granularity: 'month', series: currencies.map((currency) => ({ label: `MRR ${currency}`, values: mrr(currency) })) });
      }
      const payingAtStart = [before.rows[0]?.paying_customers ?? 0, ...months.map((row) => row.paying_customers)];
      table(view, ['Month', ['Customers', 'Customers paying at the end of the month'], 'New', 'Reactivated', 'Churned', 'Churn rate',
        ['Churned of paying', 'Churned customers ÷ customers paying at the start of the month'],
        ['Subscriptions', 'Subscriptions paying at the end of the month (a customer with two counts twice)'],
        ['Trial conversion', 'Trials ending in the month that converted; the API does not return the two counts'],
        ...currencies.map((currency) => [`MRR ${currency}`, `Monthly recurring revenue in ${currency}, at the end of the month`])],
      months.map((row, month) => [monthCell(row, restated.rows),
        NUMBER.format(row.paying_customers), NUMBER.format(row.new_customers), NUMBER.format(row.reactivated_customers),
        NUMBER.format(row.churned_customers), percent(row.customer_churn_rate, 1),
        `${NUMBER.format(row.churned_customers)} of ${NUMBER.format(payingAtStart[month])}`,
        NUMBER.format(row.active_subscriptions), percent(row.trial_conversion),
        ...currencies.map((currency) => MONEY.format(mrr(currency)[month]))]));
      return points + countData(rows.map((row) => row.mrr_cents));
    },
  },
  'mrr-movements': {
    freshness: 'business/mrr_movements',
    load: (context) => Promise.all([
      context.get('business', { metric: 'mrr_movements', ...span(context) }),
      context.get('business', { metric: 'restatements', ...span(context) }),
    ]),
    draw(view, [{ rows }, restated]) {
      // one chart and one table per currency: money is never added across currencies
      for (const currency of [...new Set(rows.map((row) => row.currency))].sort()) {
        const months = rows.filter((row) => row.currency === currency);
        view.append(Object.assign(document.createElement('h4'), { textContent: currency }));
        movementChart(view, currency, months);
        table(view, ['Month', ['MRR at start', 'At the month\'s first instant'], 'New', 'Expansion', 'Reactivation', 'Contraction', 'Churn',
          ['MRR at end', 'At the next month\'s first instant: start + new + expansion + reactivation − contraction − churn']],
        months.map((row) => [monthCell(row, restated.rows, currency),
          ...['mrr_start_cents', 'new_cents', 'expansion_cents', 'reactivation_cents', 'contraction_cents', 'churn_cents', 'mrr_end_cents']
            .map((key) => MONEY.format(row[key] / 100))]));
      }
      return countData(rows.flatMap((row) => MOVEMENT_KEYS.map((key) => row[key])));
    },
  },
  restatements: {
    freshness: 'business/restatements',
    load: (context) => context.get('business', { metric: 'restatements', ...span(context) }),
    draw(view, { rows }) {
      if (rows.length === 0) return 0;
      table(view, ['Period', 'Number', 'Currency', 'Before', 'After', ['When', 'UTC'], 'Why'],
        rows.map((r) => [r.period_start, r.metric, r.currency ?? '', restatementValue(r.old_value), restatementValue(r.new_value),
          r.restated_at.slice(0, 16).replace('T', ' '), r.cause]));
      return rows.length;
    },
  },
  retention: {
    freshness: 'business/retention',
    load: (context) => context.get('business', { metric: 'retention', ...span(context) }),
    draw(view, { rows }) {
      const cohorts = new Map();
      for (const row of rows) {
        if (!cohorts.has(row.cohort)) cohorts.set(row.cohort, { size: row.cohort_size, cells: [] });
        cohorts.get(row.cohort).cells[row.week_offset] = row;
      }
      const weeks = Math.max(0, ...[...cohorts.values()].map((cohort) => cohort.cells.length));
      const headers = ['Signup week', 'Users', ...Array.from({ length: weeks }, (_, week) => `W${week}`)];
      table(view, headers, [...cohorts].map(([cohort, { size, cells }]) =>
        [cohort, NUMBER.format(size), ...Array.from({ length: weeks }, (_, week) => (cells[week] === undefined ? ''
          : shadedCell(cells[week].rate ?? 0, 1, percent(cells[week].rate), `${NUMBER.format(cells[week].retained)} of ${NUMBER.format(size)} retained`)))]));
      return [...cohorts.values()].filter((cohort) => cohort.size > 0).length;
    },
  },
  'usage-patterns': {
    freshness: 'business/usage_patterns',
    load: (context) => context.get('business', { metric: 'usage_patterns', ...span(context) }),
    draw(view, { rows }) {
      const max = Math.max(0, ...rows.map((row) => row.sessions));
      const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      const headers = ['', ...Array.from({ length: 24 }, (_, hour) => String(hour))];
      table(view, headers, days.map((day, index) =>
        [day, ...rows.filter((row) => row.weekday === index + 1).map((row) => shadedCell(row.sessions, max, String(row.sessions)))]));
      return countData(rows.map((row) => row.sessions));
    },
  },
};

// ---- rendering -------------------------------------------------------------

let freshnessByMetric = new Map();
const generations = new Map();

function describeFreshness(row) {
  if (!row) return { text: '', stale: false };
  if (row.last_error) return { text: `refresh failing since ${row.last_error_at}: ${row.last_error}`, stale: true };
  const stored = row.last_bucket ? `stored through ${row.last_bucket}` : 'not refreshed yet';
  const pending = row.pending_buckets > 0 ? `, ${row.pending_buckets} ${row.granularity} bucket(s) waiting` : ', up to date';
  return { text: stored + pending, stale: row.pending_buckets > 0 };
}

/** Draws one panel; data-state says how it ended: ready, empty (with a visible message) or error. */
async function renderPanel(name, context) {
  const definition = PANELS[name];
  const element = panel(name);
  const view = element.querySelector('.view');
  // a newer rendering of the same panel (another range or filter) wins
  const generation = (generations.get(name) ?? 0) + 1;
  generations.set(name, generation);
  const { text, stale } = describeFreshness(freshnessByMetric.get(definition.freshness));
  const label = element.querySelector('.freshness');
  label.textContent = text;
  label.classList.toggle('stale', stale);
  element.dataset.state = 'loading';
  try {
    const data = await definition.load(context);
    if (generations.get(name) !== generation) return;
    clear(view);
    const points = definition.draw(view, data);
    element.dataset.points = String(points);
    if (points === 0) {
      clear(view);
      view.append(paragraph('empty', 'No data for this range.'));
    }
    element.dataset.state = points === 0 ? 'empty' : 'ready';
  } catch (error) {
    if (generations.get(name) !== generation) return;
    if (error instanceof SignInNeeded) return showSignIn(error.message);
    clear(view);
    view.append(paragraph('error', error.message));
    element.dataset.state = 'error';
  }
}

const renderPanels = (names, context) => Promise.all(names.map((name) => renderPanel(name, context)));

let scenarioCatalog = [];

function replaceOptions(select, allLabel, entries) {
  const selected = select.value;
  const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
  select.replaceChildren(option('', allLabel), ...entries.map(([value, text]) => option(value, text)));
  select.value = entries.some(([value]) => value === selected) ? selected : '';
}

/** The scenario picker lists the scenarios of the chosen level only. */
function limitScenarioOptions() {
  const { scenarioId, difficultyLevel } = byId('content-filter').elements;
  const scenarios = scenarioCatalog.filter((row) => !difficultyLevel.value || row.difficulty_level === difficultyLevel.value);
  replaceOptions(scenarioId, 'All scenarios', scenarios
    .map((row) => [row.scenario_id, row.title ?? row.scenario_id])
    .sort((a, b) => a[1].localeCompare(b[1])));
}

/** Fills the content filter from the scenarios used in the range (ids, titles, levels). */
async function fillContentFilter(context) {
  scenarioCatalog = (await context.get('content', { metric: 'scenario_performance', ...span(context) })).rows;
  const order = ['easy', 'medium', 'hard'];
  const rank = (level) => (order.includes(level) ? order.indexOf(level) : order.length);
  const levels = [...new Set(scenarioCatalog.map((row) => row.difficulty_level).filter(Boolean))]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  replaceOptions(byId('content-filter').elements.difficultyLevel, 'All levels', levels.map((level) => [level, level]));
  limitScenarioOptions();
}

async function renderContent(context) {
  try {
    await fillContentFilter(context);
  } catch {
    // the panels below report the same failure
  }
  const filtered = { ...context, filter: contentFilter() };
  updateCsvLinks(filtered);
  await renderPanels(panelsIn('content'), filtered);
}

let learnerGeneration = 0;

/** The learner view: a message instead of the panels for no, a malformed or an unknown id. */
async function showLearner(context) {
  const section = byId('learner');
  const settle = (state, text) => {
    section.dataset.state = state;
    byId('learner-status').textContent = text;
    byId('learner-panels').hidden = state !== 'ready';
  };
  const generation = ++learnerGeneration;
  const { userId } = context;
  if (!userId) return settle('idle', 'Enter or paste a user id to see that learner\'s reports for the dates above.');
  if (!UUID.test(userId)) return settle('invalid', `"${userId}" is not a user id: expected a UUID such as 8c0d6a1e-2f4b-4e3a-9b7c-1d2e3f405162.`);
  settle('loading', `Loading learner ${userId}…`);
  try {
    // the panels ask for the same rows: the context's cache answers them
    const [started, completed, minutes] = await Promise.all(['sessions_started', 'sessions_completed', 'practice_time']
      .map(async (metric) => sum((await context.get('users', { metric, ...learnerParams(context) })).rows.map((row) => row.value))));
    if (generation !== learnerGeneration) return;
    settle('ready', `Learner ${userId}, ${context.range.startDate} to ${context.range.endDate}: `
      + `${NUMBER.format(started)} sessions started, ${NUMBER.format(completed)} completed, ${NUMBER.format(Math.round(minutes))} minutes of practice.`);
  } catch (error) {
    if (generation !== learnerGeneration) return;
    if (error instanceof SignInNeeded) return showSignIn(error.message);
    // the API answers 404 for an id that names no platform user (an inactive one gets zeros)
    if (error.status === 404) return settle('unknown', `No learner has the id ${userId}. Check it: it is the user's id on the platform.`);
    return settle('error', error.message);
  }
  await renderPanels(panelsIn('learner'), context);
}

function updateCsvLinks(context) {
  const paramsOf = {
    platform: seriesParams,
    learner: learnerParams,
    content: (c) => ({ ...contentParams(c), granularity: c.range.granularity }),
    business: span,
  };
  for (const link of document.querySelectorAll('a.csv')) {
    const scope = link.closest('[data-scope]').dataset.scope;
    const url = new URL(link.getAttribute('href'), location.href);
    const params = withoutBlanks({ metric: url.searchParams.get('metric'), ...paramsOf[scope](context), format: 'csv' });
    link.href = `${url.pathname.split('/').pop()}?${new URLSearchParams(params)}`;
  }
}

async function downloadCsv(event) {
  event.preventDefault();
  const link = event.currentTarget;
  try {
    const response = await request(link.getAttribute('href'), 'text/csv');
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'analytics.csv';
    const blobUrl = URL.createObjectURL(await response.blob());
    const save = Object.assign(document.createElement('a'), { href: blobUrl, download: name });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
  } catch (error) {
    if (error instanceof SignInNeeded) showSignIn(error.message);
    else link.closest('.panel').querySelector('.freshness').textContent = `CSV failed: ${error.message}`;
  }
}

function showSignIn(message) {
  byId('panels').hidden = true;
  byId('sign-in').hidden = false;
  if (message) byId('sign-in-message').textContent = `${message}: sign in with the admin token.`;
}

async function renderAll() {
  const context = pageContext();
  saveFragment(context);
  updateCsvLinks(context);
  let freshness;
  try {
    freshness = await (await request('freshness')).json();
  } catch (error) {
    if (error instanceof SignInNeeded) return showSignIn(error.message);
    throw error;
  }
  byId('sign-in').hidden = true;
  byId('panels').hidden = false;
  byId('zone').textContent = `dates in ${freshness.timezone}; ${context.range.granularity === 'week' ? 'weekly' : 'daily'} buckets`;
  freshnessByMetric = new Map(freshness.rows.map((row) => [`${row.endpoint}/${row.metric}`, row]));
  await Promise.all([
    renderPanels([...panelsIn('platform'), ...panelsIn('business')], context),
    renderContent(context),
    showLearner(context),
  ]);
}

function start() {
  const token = fragmentParam('token');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  const form = byId('range');
  // the range and learner come from the link when it has them (a shared view, a test), else the last 90 days
  const today = new Date();
  const from = fragmentParam('from');
  const to = fragmentParam('to');
  form.elements.endDate.value = ISO_DAY.test(to) ? to : isoDay(today);
  form.elements.startDate.value = ISO_DAY.test(from) ? from : isoDay(new Date(today.getTime() - 89 * DAY_MS));
  byId('learner-form').elements.userId.value = fragmentParam('user');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void renderAll();
  });
  byId('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, event.currentTarget.elements.token.value.trim());
    void renderAll();
  });
  byId('learner-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = event.currentTarget.elements.userId;
    input.value = input.value.trim();
    const context = pageContext();
    saveFragment(context);
    updateCsvLinks(context);
    void showLearner(context);
  });
  byId('content-filter').addEventListener('change', (event) => {
    if (event.target.name === 'difficultyLevel') limitScenarioOptions();
    const context = pageContext();
    updateCsvLinks(context);
    void renderPanels(panelsIn('content'), context);
  });
  for (const link of document.querySelectorAll('a.csv')) link.addEventListener('click', downloadCsv);
  void renderAll();
}

start();
