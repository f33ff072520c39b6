// The library example of the backend guide (docs/backend.md, "Library
// usage") is run as written (only its import of the package points at the
// sources), against a fresh platform database with a little demo data, so
// the documented usage cannot rot.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { seed } from '../src/seed.ts';
import { createTestDatabase } from './helpers/database.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

async function readmeExample(): Promise<string> {
  const guide = await readFile(path.join(root, 'docs/backend.md'), 'utf8');
  const section = guide.slice(guide.indexOf('## Library usage'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/backend.md: no ```ts block under "## Library usage"');
  return block.replace(`from '@oet-praxis/analytics'`, `from ${JSON.stringify(path.join(root, 'src/index.ts'))}`);
}

function runNode(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('the library example of the backend guide runs and does what it says', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  await seed({ databaseUrl: url, users: 40, days: 60, seed: 5, endAt: new Date('2026-11-28T12:00:00Z'), sessionsPerUser: 10, shards: 1 });

  // inside the repository, so the example's own imports (fastify) resolve
  const script = path.join(root, `.readme-example-${process.pid}.ts`);
  const workdir = await mkdtemp(path.join(tmpdir(), 'readme-'));
  t.teardown(() => Promise.all([rm(script, { force: true }), rm(workdir, { recursive: true, force: true })]));
  await writeFile(script, await readmeExample());

  const outcome = await runNode(script, workdir, { DATABASE_URL: url });
  t.equal(outcome.code, 0, `exit 0 (stderr: ${outcome.stderr.trim().split('\n')[0] ?? ''})`);
  const lines = outcome.stdout.trim().split('\n');
  t.same(lines.slice(0, 7).map((line) => line.split(' ')[0]),
    ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07'], 'one line per day');
  t.ok(lines.slice(0, 7).every((line) => /^\S+ \d+$/.test(line)), 'each with a count');
  t.ok(lines.slice(0, 7).some((line) => !line.endsWith(' 0')), 'the demo data has sessions that week');
  t.ok(lines.includes('freshness 200'), 'the routes answer inside the host app, behind its auth');
  const csv = await readFile(path.join(workdir, 'subscriptions.csv'), 'utf8');
  const [header, ...rows] = csv.trim().split('\n');
  t.equal(header, 'bucket,currency,mrr_cents,paying_customers,new_customers,reactivated_customers,churned_customers,customer_churn_rate,'
    + 'active_subscriptions,new_subscriptions,churned_subscriptions,subscription_churn_rate,trial_conversion,complete');
  t.equal(new Set(rows.map((row) => row.split(',')[0])).size, 11, '11 months');
  t.equal(new Set(rows.map((row) => row.split(',').slice(0, 2).join())).size, rows.length, 'one row per month and currency');
});
