/// <reference lib="dom" />
// The dashboard end to end in a real browser (Debian's headless Chromium via
// playwright-core): sign in through the link `make demo` prints, every panel
// renders the demo data from the local uPlot build (no network beyond this
// server), and a panel's CSV link downloads the panel's rows.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../src/api/server.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { refreshDue } from '../src/refresh.ts';
import { seed } from '../src/seed.ts';
import { createTestDatabase } from './helpers/database.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token-0123456789';
const PANELS = ['active-users', 'sessions', 'average-score', 'practice-time', 'subscriptions', 'popular-scenarios', 'retention', 'usage-patterns'];

t.test('the dashboard loads the demo data, draws every panel, and downloads a CSV', async (t) => {
  // .ci/run and `make test` install it; a machine without it fails here, loudly
  t.ok(existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install chromium)`);
  const { url } = await createTestDatabase(t);
  await seed({ databaseUrl: url, users: 60, days: 120, seed: 3, endAt: new Date(), sessionsPerUser: 12, shards: 1 });
  const refreshPool = createPgPool(url, { max: 1 });
  await refreshDue(refreshPool, { worker: 'test' });
  await refreshPool.end();

  const server = await startServer({ databaseUrl: url, token: TOKEN, port: 0, logLevel: 'silent' });
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
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });

    await page.goto(`${server.url}#token=${TOKEN}`);
    await page.waitForFunction((names) => names.every((name) =>
      ['ready', 'error'].includes(document.querySelector(`[data-panel="${name}"]`)?.getAttribute('data-state') ?? '')), PANELS,
    { timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`the panels did not finish loading; page errors: ${pageErrors.join(' | ') || 'none'}`, { cause: error });
    });

    for (const name of PANELS) {
      const state = await page.getAttribute(`[data-panel="${name}"]`, 'data-state');
      const points = Number(await page.getAttribute(`[data-panel="${name}"]`, 'data-points'));
      t.equal(state, 'ready', `${name} rendered without an error`);
      t.ok(points > 0, `${name} shows data (${points} points or rows)`);
    }
    // uPlot draws on canvas; axes and grid are grey, so pixels in the first
    // series' colour (#3b82c4) mean a drawn line
    const painted = await page.$$eval('.panel .chart canvas', (canvases) => (canvases as HTMLCanvasElement[]).map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        if (data[index] === 59 && data[index + 1] === 130 && data[index + 2] === 196) count += 1;
      }
      return count;
    }));
    t.equal(painted.length, 5, 'five charts');
    t.ok(painted.every((count) => count > 100), `every chart draws its first series (${painted.join(', ')} pixels of its colour)`);
    t.equal(await page.textContent('[data-panel="usage-patterns"] tr:nth-child(2) td:first-child'), 'Mon');
    t.match(await page.textContent('[data-panel="sessions"] .freshness'), /stored through \d{4}-\d\d-\d\d/);
    t.equal(await page.evaluate(() => location.hash), '', 'the token is taken out of the address bar');
    t.equal(await page.isVisible('#sign-in'), false, 'signed in: no sign-in form');
    t.same(requested.filter((address) => !address.startsWith(server.url)), [], 'no request leaves the service (no CDN)');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-panel="sessions"] a.csv')]);
    t.match(download.suggestedFilename(), /^users-sessions_started-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\n');
    t.equal(lines[0], 'bucket,value,complete');
    t.equal(lines.length, 91, 'a header and one row per day of the default 90-day range');

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
