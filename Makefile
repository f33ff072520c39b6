# Every target works on a fresh clone: Node 24 comes from the npm registry
# (the `node` package, a dev dependency) into node_modules/.bin, which is put
# first on PATH here, so the machine's own Node (20 on CI) only runs npm.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

STAMP := node_modules/.install-stamp
# The dashboard test drives Debian's headless Chromium (never a downloaded one).
CHROMIUM := /usr/bin/chromium

.PHONY: install build check test test-pg15 test-logical test-package demo bench clean

install: $(STAMP)

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@node --version | grep -q '^v24\.' || { echo "node_modules/.bin/node is not Node 24"; exit 1; }
	@touch $@

build: $(STAMP)
	tsc -p tsconfig.build.json
	@chmod +x dist/cli.js

check: $(STAMP)
	tsc -p tsconfig.json
	eslint .

$(CHROMIUM):
	@[ "$$(id -u)" = 0 ] || { echo "$(CHROMIUM) is missing: run 'apt-get install chromium' as root"; exit 1; }
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# Starts its own PostgreSQL (or uses TEST_DATABASE_URL) and runs the tap suite.
test: $(STAMP) $(CHROMIUM)
	node test/run.ts

# The same suite on Debian's PostgreSQL 15, the oldest supported server, in a
# throw-away cluster (installed with apt where missing; needs root). CI runs both.
test-pg15: $(STAMP) $(CHROMIUM)
	test/with-debian-postgres.sh node test/run.ts

# The whole suite again with every test database in logical capture mode
# (PRAXIS_TEST_CAPTURE=logical), on PostgreSQL 18 and 15. CI runs it.
test-logical: $(STAMP) $(CHROMIUM)
	PRAXIS_TEST_CAPTURE=logical node test/run.ts
	PRAXIS_TEST_CAPTURE=logical test/with-debian-postgres.sh node test/run.ts

# The packed tarball in a scratch project: a strict TypeScript consumer of the
# library, compiled and run on the lowest Node of "engines" and on 24 (both
# from the npm registry). Uses TEST_DATABASE_URL, or an embedded server.
test-package: build
	node test/package/run.ts

# Embedded PostgreSQL unless DATABASE_URL is set; demo data, migrations, summary.
demo: build
	node dist/cli.js demo

# SCALE=small (default, 0.5M sessions), half (2.5M, one year) or full (5M, two years);
# CASES=core,api,writes,bloat,reports,replica,peer,install,cli,restatements (default core,api; writes and replica need pgbench;
# peer and install: BENCH_REPS=3 repetitions; peer: BENCH_PEER_CHANGED=1 or all, BENCH_PEER_PARTS=all or reads).
bench: build
	node bench/run.ts $(if $(SCALE),--scale $(SCALE),) $(if $(CASES),--cases $(CASES),)

clean:
	rm -rf dist .tap
