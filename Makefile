# Berth: build, test and benchmark. Every target works offline.

GO        ?= go
PREFIX    ?= /usr/local
BINDIR    := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null)
COMPOSE_VERSION := $(shell $(GO) list -m -f '{{.Version}}' github.com/docker/compose/v5 2>/dev/null)
BUILT     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -X github.com/berth/berth/internal/daemon.Version=$(VERSION) \
	-X github.com/berth/berth/internal/daemon.GitCommit=$(COMMIT) \
	-X github.com/berth/berth/internal/daemon.BuildTime=$(BUILT) \
	-X github.com/berth/berth/internal/cli/command/system.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags '$(LDFLAGS)'
# berth-compose is `berth compose`, a program of its own so that berth does
# not link the Compose SDK; it reports the SDK's version, as docker compose does.
COMPOSE_LDFLAGS := -X github.com/berth/berth/internal/compose.Version=$(COMPOSE_VERSION) \
	-X github.com/docker/compose/v5/internal.Version=$(COMPOSE_VERSION)
UNIT_TIMEOUT        ?= 10m
INTEGRATION_TIMEOUT ?= 45m
# Extra flags for `go test`, e.g. make test TESTFLAGS='-run Import -v'.
TESTFLAGS ?=

export CGO_ENABLED := 0
# Go lives in /usr/local/go on the machines the README describes; a fresh
# root shell does not have it on PATH.
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build install deps test unit fuzz integration bench fmt lint vet man clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BINDIR)/berthd ./cmd/berthd
	$(GO) build $(GOFLAGS_BUILD) -o $(BINDIR)/berth ./cmd/berth
	$(GO) build -trimpath -ldflags '$(COMPOSE_LDFLAGS)' -o $(BINDIR)/berth-compose ./cmd/berth-compose
	# The shim runs once per container: stripped, to keep its memory small.
	$(GO) build -trimpath -ldflags '-s -w' -o $(BINDIR)/berth-shim ./cmd/berth-shim

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINDIR)/berthd $(BINDIR)/berth $(BINDIR)/berth-compose $(BINDIR)/berth-shim $(DESTDIR)$(PREFIX)/bin/

# The Debian packages the tests use, installed when missing (root needed
# only then). CI=true makes a test whose prerequisite is still missing fail
# instead of skipping.
deps:
	hack/test-deps.sh

# Unit tests, the fuzz targets, then the integration tests against the
# binaries just built. Integration tests start real daemons as root, one
# package at a time.
test: deps vet unit fuzz integration

vet:
	$(GO) vet ./...

unit: deps
	$(GO) test -count=1 -timeout $(UNIT_TIMEOUT) $(TESTFLAGS) ./internal/... ./hack/...

# Each fuzz target for FUZZTIME: five targets, under two minutes with their
# compilation (hack/fuzz.sh).
FUZZTIME ?= 10s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) hack/fuzz.sh

integration: deps build
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) $(GO) test -p 1 -count=1 -timeout $(INTEGRATION_TIMEOUT) $(TESTFLAGS) ./integration/...

bench: build
	# The network benchmark measures with Debian's iperf3.
	command -v iperf3 >/dev/null || (apt-get update && apt-get install -y --no-install-recommends iperf3)
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/run.sh
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/containers.sh
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/registry.sh
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/build.sh
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/network.sh
	BERTH_BIN_DIR=$(CURDIR)/$(BINDIR) bench/compose.sh

# Man pages for berth and every subcommand, from the command tree.
man:
	$(GO) run ./hack/man -o man/man1

fmt:
	gofmt -w .

lint: vet
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

clean:
	rm -rf $(BINDIR) .bench man
