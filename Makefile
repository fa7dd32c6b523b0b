# oblique — see README.md. `make demo` and `make test` set up what they need.
GO ?= go
OUT ?= out

.PHONY: all setup demo test bench build clean

all: build

setup:
	@scripts/setup.sh

build: setup
	$(GO) build -o $(OUT)/oblique ./cmd/oblique

# The main job on the bundled data: the paper's Fig. 7B "BCI 1" recording.
demo: build
	$(OUT)/oblique analyze data/golub2018_bci/before.toml -o $(OUT)/golub2018-before.arrow

test: setup
	$(GO) vet ./...
	$(GO) test ./...

# Benchmarks against scikit-learn on the same machine (needs /usr/bin/python3
# with python3-sklearn; see benchmarks/README.md).
bench: setup
	benchmarks/run.sh

clean:
	rm -rf $(OUT)
