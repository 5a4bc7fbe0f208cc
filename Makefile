# The README's commands. `make test` is what CI runs.
GO ?= go

.PHONY: run build demo test test-go test-python test-node vet bench

# run builds the binary and execs it, so that SIGTERM or Ctrl-C reaches
# seki itself (go run would leave it serving). ARGS are passed to serve.
run: build
	exec ./bin/seki serve $(ARGS)

demo:
	$(GO) run ./cmd/seki demo

# CGO_ENABLED=0: a static binary. seki calls no C (SQLite is modernc's Go);
# cgo only brought libc in for net's resolver, and Go's own resolver reads
# the same /etc/hosts, resolv.conf and nsswitch.conf (only NSS modules such
# as mDNS are lost). It saves about 2 MB of resident memory and 1 ms of start
# (BENCHMARKS.md, "Idle RSS without the AWS SDK").
build:
	CGO_ENABLED=0 $(GO) build -o bin/seki ./cmd/seki

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	cd bench && $(GO) vet ./...

# -timeout 30m: go test's default 10 minutes per package is not enough for
# internal/runtime on a machine loaded several times over.
test-go:
	$(GO) test -count=1 -timeout 30m ./...
	cd bench && $(GO) test -count=1 -timeout 30m ./...

test-python: build
	SEKI_BIN=$(CURDIR)/bin/seki python3 tests/python/run.py

# The AWS SDK for JavaScript v3 walkthrough; `npm ci` in tests/node first
# (.ci/run does it).
test-node: build
	cd tests/node && SEKI_BIN=$(CURDIR)/bin/seki npm test

test: vet test-go test-python test-node

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
