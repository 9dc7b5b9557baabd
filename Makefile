# Two commands do everything on a fresh machine:
#   make run    install (system Tesseract when root, .venv, the package) and read input/ into output/
#   make test   install with the test, model, server and benchmark extras and run the test suite
#               (model tests build tiny random models on the CPU: no GPU, no download)
.PHONY: setup setup-test run test bench clean

setup:
	./scripts/setup.sh

setup-test:
	EXTRAS=test,gpu,serve,bench ./scripts/setup.sh

run: setup
	.venv/bin/obligations run input/ --out output/

test: setup-test
	.venv/bin/python -m pytest -q -n auto -p no:cacheprovider

bench: setup
	.venv/bin/python benchmarks/cpu_throughput.py

clean:
	rm -rf .venv build *.egg-info output/*.json output/*.png
