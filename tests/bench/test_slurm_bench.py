"""A benchmark and a sharded `obligations run` through a real Slurm cluster (the `slurm_cluster`
fixture in conftest.py): the work runs as Slurm jobs, and gives what a local run gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.metrics import read_metrics
from obligations.bench.executors import SlurmExecutor
from obligations.bench.runner import run_benchmark
from obligations.synth import generate

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
          "metrics_aggregators;filter_doc_class;filter_question_type;service;precision;mode;remote_url\n")
ROWS = [
    "synth;VQA;Tesseract;tesseract;;;['CER', 'EXACT'];False;['by_doc_question', 'general'];;;tesseract;;;",
    "synth;VQA;Tesseract;tesseract;;;['CER'];False;['general'];snils;;tesseract;;;",
    "synth;VQA;Tesseract;tesseract;;;['WER'];False;['by_doc_type'];inn;;tesseract;;;",
]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("slurm-bench")
    for doc_type in ("snils", "inn"):
        generate(doc_type, 2, root / "synth", degrade="none", seed=11)
    (root / "config.csv").write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8-sig")
    return root


def metrics_of(out: Path) -> dict[str, list[dict]]:
    return {path.name: read_metrics(path) for path in sorted((out / "ModelsMetrics").glob("*.csv"))}


def test_three_task_benchmark_runs_as_slurm_jobs_and_matches_a_local_run(slurm_cluster, data, monkeypatch):
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    slurm = run_benchmark(data / "config.csv", data / "slurm", executor="slurm",
                          slurm=SlurmExecutor(poll_s=0.5), echo=lambda _: None)
    local = run_benchmark(data / "config.csv", data / "local", jobs=2, gpus=[], echo=lambda _: None)
    assert not slurm.failed and not local.failed
    manifest = json.loads((data / "slurm" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["executor"] == "slurm" and len(manifest["slurm_arrays"]) == 1
    array = manifest["slurm_arrays"][0]
    assert [task["job"]["job_id"] for task in manifest["tasks"]] == [f"{array}_{i}" for i in range(3)]
    assert all(task["job"]["node"] for task in manifest["tasks"])
    ours, theirs = metrics_of(data / "slurm"), metrics_of(data / "local")
    assert len(ours) == 4 and ours.keys() == theirs.keys()
    for name in ours:
        for row, other in zip(ours[name], theirs[name]):
            assert {k: v for k, v in row.items() if "latency" not in k} == \
                   {k: v for k, v in other.items() if "latency" not in k}, name


def test_sharded_run_through_slurm_matches_a_local_run(slurm_cluster, data, tmp_path):
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}

    def obligations(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "obligations", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=300)

    inputs = sorted((data / "synth").glob("*.png"))
    assert len(inputs) == 4
    local = obligations("run", *map(str, inputs), "-o", str(tmp_path / "local"), "-q", "--ocr-service", "tesseract",
                        "--jobs", "1")
    assert local.returncode == 0, local.stderr
    sharded = obligations("run", *map(str, inputs), "-o", str(tmp_path / "slurm"), "--ocr-service", "tesseract",
                          "--jobs", "1", "--executor", "slurm", "--shards", "2")
    assert sharded.returncode == 0, sharded.stderr
    manifest = json.loads((tmp_path / "slurm" / "manifest.json").read_text(encoding="utf-8"))
    array = manifest["slurm_arrays"][0]
    assert [shard["job_id"] for shard in manifest["shards"]] == [f"{array}_0", f"{array}_1"]
    assert [shard["files"] for shard in manifest["shards"]] == [[str(p) for p in inputs[:2]],
                                                               [str(p) for p in inputs[2:]]]
    for path in inputs:
        ours = json.loads((tmp_path / "slurm" / f"{path.stem}.json").read_text(encoding="utf-8"))
        theirs = json.loads((tmp_path / "local" / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert ours["documents"] == theirs["documents"]
