# The two commands of this repository: `make test` and `make run` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make run    the whole system: private PostgreSQL in .data/, five services, gateway; prints the URL"
	@echo "make stop   stop what make run started"
	@echo "make test   install missing packages, start a throwaway PostgreSQL, run swift test (XCTest and Swift Testing)"
	@echo "make bench  messaging benchmarks, then the whole system against the direct-SQL floor (writes the results table in README)"
	@echo "make reconcile  check that the money of the make run system adds up (non-zero exit when not)"

deps:
	@scripts/install-deps.sh

# The browser test drives Debian's headless Chromium; the compose test validates
# docker-compose.yml with Debian's docker-compose (no engine needed); gdb prints the
# threads of a process that does not stop in time; poppler-utils reads the PDFs back
# (pdftotext); python3-venv holds schemathesis
# (scripts/install-schemathesis.sh), which fuzzes the API against docs/openapi.json.
TEST_PACKAGES := chromium chromium-driver python3-selenium poppler-utils docker-compose gdb python3-venv

test:
	@scripts/install-deps.sh $(TEST_PACKAGES)
	@scripts/install-schemathesis.sh
	scripts/with-test-postgres.sh swift test

run:
	@scripts/run.sh

stop:
	@scripts/stop.sh

# wrk drives the HTTP load; pgbench (with postgresql) runs the direct-SQL floor.
bench: deps
	@scripts/install-deps.sh wrk
	swift build -c release
	scripts/with-test-postgres.sh scripts/bench.sh

reconcile:
	@scripts/reconcile.sh

.PHONY: help deps run stop test bench reconcile
