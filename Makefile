# Off-Grid Power developer commands. `make test` and `make demo` need nothing
# but a Python >= 3.13 somewhere on the machine (see scripts/find-python).

VENV      := .venv
VENV_NEW  := .venv-ha2026
VENV_ESP  := .venv-esphome
PIP_FLAGS := --quiet --disable-pip-version-check
PYTEST    := python -m pytest -p no:cacheprovider -n 2 --dist loadgroup

# The requirements of the HA integrations we load, as pinned by the HA
# release installed in the venv ($(1)).
define install_ha_components
	$(1)/bin/python -m scripts.ha_requirements $$(grep -v '^#' requirements/ha-components.txt) > $(1)/ha-components.txt
	$(1)/bin/pip install $(PIP_FLAGS) $(2) -r $(1)/ha-components.txt
endef

.PHONY: setup test test-ha2025 test-ha2026 test-stress lint demo bench clean

setup: $(VENV)/.installed $(VENV_NEW)/.installed $(VENV_ESP)/.installed

# HA 2025.4.4: the oldest release we support, and the one the demo runs.
$(VENV)/.installed: requirements/ha-2025.4.txt requirements/test.txt requirements/ha-components.txt
	@test -x $(VENV)/bin/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/ha-2025.4.txt
	$(call install_ha_components,$(VENV))
	@touch $@

# HA 2026.2.3 declares Python >= 3.13.2; on 3.13.0 it installs only when told
# to ignore that, which is acceptable for running the tests.
$(VENV_NEW)/.installed: requirements/ha-2026.2.txt requirements/test.txt requirements/ha-components.txt
	@test -x $(VENV_NEW)/bin/python || "$$(scripts/find-python)" -m venv $(VENV_NEW)
	$(VENV_NEW)/bin/pip install $(PIP_FLAGS) --ignore-requires-python -r requirements/ha-2026.2.txt
	$(call install_ha_components,$(VENV_NEW),--ignore-requires-python)
	@touch $@

# ESPHome pins its own dependencies, which clash with Home Assistant's.
$(VENV_ESP)/.installed: requirements/esphome.txt
	@test -x $(VENV_ESP)/bin/python || "$$(scripts/find-python)" -m venv $(VENV_ESP)
	$(VENV_ESP)/bin/pip install $(PIP_FLAGS) -r requirements/esphome.txt
	@touch $@

test: setup lint test-ha2025 test-ha2026

test-ha2025: $(VENV)/.installed $(VENV_ESP)/.installed
	@echo "== tests on Home Assistant 2025.4.4"
	$(VENV)/bin/$(PYTEST)

test-ha2026: $(VENV_NEW)/.installed $(VENV_ESP)/.installed
	@echo "== tests on Home Assistant 2026.2.3"
	$(VENV_NEW)/bin/$(PYTEST)

# The suite three times in a row while stress-ng keeps every core busy: a test
# that depends on timing fails here before it fails on a user's busy machine.
# stress-ng comes from the distribution (Debian/Ubuntu: apt-get).
STRESS_RUNS := 3
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

test-stress: $(VENV)/.installed $(VENV_ESP)/.installed
	@command -v stress-ng >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq stress-ng; }
	@stress-ng --cpu 0 --quiet --timeout 4h & load=$$!; trap "kill $$load" EXIT; failed=0; \
	for run in $$(seq $(STRESS_RUNS)); do \
		echo "== run $$run of $(STRESS_RUNS) on Home Assistant 2025.4.4, every core busy"; \
		$(VENV)/bin/$(PYTEST) || failed=1; \
	done; exit $$failed

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy custom_components/offgrid_power simulators benchmarks scripts

demo: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.demo

bench: $(VENV)/.installed $(VENV_NEW)/.installed
	$(VENV)/bin/python -m benchmarks

clean:
	rm -rf $(VENV) $(VENV_NEW) $(VENV_ESP) build
