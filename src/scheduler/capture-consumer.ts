// Logical capture: the worker moves what the replication slot decoded into
// the invalidation log every half second (analytics.consume_capture(), one
// transaction per batch), so the slot retains little WAL and a change is in
// the log soon after it commits. Every worker runs the loop; the SQL lets
// one consume at a time and the others find the lock taken and stand by.
// The refresh does not depend on it: it consumes what was committed before
// it started, under the same lock. In trigger mode the loop only looks now
// and then whether the mode changed.
import type pg from 'pg';

export type CaptureConsumer = { stop(): Promise<void> };

export type CaptureConsumerOptions = {
  /** Pause between batches when the slot is drained (logical mode). */
  readonly intervalMs: number;
  /** Pause between looks at the mode in trigger mode. */
  readonly idleMs: number;
  /** Messages per batch (whole transactions). */
  readonly batchChanges: number;
  readonly log: (line: string) => void;
};

export function startCaptureConsumer(pool: pg.Pool, options: CaptureConsumerOptions): CaptureConsumer {
  let stopped = false;
  let wake: (() => void) | undefined;
  let lastError: string | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopped) {
      let next = options.intervalMs;
      try {
        const { rows } = await pool.query<{ mode: string; changes: number }>(
          'select c.mode, analytics.consume_capture(false, $1) as changes from analytics.capture_state c',
          [options.batchChanges],
        );
        const { mode, changes } = rows[0]!;
        if (mode !== 'logical') next = options.idleMs;
        else if (changes >= options.batchChanges) next = 0; // more waiting: the next batch at once
        if (lastError !== undefined) options.log('worker: the logical capture consumes again');
        lastError = undefined;
      } catch (error) {
        // said once, not every half second; refresh_status shows the consequences
        const message = (error as Error).message.split('\n')[0] ?? String(error);
        if (message !== lastError) options.log(`worker: the logical capture cannot consume: ${message}`);
        lastError = message;
        next = options.idleMs;
      }
      if (!stopped && next > 0) await pause(next);
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
