# afpools: two commands for a new machine.
#   make run   sets up .venv and starts the board on the embedded defaults
#   make test  installs what the tests need (apt packages, .venv, test servers) and runs them

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

# Debian packages: the C++ compiler for the std::regex harness that checks every mask.
APT_TEST := g++

.PHONY: run test apt-test clean

run: $(VENV)/.run-deps
	$(PY) main.py

test: apt-test $(VENV)/.dev-deps
	$(PY) -m pytest

# Install only what is missing; needs root or sudo, and only Debian/Ubuntu's apt.
apt-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then echo "Please install:$$missing"; exit 1; fi; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		echo "Installing Debian packages:$$missing"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build
