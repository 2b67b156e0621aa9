# The two commands of this repository: `make test` and `make run` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make test   install missing packages, start a throwaway PostgreSQL, run swift test (XCTest)"
	@echo "make bench  messaging benchmarks (command round trip, events/s) on a throwaway PostgreSQL"

deps:
	@scripts/install-deps.sh

test: deps
	scripts/with-test-postgres.sh swift test --disable-swift-testing

bench: deps
	swift build -c release --product MessagingBench
	scripts/with-test-postgres.sh .build/release/MessagingBench

.PHONY: help deps test bench
