#!/usr/bin/env bash
# Runs a command against a throw-away cluster of Debian's PostgreSQL
# (default 15, the oldest supported): installs the server with apt where it
# is missing, creates a cluster with trust authentication on a free local
# port, exports TEST_DATABASE_URL, runs the command, then drops the cluster.
# The machine's own clusters are not touched. Needs root (apt, pg_createcluster).
set -euo pipefail
version="${PG_VERSION:-15}"
cluster="praxis_test_$$"

if [ ! -x "/usr/lib/postgresql/$version/bin/postgres" ] || ! command -v pg_createcluster >/dev/null; then
  echo "with-debian-postgres: installing postgresql-$version with apt"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$version"
fi

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
cleanup() { pg_dropcluster --stop "$version" "$cluster" >/dev/null 2>&1 || true; }
trap cleanup EXIT
pg_createcluster --quiet "$version" "$cluster" --port "$port" --start-conf manual \
  -- --auth-local=trust --auth-host=trust >/dev/null
# the suite runs the logical capture too
pg_conftool "$version" "$cluster" set wal_level logical
pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
echo "with-debian-postgres: PostgreSQL $version (cluster $cluster) on port $port"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
