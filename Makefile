# Two commands on a fresh Debian/Ubuntu machine:  `make demo`  and  `make test`.
# Both install what is missing first: the bioinformatics tools from the distribution
# (when run as root; otherwise the apt-get line to run is printed) and a .venv with the
# pinned Python packages of pyproject.toml.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= all
APT_PACKAGES := bwa samtools bcftools tabix fastp fastqc multiqc freebayes delly snpeff \
	mosdepth default-jre-headless libhts-dev chromium

SLURM_PACKAGES := slurm-wlm munge

.PHONY: setup tools venv demo test test-fast test-slurm bench lint format clean

setup: tools venv

tools:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Missing tools: $$missing. Install them, or use conda: snakemake --sdm conda"; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "Missing packages: run  sudo apt-get install --no-install-recommends $$missing"; \
		echo "(or use conda instead: snakemake --sdm conda --cores N)"; exit 1; fi; \
	echo "Installing $$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[workflow,dev]'
	touch $@

demo: setup
	$(BIN)/snakemake --cores $(CORES)

test: setup
	$(BIN)/pytest -v; status=$$?; [ $$status -eq 5 ] && echo "no tests collected" && status=0; exit $$status

# Unit, golden and robustness tests without a Snakemake run: seconds, for the edit-test loop.
test-fast: venv
	$(BIN)/pytest -q -m "not workflow" tests/unit tests/golden tests/robustness

# The whole workflow on simulated data (mason_variator + wgsim) against the bare tools, the
# simulator's truth and Snakemake's own planning floor; writes bench/RESULTS.md. Options:
# make bench BENCH_ARGS="--genome-mb 10 --depth 30 --tumour-depth 100" (or "--quick": 1 Mb).
BENCH_ARGS ?=
bench: setup
	@if [ ! -x /usr/lib/seqan/bin/mason_variator ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make bench needs mason_variator: sudo apt-get install seqan-apps"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends seqan-apps >/dev/null; \
	fi
	$(BIN)/python bench/workflow_scale.py $(BENCH_ARGS)

# The demo on a real one-node SLURM cluster on this machine, through profiles/slurm and
# profiles/cluster-generic (needs root): installs slurm-wlm and munge, and
# tests/slurm/cluster.sh starts munged, slurmctld and slurmd and stops them afterwards.
test-slurm: setup
	@if [ "$$(id -u)" != 0 ]; then \
		echo "make test-slurm starts SLURM daemons and needs root (sudo make test-slurm)"; exit 1; fi; \
	missing=$$(for p in $(SLURM_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	bash tests/slurm/cluster.sh $(BIN)/pytest -v tests/slurm/workflow_on_slurm.py

lint: venv
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/snakefmt Snakefile workflow
	$(BIN)/ruff format .

clean:
	rm -rf results logs benchmarks .snakemake
