# The two commands of the README, and their parts.
#   make run   install what is missing, build (Release), prepare var/, serve on :8080
#   make test  install what is missing, build, start PostgreSQL + SMTP, run every test
# Other targets: build, frontend, test-asan, bench, bench-matching, format, check-format, lint,
# clean.

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# CI treats warnings as errors.
ifeq ($(CI),true)
  CMAKE_FLAGS += -DVIVROVERT_WERROR=ON
endif

.PHONY: all deps frontend build run test test-asan bench bench-matching format check-format lint clean
.PHONY: cluster cluster-stop

all: build

deps:
	@scripts/install-deps.sh

# npm ci only when the lock file changed since the last install.
frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: deps frontend/node_modules/.installed
	cd frontend && npm run --silent build

build: deps frontend
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	scripts/run-demo.sh $(BUILD_DIR)/vivrovert

# The production layout on one machine (docs/DEPLOY.md): nginx with TLS in front of 3 nodes,
# a PostgreSQL primary and its hot standby, on free ports; prints the URL.
cluster: build
	scripts/cluster.sh start $(BUILD_DIR)/vivrovert

cluster-stop:
	scripts/cluster.sh stop

test: build tests/browser/node_modules/.installed
	scripts/with-test-services.sh ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-asan: deps frontend
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DVIVROVERT_SANITIZE=ON \
	  -DVIVROVERT_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  scripts/with-test-services.sh ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) -LE 'postgresql|browser|frontend'

# The search benchmark, engine against DuckDB (bench/README.md); never part of `make test`.
# Generates the SYNTHETIC grid and the queries into $(BENCH_DIR) when missing, then runs
# bench/compare.sh on them and on the real national grid.
BENCH_DIR ?= var/bench
BENCH_REAL_GRID ?= $(BENCH_DIR)/france.grid
BENCH_GRID_SEED ?= 1789
BENCH_QUERY_SEED ?= 1792
BENCH_QUERIES ?= 100
BENCH_RUNS ?= 5

bench/duckdb/node_modules/.installed: bench/duckdb/package-lock.json
	cd bench/duckdb && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench: build bench/duckdb/node_modules/.installed
	BUILD_DIR=$(BUILD_DIR) BENCH_DIR=$(BENCH_DIR) BENCH_REAL_GRID=$(BENCH_REAL_GRID) \
	  BENCH_GRID_SEED=$(BENCH_GRID_SEED) BENCH_QUERY_SEED=$(BENCH_QUERY_SEED) \
	  BENCH_QUERIES=$(BENCH_QUERIES) BENCH_RUNS=$(BENCH_RUNS) bench/run_all.sh

# Matching listings to people (bench/README.md): the index against the same match as one
# SQL query in DuckDB, on 1,000,000 generated people over the real national grid. Never
# part of `make test`; the generated data (about 400 MB) stays in $(BENCH_DIR)/matching-*.
BENCH_PEOPLE ?= 1000000
BENCH_LISTINGS ?= 10000

bench-matching: build bench/duckdb/node_modules/.installed
	test -f $(BENCH_REAL_GRID) || $(BUILD_DIR)/vivrovert grid build -o $(BENCH_REAL_GRID)
	bench/compare_matching.sh --grid $(BENCH_REAL_GRID) --people $(BENCH_PEOPLE) --listings $(BENCH_LISTINGS) \
	  --runs $(BENCH_RUNS) --build $(BUILD_DIR) --work $(BENCH_DIR)/matching-$(BENCH_PEOPLE)

# Style: clang-format the tree (format), check it as CI does (check-format), and clang-tidy
# with a reduced check set on the files changed since the main branch (lint; run it before a
# commit, it is too slow for CI on 2 cores).
format:
	git ls-files '*.cpp' '*.hpp' | grep -v '^frontend/' | xargs clang-format -i

check-format:
	scripts/check-format.sh

lint: build
	scripts/lint.sh -b $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) frontend/dist
