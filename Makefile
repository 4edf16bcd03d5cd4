# Everything a fresh machine needs is installed by these targets.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build test schema bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(PY) build.py

# The browser tests drive Debian's Chromium; install it when it is missing (as root).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium

# PDF leaves: LibreOffice (headless), poppler (page images, font checks) and Debian's
# python3-uno, through which the table of contents is updated before export.
SOFFICE := /usr/bin/soffice

$(SOFFICE):
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		libreoffice-writer-nogui poppler-utils python3-uno

build: $(SOFFICE)

test: $(STAMP) $(CHROMIUM) $(SOFFICE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

schema: $(STAMP)
	$(VENV)/bin/dossier schema

bench: $(STAMP)
	$(PY) benchmarks/bench_validate.py
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_site.py
	$(PY) benchmarks/bench_diff.py

clean:
	rm -rf $(VENV) build
