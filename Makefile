# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup setup-test

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

run: setup
	.venv/bin/plan-assistant serve

test: setup-test
	.venv/bin/python -m pytest
