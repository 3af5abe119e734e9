# One command to run the app, one to test it; both set up the locked virtual environment first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots lock clean dist dist-check

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Word frequencies from wordfreq, built once (build output, not committed).
WORDS := resources/words/es.tsv resources/words/en.tsv
$(WORDS) &: packaging/build_words.py $(STAMP)
	$(PY) packaging/build_words.py

run: $(STAMP) $(WORDS)
	$(VENV)/bin/aidioma $(ARGS)

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
test: $(STAMP) $(WORDS)
	@packaging/test-system-packages.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

screenshots: $(STAMP) $(WORDS)
	AIDIOMA_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/ui/test_screenshots.py

# The installers of this OS in dist/ (packaging/build.py; packaging/README.md).
dist: $(STAMP) $(WORDS)
	$(PY) packaging/build.py

# Build, then try what was built as a person would: install, upgrade, start, remove (as root).
dist-check: dist
	$(PY) packaging/dist_check.py

bench: $(STAMP) $(WORDS)
	$(PY) -m benchmarks $(AREA) --json

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev,server,postgresql,mariadb]'
	{ echo "# Locked, exact versions of every dependency (runtime + test tools), installed by 'make'."; \
	  echo "# Regenerate: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | sort -f; echo "setuptools==80.9.0"; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) build dist *.egg-info
