// The consumer the package does not ship, built for the capture comparison
// only: a streaming client that receives the slot's changes over the
// replication protocol (a walsender decodes them as they are written, with
// no re-read of the WAL per call) and parses pgoutput here, in Node, instead
// of in PL/pgSQL. Every half second it writes what it kept through the
// package's own analytics.log_decoded_changes() and the position through
// analytics.capture_state, in one transaction, then reports that position to
// the server as flushed: what a production streaming consumer would have to
// do to lose nothing. It keeps the same changes as consume_capture() (the
// captured columns; an update whose captured columns kept their bytes is
// dropped), so the two arms write the same log rows; the bench's writes
// truncate nothing, so a Truncate message is not handled here.
import pg from 'pg';

/** PostgreSQL's epoch (2000-01-01), in milliseconds since the Unix epoch; its timestamps count microseconds from it. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

type Relation = { table: string; kept: number[]; names: string[] };
type Batch = { tables: string[]; ops: string[]; olds: (string | null)[]; news: (string | null)[]; times: Date[] };

export type StreamingCapture = {
  /** The server pids that do its work: the walsender (decoding) and the backend that writes the log rows. */
  readonly pids: readonly number[];
  /** Writes what arrived since the last call and reports the position; returns the row changes written. */
  flush(): Promise<number>;
  stop(): Promise<void>;
};

const lsnText = (lsn: bigint) => `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;

export async function startStreamingCapture(url: string): Promise<StreamingCapture> {
  const writer = new pg.Client({ connectionString: url, application_name: 'bench streaming consumer (log writer)' });
  await writer.connect();
  const state = (await writer.query<{ slot: string; publication: string; consumed: string; pid: number }>(`
    select slot, publication, consumed_lsn::text as consumed, pg_backend_pid() as pid from analytics.capture_state`)).rows[0]!;
  const captured = new Map((await writer.query<{ table_name: string; columns: string[] }>(
    'select table_name, columns from analytics.captured_columns()')).rows.map((row) => [row.table_name, new Set(row.columns)]));

  const stream = new pg.Client({ connectionString: url, replication: 'database', application_name: 'bench streaming consumer' } as pg.ClientConfig);
  await stream.connect();
  const walsender = (await writer.query<{ pid: number }>(
    `select pid from pg_stat_activity where application_name = 'bench streaming consumer' and backend_type = 'walsender'`)).rows[0]!.pid;

  const relations = new Map<number, Relation>();
  const emptyBatch = (): Batch => ({ tables: [], ops: [], olds: [], news: [], times: [] });
  let open = emptyBatch(); // the changes of the transaction being received
  let ready = emptyBatch(); // those of transactions whose commit arrived
  let committedAt = new Date(0);
  let received = 0n; // the end of the last commit received
  let flushed = BigInt(`0x${state.consumed.split('/')[0]}`) << 32n | BigInt(`0x${state.consumed.split('/')[1]}`);

  const sendStatus = (position: bigint) => {
    const reply = Buffer.alloc(34);
    reply.write('r', 0);
    reply.writeBigUInt64BE(position, 1); // written
    reply.writeBigUInt64BE(position, 9); // flushed
    reply.writeBigUInt64BE(position, 17); // applied
    reply.writeBigInt64BE(BigInt(Date.now() - POSTGRES_EPOCH_MS) * 1000n, 25);
    reply.writeUInt8(0, 33);
    (stream as unknown as { connection: { sendCopyFromChunk(chunk: Buffer): void } }).connection.sendCopyFromChunk(reply);
  };

  /** A tuple's columns: where each value lies in `data` (null: null; undefined: an unchanged TOASTed value). */
  const readTuple = (data: Buffer, at: number): [({ from: number; to: number } | null | undefined)[], number] => {
    const count = data.readUInt16BE(at);
    let p = at + 2;
    const columns: ({ from: number; to: number } | null | undefined)[] = [];
    for (let i = 0; i < count; i += 1) {
      const kind = data[p]!;
      if (kind === 0x74) { // t: text, after its length
        const length = data.readUInt32BE(p + 1);
        columns.push({ from: p + 5, to: p + 5 + length });
        p += 5 + length;
      } else {
        columns.push(kind === 0x6e ? null : undefined); // n: null; u: unchanged TOAST
        p += 1;
      }
    }
    return [columns, p];
  };
  const cString = (data: Buffer, at: number): [string, number] => {
    const end = data.indexOf(0, at);
    return [data.toString('utf8', at, end), end + 1];
  };

  const onMessage = (data: Buffer) => {
    const kind = String.fromCharCode(data[0]!);
    if (kind === 'B') {
      committedAt = new Date(POSTGRES_EPOCH_MS + Number(data.readBigInt64BE(9) / 1000n));
    } else if (kind === 'C') {
      received = data.readBigUInt64BE(10);
      for (const key of ['tables', 'ops', 'olds', 'news', 'times'] as const) (ready[key] as unknown[]).push(...open[key]);
      open = emptyBatch();
    } else if (kind === 'R') {
      const relid = data.readUInt32BE(1);
      const [, afterSchema] = cString(data, 5);
      const [table, afterName] = cString(data, afterSchema);
      let p = afterName + 1; // after the replica identity
      const count = data.readUInt16BE(p);
      p += 2;
      const columns = captured.get(table) ?? new Set<string>();
      const relation: Relation = { table, kept: [], names: [] };
      for (let i = 0; i < count; i += 1) {
        let name: string;
        [name, p] = cString(data, p + 1);
        p += 8; // type oid, typmod
        if (columns.has(name)) {
          relation.kept.push(i);
          relation.names.push(name);
        }
      }
      relations.set(relid, relation);
    } else if (kind === 'I' || kind === 'U' || kind === 'D') {
      const relation = relations.get(data.readUInt32BE(1))!;
      let p = 5;
      let old: ReturnType<typeof readTuple>[0] | undefined;
      let next: ReturnType<typeof readTuple>[0] | undefined;
      while (p < data.length) {
        const tag = String.fromCharCode(data[p]!);
        const [columns, end] = readTuple(data, p + 1);
        if (tag === 'O') old = columns;
        else if (tag === 'N') next = columns;
        p = end;
      }
      const bytes = (value: { from: number; to: number } | null | undefined) =>
        value === null ? null : value === undefined ? undefined : data.subarray(value.from, value.to);
      if (kind === 'U' && old && next && relation.kept.every((i) => {
        const [a, b] = [bytes(old[i]), bytes(next[i])];
        return a === null || a === undefined || b === null || b === undefined ? a === b : a.equals(b);
      })) return; // a heartbeat: no captured column changed
      const text = (value: { from: number; to: number } | null | undefined) =>
        value ? data.toString('utf8', value.from, value.to) : null;
      const object = (columns: ReturnType<typeof readTuple>[0], fallback?: ReturnType<typeof readTuple>[0]) =>
        JSON.stringify(Object.fromEntries(relation.kept.map((i, k) =>
          [relation.names[k], columns[i] === undefined && fallback ? text(fallback[i]) : text(columns[i])])));
      open.tables.push(relation.table);
      open.ops.push(kind);
      open.olds.push(old ? object(old) : null);
      open.news.push(next ? object(next, old) : null);
      open.times.push(committedAt);
    }
  };

  (stream as unknown as { connection: NodeJS.EventEmitter }).connection.on('copyData', ({ chunk }: { chunk: Buffer }) => {
    if (chunk[0] === 0x77) onMessage(chunk.subarray(25)); // w: XLogData, after its start, end and clock
    else if (chunk[0] === 0x6b && chunk[17] === 1) sendStatus(flushed); // k: a keepalive that asks for a reply
  });
  const streaming = stream.query(`START_REPLICATION SLOT ${pg.escapeIdentifier(state.slot)} LOGICAL ${state.consumed}
    (proto_version '1', publication_names ${pg.escapeLiteral(state.publication)})`).catch(() => undefined);

  return {
    pids: [walsender, state.pid],
    async flush() {
      const [written, position] = [ready, received];
      ready = emptyBatch();
      if (position <= flushed) return 0;
      await writer.query('begin');
      if (written.tables.length > 0) {
        await writer.query('select analytics.log_decoded_changes($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::timestamptz[])',
          [written.tables, written.ops, written.olds, written.news, written.times]);
      }
      await writer.query('update analytics.capture_state set consumed_lsn = $1::pg_lsn, consumed_at = now()', [lsnText(position)]);
      await writer.query('commit');
      flushed = position;
      sendStatus(flushed);
      return written.tables.length;
    },
    async stop() {
      await stream.end();
      await streaming;
      await writer.end();
    },
  };
}
