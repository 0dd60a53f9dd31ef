# routecheck: two commands do everything — `make run` and `make test`.
SHELL    := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO       ?= go
BIN      := bin/routecheck
# Fuzz budgets are counts, not durations: a duration races Go 1.26's fuzz
# coordinator at the deadline (golang/go#75804) and fails with no crasher.
# Each is a few seconds on 2 cores.
FUZZ_PARSE ?= 20000x
FUZZ_FRAME ?= 40000x
# Packages with plain Go tests; the Ginkgo suites under scenarios/ run through the ginkgo CLI.
UNIT_PKGS = $(shell $(GO) list ./... | grep -v /scenarios/)

.PHONY: run test build install deps browser-deps fmt-check vet unit accuracy fuzz scenarios bench mutation clean

run: build
	./$(BIN) run

# The commit is also passed by hand: GOFLAGS=-buildvcs=false drops it from the build info.
build:
	$(GO) build -ldflags "-X main.vcsCommit=$$(git rev-parse HEAD 2>/dev/null)" -o $(BIN) ./cmd/routecheck

# install: routecheck into $(go env GOBIN) or $(go env GOPATH)/bin, for people
# who use the tool rather than build it (README "Install").
install:
	$(GO) install -ldflags "-X main.vcsCommit=$$(git rev-parse HEAD 2>/dev/null)" ./cmd/routecheck

test: deps fmt-check vet unit accuracy fuzz scenarios

# deps: Go modules, the Ginkgo CLI (go.mod's tool directive) and a Chromium.
deps: browser-deps
	$(GO) mod download
	$(GO) tool ginkgo version

browser-deps:
	@bash scripts/ensure-chromium.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The route test's whole timing table (540 runs) is too slow under -race, so
# it runs once more without it; the race build runs a sample of it.
unit:
	$(GO) test -race -count=1 $(UNIT_PKGS)
	$(GO) test -count=1 -run '^TestAnyValidCapacityAndDelayPasses$$' ./sim/routetest/

# The simulator against Erlang-A, and the staffing search's bounds against
# Erlang-A and brute force: millions of requests, too slow under -race, so
# they are built only without it (the !race files of sim/traffic:
# accuracy_test.go, calibration_test.go, staffing_sim_test.go). The whole
# package runs, so none of them can be left out by name.
accuracy:
	$(GO) test -count=1 -timeout=30m ./sim/traffic/

# Each fuzz target runs briefly on top of its seed corpus, in the package that
# defines it (docs TestMakeFuzzRunsEveryFuzzTarget).
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZ_PARSE) ./fixtures/
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeClientFrame$$' -fuzztime=$(FUZZ_FRAME) ./sim/wire/
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeClientFrameUTF8$$' -fuzztime=$(FUZZ_FRAME) ./sim/wire/
	$(GO) test -run='^$$' -fuzz='^FuzzParseProfile$$' -fuzztime=$(FUZZ_PARSE) ./sim/traffic/
	$(GO) test -run='^$$' -fuzz='^FuzzRequestBodies$$' -fuzztime=$(FUZZ_FRAME) ./sim/server/
	$(GO) test -run='^$$' -fuzz='^FuzzEntryToken$$' -fuzztime=$(FUZZ_PARSE) ./sim/server/
	$(GO) test -run='^$$' -fuzz='^FuzzResume$$' -fuzztime=$(FUZZ_PARSE) ./sim/wire/
	$(GO) test -run='^$$' -fuzz='^FuzzParseScript$$' -fuzztime=$(FUZZ_PARSE) ./sim/script/

# CI logs get no escape codes: --no-color unless stdout is a terminal. The
# test runs in the recipe's own shell: inside $(shell) or $$(...) stdout is a pipe.
GINKGO_COLOR = if [ -t 1 ]; then color=; else color=--no-color; fi;

# Two processes per suite: most specs wait on Chromium, sockets and timers,
# so two share the 2 cores well; the fault specs are Serial (they measure
# latency) and run alone.
scenarios:
	mkdir -p reports/out
	$(GINKGO_COLOR) $(GO) tool ginkgo -r $$color --procs=2 --race --randomize-all --fail-on-pending --fail-on-empty --keep-going \
		--poll-progress-after=60s --junit-report=scenarios-junit.xml --output-dir=reports/out ./scenarios

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# Mutation testing (go-gremlins, pinned by go.mod's tool directive): breaks
# the code on purpose and checks a test fails. Slow, so not part of `make
# test`; the nightly workflow runs it. One package at a time, one worker, a
# generous timeout coefficient: the machines are 2 shared cores. Fails below
# MUTATION_MIN efficacy (killed / (killed + lived)). docs/testing.md.
MUTATION_PKGS ?= sim/workbench sim/invariant
MUTATION_MIN  ?= 85
GREMLINS_FLAGS ?= --workers 1 --test-cpu 1 --timeout-coefficient 10 \
	--invert-logical --invert-loopctrl --invert-assignments --remove-self-assignments
mutation:
	@for p in $(MUTATION_PKGS); do \
		echo "== mutation testing ./$$p"; \
		$(GO) tool gremlins unleash $(GREMLINS_FLAGS) --threshold-efficacy $(MUTATION_MIN) ./$$p || exit 1; \
	done

clean:
	rm -rf bin reports/out

# Live load (docs/benchmarks.md): 10,000 customers and 2,000 agents (capacity 5)
# over loopback, the bundled workbench and the generator in two processes (each
# holds about 12,000 sockets; one process may open 20,000 files here).
LOAD_OUT ?= reports/out/bench-load
.PHONY: bench-load bench-find-max bench-artillery
bench-load: build
	mkdir -p $(LOAD_OUT)
	./$(BIN) load --serve-bundled 127.0.0.1:18090 --agents 2000 --capacity 5 --customers 10000 2> $(LOAD_OUT)/server.log & \
	srv=$$!; trap 'kill $$srv 2>/dev/null' EXIT; \
	for i in $$(seq 1 60); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && break; sleep 1; done; \
	./$(BIN) load --target http://127.0.0.1:18090 --customers 10000 --agents 2000 --capacity 5 \
		--ramp 120s --duration 30s --think 30s --out $(LOAD_OUT); code=$$?; \
	kill -INT $$srv; wait $$srv; tail -3 $(LOAD_OUT)/server.log; exit $$code

bench-find-max: build
	./$(BIN) load --find-max --agents 250 --capacity 5 --duration 20s --ramp 20s --think 30s \
		--cpuprofile $(LOAD_OUT)-cpu.out --out $(LOAD_OUT)-find-max

# Artillery on the same workbench and workload (docs/benchmarks.md): the
# exported scenario (Artillery's agents and customers) against a fresh load
# workbench, then our own generator against another, one after the other.
# ART_PROCS=2 runs Artillery as two processes (one worker thread each).
ARTILLERY_DIR ?= .cache/artillery
ARTILLERY     := $(ARTILLERY_DIR)/node_modules/.bin/artillery
ART_LOAD      ?= --customers 500 --agents 100 --capacity 5 --ramp 20s --duration 30s --hold 30s --think 5s
$(ARTILLERY):
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --prefix $(ARTILLERY_DIR) artillery@2.0.34
bench-artillery: build $(ARTILLERY)
	scripts/bench-artillery.sh ./$(BIN) $(abspath $(ARTILLERY)) $(LOAD_OUT)-artillery $(ART_LOAD)

# The exported Artillery scenario run by Artillery itself against the
# bundled workbench (needs npm; not part of make test).
.PHONY: test-artillery
test-artillery: $(ARTILLERY)
	ROUTECHECK_ARTILLERY=$(abspath $(ARTILLERY)) $(GO) test -count=1 -run 'Artillery' -v ./sim/load/
