// What a call of the CLI costs when it needs no database (`make bench
// CASES=cli`): `--version` and `help`, each a whole process as cron or a
// health check starts it, against Node starting an empty script. The three
// alternate, so drift on the machine reaches each alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatSpread, type Measurement, spreadOf } from './measure.ts';

const RUNS = 15;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export function cliCases(): Measurement[] {
  const calls = { version: [CLI, '--version'], help: [CLI, 'help'], node: ['-e', '0'] };
  const times: Record<keyof typeof calls, number[]> = { version: [], help: [], node: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of Object.entries(calls) as [keyof typeof calls, string[]][]) {
      const started = performance.now();
      const { status } = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (status !== 0) throw new Error(`bench: node ${args.join(' ')} exited with ${status}`);
      times[name].push((performance.now() - started) / 1000);
    }
  }
  const node = spreadOf(times.node).median;
  return [
    { name: 'cli: node -e 0 (Node starting, nothing loaded)', value: formatSpread(spreadOf(times.node), 'ms'), note: `${RUNS} runs, median (range)` },
    ...(['version', 'help'] as const).map((name) => ({
      name: `cli: praxis-analytics ${name === 'version' ? '--version' : 'help'}`,
      value: formatSpread(spreadOf(times[name]), 'ms'),
      note: `${(spreadOf(times[name]).median / node).toFixed(2)}× Node's start`,
    })),
  ];
}
