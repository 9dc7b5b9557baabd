"""SlurmExecutor against a real Slurm cluster (the `slurm_cluster` fixture in conftest.py):
the work runs as array elements with job ids and a node, and gives what a local run gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.executors import Job, LocalExecutor, SlurmError, SlurmExecutor

pytestmark = pytest.mark.slurm

# Writes a file derived from its arguments and environment, and says where it ran.
WORKER = """
import hashlib, json, os, sys
out, *words = sys.argv[1:]
digest = hashlib.sha256("\\x00".join(words).encode()).hexdigest()
with open(out, "w") as handle:
    json.dump({"words": words, "digest": digest, "mark": os.environ.get("MARK"), "cwd": os.getcwd()}, handle)
print("wrote", out)
"""


def node_names() -> set[str]:
    proc = subprocess.run(["sinfo", "--noheader", "--Node", "--format=%N"], capture_output=True, text=True, check=True)
    return {line.strip() for line in proc.stdout.splitlines() if line.strip()}


def make_jobs(root: Path) -> list[Job]:
    workdir = root / "work"
    workdir.mkdir(parents=True)
    words = [["a b", "it's"], ["line\nbreak", "$HOME"], ["Привет", "", "-x"]]
    return [
        Job(f"task{i}", [sys.executable, "-c", WORKER, str(root / "out" / f"task{i}.json"), *words[i]],
            workdir, root / "logs" / f"task{i}.log", {"MARK": f"mark {i}"})
        for i in range(3)
    ]


def test_three_jobs_run_as_slurm_array_elements_and_match_a_local_run(slurm_cluster, tmp_path):
    for name in ("slurm", "local"):
        (tmp_path / name / "out").mkdir(parents=True)
    executor = SlurmExecutor(poll_s=0.2, timeout_s=120)
    seen = []
    results = executor.run(make_jobs(tmp_path / "slurm"), tmp_path / "array", on_done=seen.append)
    local = LocalExecutor(None, jobs=3).run(make_jobs(tmp_path / "local"))

    assert len(executor.submitted) == 1
    array_id = executor.submitted[0]
    assert [result.job_id for result in results] == [f"{array_id}_{i}" for i in range(3)]
    assert sorted(result.name for result in seen) == ["task0", "task1", "task2"]
    nodes = node_names()
    for slurm_result, local_result in zip(results, local):
        assert slurm_result.ok, slurm_result.tail
        assert slurm_result.node in nodes
        assert local_result.ok and local_result.job_id is None
        name = slurm_result.name
        slurm_out = (tmp_path / "slurm" / "out" / f"{name}.json").read_text()
        local_out = (tmp_path / "local" / "out" / f"{name}.json").read_text()
        assert slurm_out.replace(str(tmp_path / "slurm"), "ROOT") == local_out.replace(str(tmp_path / "local"), "ROOT")
        assert (tmp_path / "slurm" / "logs" / f"{name}.log").read_text().startswith("wrote ")
    # Slurm itself knew the elements: its own log for each exists under the array directory.
    assert sorted(path.name for path in (tmp_path / "array" / "slurm-logs").iterdir()) == [
        f"{array_id}_{i}.log" for i in range(3)
    ]


def test_failed_and_cancelled_elements_are_reported(slurm_cluster, tmp_path):
    jobs = [
        Job("fails", ["sh", "-c", "echo broken >&2; exit 5"], tmp_path, tmp_path / "fails.log"),
        # An element that Slurm ends before it can write its status file.
        Job("cancelled", ["sh", "-c", 'scancel "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"; sleep 30'],
            tmp_path, tmp_path / "cancelled.log"),
        Job("fine", ["true"], tmp_path, tmp_path / "fine.log"),
    ]
    results = SlurmExecutor(poll_s=0.2, status_grace_s=1.0, timeout_s=120).run(jobs, tmp_path / "array")
    fails, cancelled, fine = results
    assert fails.returncode == 5 and "broken" in fails.tail
    assert cancelled.returncode is None and "CANCELLED" in cancelled.tail
    assert fine.ok


def test_timeout_cancels_the_array(slurm_cluster, tmp_path):
    jobs = [Job("sleeps", ["sleep", "60"], tmp_path, tmp_path / "sleeps.log")]
    executor = SlurmExecutor(poll_s=0.2, timeout_s=2)
    with pytest.raises(SlurmError, match="not finished after 2s: cancelled"):
        executor.run(jobs, tmp_path / "array")
    array_id = executor.submitted[0]
    proc = subprocess.run(
        ["squeue", "--noheader", "--array", "--states=all", f"--jobs={array_id}", "--format=%T"],
        capture_output=True, text=True,
    )
    # Gone from the queue, or listed as cancelled / being cancelled.
    assert set(proc.stdout.split()) <= {"CANCELLED", "COMPLETING"}
