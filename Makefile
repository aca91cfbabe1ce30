# afpools: two commands for a new machine.
#   make run   sets up .venv and starts the board on the embedded defaults
#   make test  installs what the tests need (apt packages, .venv, test servers) and runs them

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

# Debian packages the board needs at run time (PyQt5's wheels bring Qt, not these), and
# python3-venv: Debian's python3 cannot make the .venv without it.
APT_RUN := python3-venv libgl1 libegl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 \
	libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 \
	fonts-dejavu-core iproute2
# ...and the tests: g++ for the std::regex harness that checks every mask, Xvfb and xdotool
# for the real mouse drag, iproute2 for the namespace LAN, curl for the service's HTTP tests,
# and the X libraries that bpy (Blender as a module, the `blender` tests) loads.
APT_TEST := $(APT_RUN) g++ xvfb xdotool curl \
	libx11-6 libxrender1 libxfixes3 libxi6 libxext6 libsm6 libice6

.PHONY: run test apt-run apt-test clean

run: apt-run $(VENV)/.run-deps
	$(PY) main.py

test: apt-test $(VENV)/.dev-deps
	$(PY) -m pytest

apt-run:
	@PACKAGES="$(APT_RUN)" sh .ci/apt-install

apt-test:
	@PACKAGES="$(APT_TEST)" sh .ci/apt-install

$(VENV)/bin/python: | apt-run
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build
