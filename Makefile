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

.PHONY: tpch-data tpch-verify tpch-bench build test test-go test-python test-java lint generate check-generated demo tools venv fixtures clean

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

test-go:
	$(GO) test -race -count=1 ./...

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

## tpch-verify: all 22 queries, plans from every producer, against the answers at SF.
tpch-verify: tpch-data
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs 1

## tpch-bench: per-query medians of Trebuchet and DataFusion on the same files at SF.
tpch-bench: tpch-data
	$(GO) run ./conformance/cmd/tpchbench -data $(TPCH_DATA) -answers $(TPCH_ANSWERS) -runs $(RUNS) \
		-peer "$(VPY) conformance/tpch/bench_datafusion.py" -json bench/results/tpch-sf$(SF).json

## fixtures: regenerate the sample data and the Substrait plan fixtures.
fixtures: venv
	VENV=$(VENV) conformance/tpch/gendata.sh
	$(VPY) conformance/tpch/plans_datafusion.py
	$(VPY) conformance/tpch/plans_substrait_python.py
	conformance/tpch/plans_isthmus.sh

clean:
	rm -rf $(BIN) $(VENV) clients/java/target
