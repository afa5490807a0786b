# Trebuchet build. Everything a target needs is installed by the Makefile
# itself, at pinned versions and idempotently: Go tools into bin/, Python
# tools into .venv/, Maven artifacts into ~/.m2.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO     ?= go
PYTHON ?= python3
BIN    := $(CURDIR)/bin
VENV   := $(CURDIR)/.venv
VPY    := $(VENV)/bin/python
export PATH := $(BIN):$(PATH)

BUF_VERSION                   := v1.75.0
PROTOC_GEN_GO_VERSION         := v1.36.12
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1

# Files make generate writes; CI fails if they differ from what is committed.
GENERATED := spec/gen clients/python/src/trebuchet clients/java/src/main/java/dev/trebuchet/v1

.PHONY: tpch-data tpch-verify tpch-verify-cluster tpch-verify-spill tpch-sql-datafusion tpch-bench bench bench-venv bench-compare bench-micro build test test-go test-python test-java lint generate check-generated demo tools venv fixtures clean

## build: the trebuchet binary, in bin/.
build:
	$(GO) build -o $(BIN)/trebuchet ./cmd/trebuchet

## tools: the pinned code generators, in bin/.
tools: $(BIN)/buf $(BIN)/protoc-gen-go $(BIN)/protoc-gen-connect-go

$(BIN)/buf:
	GOBIN=$(BIN) $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
$(BIN)/protoc-gen-go:
	GOBIN=$(BIN) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
$(BIN)/protoc-gen-connect-go:
	GOBIN=$(BIN) $(GO) install connectrpc.com/connect/cmd/protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION)

## venv: the project-local Python environment.
venv: $(VENV)/.installed
$(VENV)/.installed: conformance/requirements.txt
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r conformance/requirements.txt
	touch $@

## generate: Go, Python and Java stubs from spec/.
generate: tools venv
	cd spec && buf generate
	VENV=$(VENV) BIN=$(BIN) clients/generate.sh

## check-generated: fails if make generate changes any committed file.
check-generated: generate
	@changes=$$(git status --porcelain -- $(GENERATED)); \
	if [ -n "$$changes" ]; then \
		echo "Generated code differs from what is committed; run make generate and commit:"; \
		echo "$$changes"; git --no-pager diff --stat -- $(GENERATED); exit 1; \
	fi

## lint: buf lint, go vet and gofmt.
lint: tools
	cd spec && buf lint
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^spec/gen/')); \
	if [ -n "$$unformatted" ]; then echo "Not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi

## test: lint, the generated-code check, and every test suite.
test: lint check-generated test-java test-go test-python

## The race detector slows the TPC-H suites (executor/op, executor/plan)
## several-fold; on a loaded 2-core machine a package can pass go test's
## default 10-minute limit, hence a longer one.
test-go:
	$(GO) test -race -count=1 -timeout 30m ./...

test-python: venv build
	TREBUCHET_BIN=$(BIN)/trebuchet $(VPY) -m pytest -q clients/python/tests

test-java:
	mvn -q -B -Dstyle.color=never -f clients/java/pom.xml -DskipTests package

## demo: a standalone cluster on the bundled sample data runs TPC-H Q1 and Q6.
demo: build
	TREBUCHET_BIN=$(BIN)/trebuchet cmd/trebuchet/demo.sh

## tpch-data: TPC-H Parquet at scale factor SF in bench/data (not committed).
SF ?= 1
RUNS ?= 3
TPCH_DATA := bench/data/tpch/sf$(SF)
TPCH_ANSWERS := conformance/testdata/tpch/answers/sf$(SF)
tpch-data: $(TPCH_DATA)/.complete
$(TPCH_DATA)/.complete: | venv
	VENV=$(VENV) CHECK=0 conformance/tpch/gendata.sh $(SF) $(TPCH_DATA)
	touch $@

## tpch-verify: all 22 queries, plans from every producer and from the SQL
## front end (queries as written and in the spec's date forms), against the
## answers at SF.
TPCH_PRODUCERS := datafusion,isthmus,substrait-python,sql,sql-spec
tpch-verify: tpch-data
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs 1 -producers $(TPCH_PRODUCERS)

## tpch-verify-cluster: all 22 queries through a standalone process and
## then a cluster of a scheduler and 3 executor processes on loopback,
## against the answers at SF, with each query's cluster time beside its
## standalone time.
CLUSTER_EXECUTORS ?= 3
tpch-verify-cluster: tpch-data build
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs 1 -producers isthmus \
		-cluster $(CLUSTER_EXECUTORS) -trebuchet $(BIN)/trebuchet

## tpch-sql-datafusion: the SQL front end's plans of the 22 queries (as
## written and in the spec's date forms) run by DataFusion's Substrait
## consumer (PyPI datafusion) against the SF 0.01 answers.
tpch-sql-datafusion: venv
	plans=$$(mktemp -d) && trap 'rm -rf "$$plans"' EXIT && \
	$(GO) run ./conformance/cmd/tpchsql -out "$$plans" && \
	$(VPY) conformance/tpch/consume_datafusion.py "$$plans/sql" "$$plans/sql-spec"

## tpch-verify-spill: tpch-verify with 64 MiB per query, so that the
## buffering operators spill to disk (SF 1 by default).
tpch-verify-spill: tpch-data
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs 1 -memory-limit 64MiB -producers $(TPCH_PRODUCERS)

## tpch-bench: per-query medians of Trebuchet and DataFusion on the same files at SF.
tpch-bench: tpch-data
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs $(RUNS) \
		-peer "$(VPY) conformance/tpch/bench_datafusion.py" -json bench/results/tpch-sf$(SF).json

## bench-venv: the peers of make bench, in venvs of their own (Ballista's
## pins another DataFusion): .venv-bench and .venv-ballista. PyPI has no
## Linux wheel of ballista, so pip builds it with cargo, once (over an hour
## on 2 cores); the cargo target directory is kept in bench/.cargo-ballista so
## an interrupted build resumes. If the build fails, make bench reports
## Ballista as not run.
BENCH_VENV    := $(CURDIR)/.venv-bench
BALLISTA_VENV := $(CURDIR)/.venv-ballista
bench-venv: $(BENCH_VENV)/.installed $(BALLISTA_VENV)/.installed
$(BENCH_VENV)/.installed: bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@
$(BALLISTA_VENV)/.installed: bench/requirements-ballista.txt
	test -x $(BALLISTA_VENV)/bin/python || $(PYTHON) -m venv $(BALLISTA_VENV)
	if CARGO_TARGET_DIR=$(CURDIR)/bench/.cargo-ballista $(BALLISTA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-ballista.txt; \
	then touch $@; else echo "bench-venv: ballista did not install; make bench will report it as not run" >&2; fi

## bench: the 22 TPC-H queries at SF on Trebuchet (standalone and a
## 1-scheduler/3-executor cluster), DuckDB, DataFusion, Ballista and Spark,
## checked and timed (median of RUNS), with latency; table, JSON and chart
## in bench/results/sf$(SF). BENCH_FLAGS adds flags (see go doc ./bench/cmd/bench).
BENCH_OUT := bench/results/sf$(SF)
bench: build tpch-data bench-venv
	$(GO) run ./bench/cmd/bench run -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs $(RUNS) \
		-python $(BENCH_VENV)/bin/python -ballista-python $(BALLISTA_VENV)/bin/python -out $(BENCH_OUT) $(BENCH_FLAGS)
	$(BENCH_VENV)/bin/python bench/chart.py $(BENCH_OUT)/latest.json $(BENCH_OUT)/latest.png

## bench-compare: two runs of make bench side by side, A=run.json B=run.json.
bench-compare:
	$(GO) run ./bench/cmd/bench compare $(A) $(B)

## bench-micro: the engine's Go micro-benchmarks, 6 counts each, in the
## format benchstat reads: bench/results/micro/<time>.txt and latest.txt.
MICRO_PKGS ?= ./executor/op ./executor/expr
bench-micro:
	mkdir -p bench/results/micro
	out=bench/results/micro/$$(date -u +%Y%m%dT%H%M%SZ).txt; \
	$(GO) test -run '^$$' -bench . -benchmem -count 6 $(MICRO_PKGS) | tee $$out; \
	cp $$out bench/results/micro/latest.txt

## fixtures: regenerate the sample data and the Substrait plan fixtures.
fixtures: venv
	VENV=$(VENV) conformance/tpch/gendata.sh
	$(VPY) conformance/tpch/plans_datafusion.py
	$(VPY) conformance/tpch/plans_substrait_python.py
	conformance/tpch/plans_isthmus.sh

clean:
	rm -rf $(BIN) $(VENV) $(BENCH_VENV) $(BALLISTA_VENV) clients/java/target
