// What the writes case needs to compare the capture modes on one machine:
// the CPU time it spends (the logical capture's decoding runs in a server
// backend), and a logical-capture consumer, the package's or a streaming
// one, that also measures the delay from a commit to its row in the
// invalidation log.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { startStreamingCapture } from './streaming-capture.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds the whole machine has spent working so far (Linux /proc/stat:
 * user, nice, system, irq, softirq of every CPU). Between two readings
 * around a pgbench run: the server's processes (the decoding's backend
 * included), pgbench's and the bench's own. Counting a process tree instead
 * misses the backends that end during the run.
 */
export async function machineCpuSeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq!) / TICKS_PER_SECOND;
}

/**
 * CPU seconds one server process has spent so far (/proc/<pid>/stat, user
 * and system), or NaN where the server is not on this machine.
 */
async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export type LogicalConsumer = {
  /**
   * CPU seconds the consumer's server processes have spent so far: the
   * backend that calls consume_capture() (the slot's decoding and the
   * parse), or a streaming consumer's walsender (the decoding) and the
   * backend that writes its log rows; NaN where the server is not on this
   * machine.
   */
  backendCpuSeconds(): Promise<number>;
  /** CPU seconds this (the bench's) process has spent so far: a streaming consumer's parse, the prober's calls. */
  clientCpuSeconds(): number;
  /** Stops probing and consuming; returns each probe's delay from commit to log, in ms. */
  stop(): Promise<number[]>;
};

// Probe rows: users created on one 15-minute cell each, far in the future,
// so that no refresh stores their day; removed with the bench's users.
const PROBE_BASE = Date.parse('2100-01-01T00:00:00Z');
const CELL_MS = 15 * 60 * 1000;

/**
 * What a worker does in logical mode (consume_capture() every half second),
 * or a streaming consumer writing what it received as often; plus a prober
 * that signs up a user every 200 ms and notes when its commit returned;
 * after each batch the consumer notes which probes have reached the log.
 * The delay is the time between the two.
 */
export async function startLogicalConsumer(url: string, email: string, kind: 'sql' | 'stream', intervalMs = 500): Promise<LogicalConsumer> {
  const consumer = new pg.Client({ connectionString: url, application_name: 'bench logical consumer' });
  const prober = new pg.Client({ connectionString: url, application_name: 'bench commit-to-log prober' });
  await Promise.all([consumer.connect(), prober.connect()]);
  const stream = kind === 'stream' ? await startStreamingCapture(url) : undefined;
  const backends = stream?.pids ?? [(await consumer.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid];
  const BATCH = 20000;
  const consumeOnce = async () => stream ? stream.flush() :
    (await consumer.query<{ n: number }>('select analytics.consume_capture(false, $1) as n', [BATCH])).rows[0]!.n;
  const committed = new Map<number, number>();
  const delays: number[] = [];
  let stopping = false;
  let probe = (await prober.query<{ n: number }>(`select count(*)::int as n from public.users where created_at >= '2100-01-01'`)).rows[0]!.n;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const consuming = (async () => {
    while (!stopping) {
      const consumed = await consumeOnce();
      const arrived = await consumer.query<{ at: Date }>(
        `select distinct at from analytics.invalidation_log where source = 'signups' and at >= '2100-01-01'`);
      const now = Date.now();
      for (const { at } of arrived.rows) {
        const cell = Math.round((at.getTime() - PROBE_BASE) / CELL_MS);
        const sent = committed.get(cell);
        if (sent !== undefined) {
          delays.push(now - sent);
          committed.delete(cell);
        }
      }
      if (stream || consumed < BATCH) await pause(intervalMs);
    }
  })();
  const probing = (async () => {
    while (!stopping) {
      probe += 1;
      const at = new Date(PROBE_BASE + probe * CELL_MS).toISOString();
      await prober.query(`insert into public.users (id, email, created_at, profession) values (gen_random_uuid(), gen_random_uuid() || $1, $2, 'nurse')`,
        [email, at]);
      committed.set(probe, Date.now());
      await pause(200);
    }
  })();

  return {
    backendCpuSeconds: async () => (await Promise.all(backends.map(processCpuSeconds))).reduce((a, b) => a + b, 0),
    clientCpuSeconds: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    async stop() {
      stopping = true;
      await Promise.all([consuming, probing]);
      await stream?.stop();
      await Promise.all([consumer.end(), prober.end()]);
      return delays;
    },
  };
}
