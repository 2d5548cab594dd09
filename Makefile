# himozuke — two commands on a fresh machine with Python 3.11: `make demo`, `make test`.
# Both create .venv themselves; `make test` also installs the Debian packages the tests drive (as root).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# chromium: the browser tests of the web UI (tests/web, Playwright drives /usr/bin/chromium; no browser download)
APT_PACKAGES := libreoffice-calc-nogui fonts-noto-cjk chromium

.PHONY: demo serve-demo test lint bench bench-versus bench-scaling bench-splink bench-lookup fuzz faults mutate apt-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

demo: $(STAMP)
	$(BIN)/himozuke demo --out demo-output
	$(BIN)/himozuke survey demo --out demo-output/survey
	@echo "画面で見る / web UI (the demo run loaded): make serve-demo  → http://127.0.0.1:8000/"

# the web UI on the demo's store and run (the demo store's passphrase: himozuke.testing.demo_cases.DEMO_PASSPHRASE)
serve-demo: $(STAMP)
	HIMOZUKE_PASSPHRASE=himozuke-demo-passphrase $(BIN)/himozuke serve --store demo-output/cases.db --runs demo-output/web-runs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) apt-deps lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

bench-versus: $(STAMP)
	$(BIN)/python benchmarks/versus.py --old $(OLD)

bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/scaling.py --sizes 1000000,2000000,5000000,10000000 --memory-limit 3G

# issue #19 part 5: the re-check of 1 % changed rows against a full check, at both sizes in one run (~25 min, 30 GB
# of inputs and outputs under bench-output/)
bench-recheck: $(STAMP)
	$(BIN)/python benchmarks/recheck.py --pairs 1000000,10000000 --repeat 2

bench-lookup: $(STAMP)
	$(BIN)/python benchmarks/lookup.py

bench-splink: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/splink_peer.py --pairs 1000000 --repeat 3

# issue #22's ten faults (wrong verdicts, leaked numbers), each put into a copy of the code: every one must fail a test
faults: $(STAMP) apt-deps
	$(BIN)/python scripts/faults.py

fuzz: $(STAMP)
	$(BIN)/pip install --quiet -e '.[fuzz]'
	$(BIN)/python fuzz/run.py --runs 100000

# Mutation testing of the rule modules (docs/testing.md "Mutation testing"; [tool.mutmut] in pyproject.toml):
# a fresh run every time (48 min on this 2-core machine, measured: docs/testing.md), then the summary;
# fails when the run is incomplete or unexplained survivors exceed 5 %.
mutate: $(STAMP)
	$(BIN)/pip install --quiet -e '.[mutate]'
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python scripts/mutate_report.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .hypothesis mutants
