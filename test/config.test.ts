import t from 'tap';
import { readConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

t.test('defaults: no database, no zone (the database\'s), a 5 s lock timeout, embedded data under .data/', async (t) => {
  t.same(readConfig({}), {
    databaseUrl: undefined, readDatabaseUrl: undefined, maxReplicaLagSeconds: 30, timezone: undefined, lockTimeoutMs: 5000,
    embeddedDataDir: '.data/postgres', embeddedPort: 54329, adminToken: undefined, host: '127.0.0.1', port: 3000,
  });
});

t.test('a standby to read from, and the replay lag it may have', async (t) => {
  t.equal(readConfig({ DATABASE_READ_URL: 'postgres://reader@standby:5432/platform' }).readDatabaseUrl, 'postgres://reader@standby:5432/platform');
  t.equal(readConfig({ ANALYTICS_MAX_REPLICA_LAG: '90s' }).maxReplicaLagSeconds, 90);
  t.equal(readConfig({ ANALYTICS_MAX_REPLICA_LAG: '5' }).maxReplicaLagSeconds, 5);
  t.throws(() => readConfig({ DATABASE_READ_URL: 'standby:5432' }), new ConfigError('DATABASE_READ_URL="standby:5432" must be a postgres:// or postgresql:// URL'));
  t.throws(() => readConfig({ ANALYTICS_MAX_REPLICA_LAG: '1m' }), new ConfigError('ANALYTICS_MAX_REPLICA_LAG="1m" must be a number of seconds such as 30s'));
  t.throws(() => readConfig({ ANALYTICS_MAX_REPLICA_LAG: '0s' }), new ConfigError('ANALYTICS_MAX_REPLICA_LAG="0s" must be from 1s to 86400s'));
});

t.test('the server\'s HOST, PORT and token', async (t) => {
  t.match(readConfig({ HOST: '0.0.0.0', PORT: '8080', ANALYTICS_ADMIN_TOKEN: 'x'.repeat(20) }), { host: '0.0.0.0', port: 8080, adminToken: 'x'.repeat(20) });
  t.throws(() => readConfig({ PORT: 'http' }), new ConfigError('PORT="http" must be a whole number'));
  t.throws(() => readConfig({ PORT: '70000' }), new ConfigError('PORT="70000" must be a port from 0 to 65535'));
});

t.test('empty variables count as unset', async (t) => {
  t.equal(readConfig({ ANALYTICS_TIMEZONE: '', DATABASE_URL: '' }).timezone, undefined);
});

t.test('an IANA zone with DST is accepted', async (t) => {
  t.equal(readConfig({ ANALYTICS_TIMEZONE: 'Australia/Sydney' }).timezone, 'Australia/Sydney');
});

t.test('each bad value is refused with its variable name', async (t) => {
  t.throws(() => readConfig({ ANALYTICS_TIMEZONE: 'GMT+25' }), new ConfigError('ANALYTICS_TIMEZONE="GMT+25" must be an IANA time zone name such as UTC or Australia/Sydney'));
  t.equal(readConfig({ ANALYTICS_LOCK_TIMEOUT: '2s' }).lockTimeoutMs, 2000);
  t.equal(readConfig({ ANALYTICS_LOCK_TIMEOUT: '750ms' }).lockTimeoutMs, 750);
  t.throws(() => readConfig({ ANALYTICS_LOCK_TIMEOUT: '5 minutes' }), new ConfigError('ANALYTICS_LOCK_TIMEOUT="5 minutes" must be a duration such as 5s or 500ms'));
  t.throws(() => readConfig({ ANALYTICS_LOCK_TIMEOUT: '20ms' }), new ConfigError('ANALYTICS_LOCK_TIMEOUT="20ms" must be from 100ms to 600s'));
  t.throws(() => readConfig({ ANALYTICS_EMBEDDED_PORT: '80' }), { message: 'ANALYTICS_EMBEDDED_PORT="80" must be a port from 1024 to 65535' });
  t.throws(() => readConfig({ DATABASE_URL: 'localhost:5432' }), { message: /^DATABASE_URL="localhost:5432" must be a postgres:\/\// });
});
