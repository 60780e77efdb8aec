# Two entry points for a fresh machine: `make demo` (the main job) and `make test` (every test).
# Both build the virtual environment in .venv first; nothing needs installing by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint release clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,browser]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dnnkit demo

test: $(STAMP) lint browser
	$(BIN)/python -m pytest

# Debian's Chromium for the browser test (tests/browser), which Playwright drives without
# downloading a browser of its own. Installed where it is missing and we are root with apt-get;
# elsewhere the browser test skips and says why.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

release: $(STAMP)
	$(BIN)/dnnkit release

clean:
	rm -rf $(VENV)
