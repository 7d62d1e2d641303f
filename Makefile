# The README's two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Test processes: one per core (pytest-xdist); a test file stays in one process, so its
# module fixtures are built once. `make test TEST_WORKERS=0` runs everything in one process.
TEST_WORKERS ?= auto
# apt waits for another apt or dpkg (an unattended upgrade, a second `make`) to let go of its
# lock instead of failing at once; `update` is retried for the lists' lock as well.
APT    := $(SUDO) apt-get -o DPkg::Lock::Timeout=600

.PHONY: run test install browser demo lint bench bench-l bench-load bench-browser bench-monday clean

run: install  ## install, write the demo company if the store is empty, open the dashboard
	$(BIN)/okr-health demo --if-missing
	$(BIN)/okr-health serve

test: install browser  ## install, then run every test (unit, pages, real browser)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

browser:  ## Debian's Chromium for the browser tests (Playwright cannot download its own here), and nginx for the proxy test
	@{ command -v chromium && { command -v nginx || test -x /usr/sbin/nginx; }; } >/dev/null 2>&1 || { \
	  for try in 1 2 3; do $(APT) update -qq && break; sleep 20; done && \
	  DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq chromium nginx >/dev/null; }

demo: install
	$(BIN)/okr-health demo

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: install  ## benchmarks on the M company (L with `make bench-l`)
	$(BIN)/python -m benchmarks.run --sizes S,M

bench-l: install
	$(BIN)/python -m benchmarks.run --sizes S,M,L2,L

bench-monday: install browser  ## Monday's import: report, ingest, page views against the DuckDB limit, M then L4
	$(BIN)/python -m benchmarks.monday --size M
	$(BIN)/python -m benchmarks.monday --size L4

bench-load: install browser  ## ten viewers at once through nginx, 1 and 2 replicas
	$(BIN)/python -m benchmarks.load --sessions 10 --rounds 3 --replicas 1,2

bench-browser: install browser  ## every page in Chromium: first render and page switch, demo and M
	$(BIN)/python -m benchmarks.browser --repeat 5
	$(BIN)/python -m benchmarks.browser --size M --repeat 5

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
