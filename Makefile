# oblique — see README.md. `make demo` and `make test` set up what they need.
GO ?= go
OUT ?= out

# ingest/hdf5, the one cgo package, links the HDF5 C library (Debian:
# libhdf5-dev, which scripts/setup.sh installs). Its #cgo lines know Debian's
# serial-HDF5 paths; where pkg-config knows hdf5, its flags are added too, so
# other layouts work. Flags already in the environment are kept; -O2 -g is
# Go's default when there are none.
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null)
HDF5_LDFLAGS := $(shell pkg-config --libs-only-L hdf5 2>/dev/null)
export CGO_CFLAGS := $(or $(CGO_CFLAGS),-O2 -g) $(HDF5_CFLAGS)
export CGO_LDFLAGS := $(or $(CGO_LDFLAGS),-O2 -g) $(HDF5_LDFLAGS)

.PHONY: all setup setup-build setup-beam build-beam test-beam demo test hostile fuzz fuzz-short bench bench-nwb bench-rnn models build clean

all: build

# setup-build installs what building and the demo need (Go modules,
# libhdf5); setup adds what the tests need (Chromium, Node.js and Arrow JS,
# qemu-user).
setup-build:
	@scripts/setup.sh build

setup:
	@scripts/setup.sh

# The commit is stamped into the binary whatever GOFLAGS says (-buildvcs=false
# leaves Go's own stamp out); "+dirty" marks uncommitted changes.
COMMIT := $(shell git describe --always --dirty=+dirty --abbrev=12 2>/dev/null)
LDFLAGS := -X github.com/oblique-neuro/oblique/internal/version.commit=$(COMMIT)

build: setup-build
	$(GO) build -ldflags '$(LDFLAGS)' -o $(OUT)/oblique ./cmd/oblique

# oblique-beam (beam/, a Go module of its own, so that Apache Beam stays out
# of oblique's dependencies; README "Beyond one machine").
setup-beam:
	@scripts/setup.sh beam

build-beam: setup-beam
	cd beam && $(GO) build -ldflags '$(LDFLAGS)' -o $(abspath $(OUT))/oblique-beam ./cmd/oblique-beam

# Its tests run batch, sweep and compare on Prism (in-process and a
# stand-alone job server) against the oblique command: about 2 minutes, plus
# several minutes of CPU to build Beam on a cold cache, so not in make test;
# .ci/run runs both.
test-beam: setup-beam
	cd beam && $(GO) vet ./... && $(GO) test -timeout 30m ./...

# The main job on the bundled data: the paper's Fig. 7B "BCI 1" recording.
demo: build
	$(OUT)/oblique analyze data/golub2018_bci/before.toml -o $(OUT)/golub2018-before.arrow

# scripts/testprogress runs go test -json: each package's result as it
# finishes, failing tests' output, and every 30 s the tests still running.
# OBLIQUE_REQUIRE_TOOLS: the tests that need Chromium and Node.js (which
# setup installs) fail instead of skipping when those are missing.
# scripts/test-kernels.sh then runs the kernel-dependent tests on every other
# kernel path this CPU supports (OBLIQUE_KERNEL) and the arm64 kernels under
# qemu-user. Then every fuzz target runs for FUZZTIME_SHORT (fuzz-short).
test: setup
	$(GO) vet ./...
	GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./internal/linalg/... ./models/rnn/... ./decode/...
	OBLIQUE_REQUIRE_TOOLS=1 $(GO) run ./scripts/testprogress ./...
	GO=$(GO) scripts/test-kernels.sh
	python3 -m unittest benchmarks/peerinfo_test.py
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME_SHORT)
	$(GO) build -ldflags '$(LDFLAGS)' -o $(OUT)/oblique ./cmd/oblique
	$(GO) run ./scripts/hostile -bin $(OUT)/oblique -n 5

# Mutated copies of the bundled real files through every reading command
# (scripts/hostile): counts of clean errors, panics, hangs, exit-0 NaN and
# the peak memory. make test runs 5 per target; this runs HOSTILE_N.
HOSTILE_N ?= 200
hostile: build
	$(GO) run ./scripts/hostile -bin $(OUT)/oblique -n $(HOSTILE_N)

# The fuzz targets listed in scripts/fuzz.sh, one after the other, each for
# FUZZTIME (fuzz) or FUZZTIME_SHORT (fuzz-short, part of test).
FUZZTIME ?= 10m
FUZZTIME_SHORT ?= 3s
fuzz: setup
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME)

fuzz-short: setup
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME_SHORT)

# Benchmarks against scikit-learn on the same machine (needs /usr/bin/python3
# with python3-sklearn; see benchmarks/README.md).
bench: setup
	benchmarks/run.sh

# The NWB reading and preprocessing benchmark against h5py + NumPy: generates
# a ~50 MB NLB-like file in a temporary folder (see benchmarks/nwb_bench.sh).
bench-nwb: setup
	benchmarks/nwb_bench.sh

# One RNN training step against PyTorch (needs python3-torch).
bench-rnn: setup
	benchmarks/rnn.sh

# Retrains the bundled networks from scratch (models/bundled/sweep.toml)
# into $(OUT)/models; resumable: run it again after an interruption.
models: build
	$(OUT)/oblique sweep models/bundled/sweep.toml -o $(OUT)/models

clean:
	rm -rf $(OUT)
