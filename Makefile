# Trebuchet build. Everything a target needs is installed by the Makefile
# itself, at pinned versions, into bin/ (Go tools) and .venv/ (Python tools).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
PYTHON   ?= python3
BIN      := $(CURDIR)/bin
VENV     := $(CURDIR)/.venv
VPY      := $(VENV)/bin/python
export PATH := $(BIN):$(PATH)

BUF_VERSION                  := v1.75.0
PROTOC_GEN_GO_VERSION        := v1.36.12
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1
GRPC_JAVA_VERSION            := 1.76.0

TPCH := conformance/testdata/tpch

.PHONY: build test test-go lint generate check-generated demo tools venv clean fixtures

build:
	$(GO) build -o $(BIN)/trebuchet ./cmd/trebuchet

## tools: the pinned code generators and linters, in bin/.
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
generate: tools
	cd spec && buf generate
