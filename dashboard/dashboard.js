// The admin dashboard: reads the same JSON endpoints as any client, with the
// bearer token kept in sessionStorage (it arrives in the URL fragment from
// `make demo`, which the browser never sends to a server). Charts are uPlot,
// served by this service, so the page works offline.
'use strict';

const TOKEN_KEY = 'praxis-analytics-token';
const DAY_MS = 86_400_000;

const byId = (id) => document.getElementById(id);
const panel = (name) => document.querySelector(`[data-panel="${name}"]`);
const isoDay = (date) => date.toISOString().slice(0, 10);
const epochSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;
const percent = (value) => (value === null ? '–' : `${Math.round(value * 100)}%`);

class SignInNeeded extends Error {}

function takeTokenFromUrl() {
  const match = /(?:^|&)token=([^&]+)/.exec(location.hash.slice(1));
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
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
    throw new Error(body.message);
  }
  return response;
}

const metric = async (endpoint, params) =>
  (await request(`${endpoint}?${new URLSearchParams(params)}`)).json();

function currentRange() {
  const form = byId('range');
  const startDate = form.elements.startDate.value;
  const endDate = form.elements.endDate.value;
  const days = (Date.parse(endDate) - Date.parse(startDate)) / DAY_MS + 1;
  return { startDate, endDate, granularity: days > 120 ? 'week' : 'day' };
}

// ---- charts and tables -------------------------------------------------

function lineChart(element, { x, series, rightScale }) {
  element.replaceChildren();
  const colors = ['#3b82c4', '#e07b39', '#4a9d5b', '#8e5bb5'];
  const options = {
    width: Math.max(element.clientWidth, 300),
    height: 220,
    scales: { x: { time: true }, ...(rightScale ? { rate: { range: [0, 1] } } : {}) },
    axes: [{}, {}, ...(rightScale ? [{ scale: 'rate', side: 1, grid: { show: false }, values: (_u, ticks) => ticks.map(percent) }] : [])],
    series: [{}, ...series.map((item, index) => ({
      label: item.label,
      stroke: colors[index % colors.length],
      width: 2,
      spanGaps: false,
      ...(item.scale ? { scale: item.scale, value: (_u, value) => percent(value) } : {}),
    }))],
  };
  new uPlot(options, [x, ...series.map((item) => item.values)], element);
  return series.reduce((count, item) => count + item.values.filter((value) => value !== null).length, 0);
}

function seriesChart(element, responses, labels, rightScaleIndex) {
  const x = responses[0].rows.map((row) => epochSeconds(row.bucket));
  return lineChart(element, {
    x,
    rightScale: rightScaleIndex !== undefined,
    series: responses.map((response, index) => ({
      label: labels[index],
      values: response.rows.map((row) => row.value),
      ...(index === rightScaleIndex ? { scale: 'rate' } : {}),
    })),
  });
}

function table(element, headers, rows) {
  const head = document.createElement('tr');
  for (const text of headers) head.append(Object.assign(document.createElement('th'), { textContent: text }));
  const body = rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell;
      tr.append(td);
    }
    return tr;
  });
  const tableElement = document.createElement('table');
  tableElement.append(head, ...body);
  element.replaceChildren(tableElement);
  return rows.length;
}

/** A cell shaded by its share of the largest value (a heat map). */
function shadedCell(value, max, text) {
  const span = document.createElement('span');
  span.textContent = text;
  const td = document.createElement('td');
  td.className = 'cell';
  td.style.background = `rgba(59, 130, 196, ${max > 0 ? (value / max).toFixed(3) : 0})`;
  td.append(span);
  return td;
}

function shadedTable(element, headers, rows) {
  const count = table(element, headers, rows.map((row) => row.map((cell) => (cell instanceof Node ? '' : cell))));
  // put the shaded cells in place of the placeholders
  element.querySelectorAll('tr').forEach((tr, rowIndex) => {
    if (rowIndex === 0) return;
    rows[rowIndex - 1].forEach((cell, cellIndex) => {
      if (cell instanceof Node) tr.children[cellIndex].replaceWith(cell);
    });
  });
  return count;
}

// ---- panels --------------------------------------------------------------

const PANELS = {
  'active-users': {
    freshness: 'business/active_users',
    async render(element, range) {
      const { rows } = await metric('business', { metric: 'active_users', startDate: range.startDate, endDate: range.endDate });
      return lineChart(element, {
        x: rows.map((row) => epochSeconds(row.bucket)),
        series: ['dau', 'wau', 'mau'].map((key) => ({ label: key.toUpperCase(), values: rows.map((row) => row[key]) })),
      });
    },
  },
  sessions: {
    freshness: 'users/sessions_started',
    async render(element, range) {
      const responses = await Promise.all(['sessions_started', 'sessions_completed', 'completion_rate']
        .map((name) => metric('users', { metric: name, ...range })));
      return seriesChart(element, responses, ['Started', 'Completed', 'Completion rate'], 2);
    },
  },
  'average-score': {
    freshness: 'users/average_score',
    async render(element, range) {
      return seriesChart(element, [await metric('users', { metric: 'average_score', ...range })], ['Average score (0-500)']);
    },
  },
  'practice-time': {
    freshness: 'users/practice_time',
    async render(element, range) {
      return seriesChart(element, [await metric('users', { metric: 'practice_time', ...range })], ['Minutes']);
    },
  },
  subscriptions: {
    freshness: 'business/subscriptions',
    async render(element, range) {
      const { rows } = await metric('business', { metric: 'subscriptions', startDate: range.startDate, endDate: range.endDate });
      return lineChart(element, {
        x: rows.map((row) => epochSeconds(row.bucket)),
        series: [
          { label: 'Active subscribers', values: rows.map((row) => row.active_subscribers) },
          { label: 'New', values: rows.map((row) => row.new_subscribers) },
          { label: 'Churned', values: rows.map((row) => row.churned_subscribers) },
        ],
      });
    },
  },
  'popular-scenarios': {
    freshness: 'content/popular_scenarios',
    async render(element, range) {
      const { rows } = await metric('content', { metric: 'popular_scenarios', startDate: range.startDate, endDate: range.endDate, limit: 10 });
      const most = Math.max(1, ...rows.map((row) => row.usage_count));
      return table(element, ['Scenario', 'Level', 'Sessions', '', 'Completed', 'Avg score'], rows.map((row) => {
        const bar = document.createElement('span');
        bar.className = 'bar';
        bar.style.width = `${Math.round((row.usage_count / most) * 50)}px`;
        return [row.title ?? row.scenario_id, row.difficulty_level ?? '', String(row.usage_count), bar,
          percent(row.completion_rate), row.average_score === null ? '–' : row.average_score.toFixed(0)];
      }));
    },
  },
  retention: {
    freshness: 'business/retention',
    async render(element, range) {
      const { rows } = await metric('business', { metric: 'retention', startDate: range.startDate, endDate: range.endDate });
      const cohorts = new Map();
      for (const row of rows) {
        if (!cohorts.has(row.cohort)) cohorts.set(row.cohort, { size: row.cohort_size, cells: [] });
        cohorts.get(row.cohort).cells[row.week_offset] = row.rate;
      }
      const weeks = Math.max(0, ...[...cohorts.values()].map((cohort) => cohort.cells.length));
      const headers = ['Signup week', 'Users', ...Array.from({ length: weeks }, (_, week) => `W${week}`)];
      return shadedTable(element, headers, [...cohorts].map(([cohort, { size, cells }]) =>
        [cohort, String(size), ...Array.from({ length: weeks }, (_, week) =>
          (cells[week] === undefined ? '' : shadedCell(cells[week] ?? 0, 1, percent(cells[week]))))]));
    },
  },
  'usage-patterns': {
    freshness: 'business/usage_patterns',
    async render(element, range) {
      const { rows } = await metric('business', { metric: 'usage_patterns', startDate: range.startDate, endDate: range.endDate });
      const max = Math.max(0, ...rows.map((row) => row.sessions));
      const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      const headers = ['', ...Array.from({ length: 24 }, (_, hour) => String(hour))];
      shadedTable(element, headers, days.map((day, index) =>
        [day, ...rows.filter((row) => row.weekday === index + 1).map((row) => shadedCell(row.sessions, max, String(row.sessions)))]));
      return rows.filter((row) => row.sessions > 0).length;
    },
  },
};

// ---- page ------------------------------------------------------------------

function showSignIn(message) {
  byId('panels').hidden = true;
  byId('sign-in').hidden = false;
  if (message) byId('sign-in-message').textContent = `${message}: sign in with the admin token.`;
}

function describeFreshness(row) {
  if (!row) return { text: '', stale: false };
  if (row.last_error) return { text: `refresh failing since ${row.last_error_at}: ${row.last_error}`, stale: true };
  const stored = row.last_bucket ? `stored through ${row.last_bucket}` : 'not refreshed yet';
  const pending = row.pending_buckets > 0 ? `, ${row.pending_buckets} ${row.granularity} bucket(s) waiting` : ', up to date';
  return { text: stored + pending, stale: row.pending_buckets > 0 };
}

function updateCsvLinks(range) {
  for (const link of document.querySelectorAll('a.csv')) {
    const url = new URL(link.getAttribute('href'), location.href);
    url.searchParams.set('startDate', range.startDate);
    url.searchParams.set('endDate', range.endDate);
    if (url.pathname.endsWith('/users')) url.searchParams.set('granularity', range.granularity);
    link.href = url.pathname.split('/').pop() + url.search;
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

async function renderAll() {
  const range = currentRange();
  updateCsvLinks(range);
  let freshness;
  try {
    freshness = await (await request('freshness')).json();
  } catch (error) {
    if (error instanceof SignInNeeded) return showSignIn(error.message);
    throw error;
  }
  byId('sign-in').hidden = true;
  byId('panels').hidden = false;
  byId('zone').textContent = `dates in ${freshness.timezone}; ${range.granularity === 'week' ? 'weekly' : 'daily'} buckets`;
  const rowsByMetric = new Map(freshness.rows.map((row) => [`${row.endpoint}/${row.metric}`, row]));
  await Promise.all(Object.entries(PANELS).map(async ([name, definition]) => {
    const element = panel(name);
    const { text, stale } = describeFreshness(rowsByMetric.get(definition.freshness));
    const label = element.querySelector('.freshness');
    label.textContent = text;
    label.classList.toggle('stale', stale);
    element.dataset.state = 'loading';
    const target = element.querySelector('.chart, .table');
    try {
      element.dataset.points = String(await definition.render(target, range));
      element.dataset.state = 'ready';
    } catch (error) {
      if (error instanceof SignInNeeded) return showSignIn(error.message);
      target.textContent = error.message;
      element.dataset.state = 'error';
    }
  }));
}

function start() {
  takeTokenFromUrl();
  const form = byId('range');
  const today = new Date();
  form.elements.endDate.value = isoDay(today);
  form.elements.startDate.value = isoDay(new Date(today.getTime() - 89 * DAY_MS));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void renderAll();
  });
  byId('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, event.currentTarget.elements.token.value.trim());
    void renderAll();
  });
  for (const link of document.querySelectorAll('a.csv')) link.addEventListener('click', downloadCsv);
  void renderAll();
}

start();
