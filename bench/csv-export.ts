// One CSV export through the product's streaming path (openCsv: COPY on a
// pool client, streamed), in its own process so its peak RSS is its own.
// Prints {"seconds", "bytes", "maxRssMb"} for bench/api.ts.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openCsv } from '../src/api/metric-query.ts';
import { createPgPool } from '../src/db/pg-pool.ts';

const [databaseUrl, query] = process.argv.slice(2);
if (!databaseUrl || !query) throw new Error('usage: csv-export.ts DATABASE_URL QUERY');
const pool = createPgPool(databaseUrl, { max: 1 });
let bytes = 0;
const started = performance.now();
await pipeline(
  await openCsv(pool, query),
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  }),
);
const seconds = (performance.now() - started) / 1000;
await pool.end();
console.log(JSON.stringify({ seconds, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
