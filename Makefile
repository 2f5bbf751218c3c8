# Two commands from a clean clone: `make demo` and `make test`. Everything lives in ./.venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo serve test test-fast bench screenshots notebook clean

install: $(STAMP)

# torch is pinned first: sentence-transformers would otherwise pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[st,test,notebook,web,ray]"
	touch $(STAMP)

LG := $(BIN)/lawgov-nlp

demo: $(STAMP)
	$(LG) inspect corpus --summary
	$(LG) index build
	$(LG) search "行政复议体制改革怎么推进" -k 5
	$(LG) search "怎样减少企业办事跑腿次数" -k 5 --explain
	$(LG) diff-plans corpus/gangyao-2021-2025-outline.txt corpus/hebei-handan-district-plan-2021-2025.txt
	mkdir -p reports
	$(LG) diff-plans gangyao-2021-2025-outline --all --index default --format html -o reports/diff-plans.html --force
	$(LG) diff-plans gangyao-2021-2025-outline --all --index default --matrix --format csv -o reports/matrix.csv --force
	@echo
	@echo "Next: the same in a browser -- run  make serve  (or .venv/bin/lawgov-nlp serve) and open http://127.0.0.1:8000/"

# The local web app over indexes/default (Ctrl-C to stop).
serve: $(STAMP)
	$(LG) serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

# without the tests marked slow: those that load a real encoder (USE, e5, MiniLM), see tests/conftest.py
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Jupyter on the project's environment; the kernel is registered inside .venv.
notebook: $(STAMP)
	$(BIN)/pip install --quiet jupyterlab
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lawgov-nlp)"
	cd notebooks && ../$(BIN)/jupyter lab

bench: $(STAMP)
	mkdir -p reports
	$(BIN)/python scripts/bench_search.py --json reports/bench_search.json
	$(BIN)/python scripts/bench_diff.py
	$(BIN)/python scripts/bench_hostile.py
	$(BIN)/python scripts/bench_serve.py --json reports/bench_serve.json

# docs/*.png from the real app and report (needs Debian's chromium and indexes/default)
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) indexes/default reports .pytest_cache
