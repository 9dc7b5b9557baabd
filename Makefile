# Two commands do everything on a fresh machine:
#   make run    install (system Tesseract when root, .venv, the package) and read input/ into output/
#   make test   install with the test extras and run the test suite
.PHONY: setup setup-test run test bench clean

setup:
	./scripts/setup.sh

setup-test:
	EXTRAS=test ./scripts/setup.sh

run: setup
	.venv/bin/obligations run input/ --out output/

test: setup-test
	.venv/bin/python -m pytest -q -n auto -p no:cacheprovider

bench: setup
	.venv/bin/python benchmarks/cpu_throughput.py

clean:
	rm -rf .venv build *.egg-info output/*.json output/*.png
