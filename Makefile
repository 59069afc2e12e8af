# Off-Grid Power developer commands. `make test` needs a Python 3.13 (the floor
# leg, see scripts/find-python) and either a Python >= 3.14.2 or root on a
# Debian-family machine (the newest leg, see scripts/newest-leg).

VENV      := .venv
VENV_ESP  := .venv-esphome
PIP_FLAGS := --quiet --disable-pip-version-check
COVERAGE  := --cov=custom_components/offgrid_power --cov-report=term-missing:skip-covered --cov-fail-under=95
PYTEST    := python -m pytest -p no:cacheprovider -n 2 --dist loadgroup
FLOOR     := Home Assistant 2025.4.4
NEWEST    := Home Assistant 2026.10.4

.PHONY: setup setup-newest test test-floor test-newest test-stress lint demo bench screenshots clean

# The three environments download independently: make -j3 builds them at once.
setup: $(VENV)/.installed $(VENV_ESP)/.installed setup-newest

# The floor: the oldest release we support, and the one the demo runs.
$(VENV)/.installed: requirements/ha-2025.4.txt requirements/test.txt requirements/browser.txt requirements/ha-components.txt scripts/build-venv scripts/ha_requirements.py
	scripts/build-venv "$$(scripts/find-python 3.13 3.14)" $(VENV) requirements/ha-2025.4.txt

# The newest release (requirements/ha-2026.10.txt), on Python >= 3.14.2.
setup-newest:
	scripts/newest-leg setup

# ESPHome pins its own dependencies, which clash with Home Assistant's.
$(VENV_ESP)/.installed: requirements/esphome.txt
	@test -x $(VENV_ESP)/bin/python || "$$(scripts/find-python 3.13 3.14)" -m venv $(VENV_ESP)
	$(VENV_ESP)/bin/pip install $(PIP_FLAGS) -r requirements/esphome.txt
	@touch $@

test:
	$(MAKE) -j3 setup
	$(MAKE) lint test-floor test-newest

# Coverage is measured on the floor leg, which also runs the ESPHome tests.
test-floor: $(VENV)/.installed $(VENV_ESP)/.installed
	@echo "== tests on $(FLOOR)"
	$(VENV)/bin/$(PYTEST) $(COVERAGE)

# The ESPHome tests check YAML and C++ that no Home Assistant release touches:
# they run on the floor leg only.
test-newest: setup-newest
	@echo "== tests on $(NEWEST)"
	scripts/newest-leg run $(PYTEST) --ignore=tests/esphome

# The suite on both legs three times in a row while stress-ng keeps every core
# busy: a test that depends on timing fails here before it fails on a user's
# busy machine. Every round runs to the end; the failed ones are named last.
# The browser tests must run, as on CI: they are the most exposed to timing.
# stress-ng comes from the distribution (Debian/Ubuntu: apt-get).
# `make test-stress STRESS_RUNS=1` for a single round.
STRESS_RUNS := 3
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LOADAVG     := load $$(cut -d' ' -f1-3 /proc/loadavg)

test-stress: export OFFGRID_BROWSER_TESTS := required
test-stress: $(VENV)/.installed $(VENV_ESP)/.installed setup-newest
	@command -v stress-ng >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq stress-ng; }
	@stress-ng --cpu 0 --quiet --timeout 8h & load=$$!; trap "kill $$load" EXIT; failed=""; \
	for run in $$(seq $(STRESS_RUNS)); do \
		echo "== run $$run of $(STRESS_RUNS) on $(FLOOR), every core busy ($(LOADAVG))"; \
		$(VENV)/bin/$(PYTEST) || failed="$$failed $$run/floor"; \
		echo "== run $$run of $(STRESS_RUNS) on $(NEWEST), every core busy ($(LOADAVG))"; \
		scripts/newest-leg run $(PYTEST) --ignore=tests/esphome || failed="$$failed $$run/newest"; \
	done; \
	[ -z "$$failed" ] || { echo "== failed rounds:$$failed"; exit 1; }

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy custom_components/offgrid_power simulators benchmarks scripts

demo: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.demo

# The README's pictures: the browser tests photograph the demo (they need
# Debian's chromium), and the two the README shows are kept in images/.
screenshots: $(VENV)/.installed
	OFFGRID_BROWSER_TESTS=required $(VENV)/bin/python -m pytest -p no:cacheprovider -n 0 tests/e2e/test_browser.py
	mkdir -p images
	cp build/screenshots/system-dashboard.png build/screenshots/device-page.png images/

# On the newest leg: core's victron_ble, the Victron benchmarks' peer, is there.
bench: setup-newest
	scripts/newest-leg run python -m benchmarks

clean:
	rm -rf $(VENV) .venv-newest $(VENV_ESP) build
