// Progress of a long command (the backfill) on stderr: a bar redrawn in place
// on a terminal, one plain line per step otherwise (logs, CI, pipes).

export type Progress = {
  /** `done` of `total` steps finished; `detail` says what the last one did. */
  step(done: number, total: number, detail: string): void;
  finish(): void;
};

const BAR_WIDTH = 24;

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let drawn = false;
  return {
    step(done, total, detail) {
      const elapsed = (performance.now() - started) / 1000;
      const rate = done / Math.max(elapsed, 0.001);
      const eta = rate > 0 ? (total - done) / rate : 0;
      const counts = `${done}/${total}`;
      const timing = `${rate.toFixed(2)}/s, ETA ${formatSeconds(eta)}`;
      if (stream.isTTY) {
        const filled = Math.round((done / Math.max(total, 1)) * BAR_WIDTH);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
        stream.write(`\r\x1b[2K${label} ${bar} ${counts} ${timing} ${detail}`.slice(0, (stream.columns || 120) + 8));
        drawn = true;
      } else {
        stream.write(`${label}: ${counts} ${detail} (${timing})\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}

function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}
