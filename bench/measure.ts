// Helpers shared by the cases of `make bench`.
import { spawn } from 'node:child_process';

/** One row of the printed table. */
export type Measurement = { name: string; value: string; note?: string };

/** "12% over" / "3% under": a against b. */
export function relative(a: number, b: number): string {
  const percent = Math.round((a / b - 1) * 100);
  return percent >= 0 ? `${percent}% over` : `${-percent}% under`;
}

/** Seconds `work` takes. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Runs `command` and resolves to its stdout; stderr goes to ours. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}`))));
  });
}
