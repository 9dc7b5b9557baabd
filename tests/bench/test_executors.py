"""The local executor's parallelism, GPU pinning, failures and Ctrl-C, and the Slurm script
and follow logic without a cluster (the generated script is run with bash, Slurm's
commands are small fakes on PATH)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obligations.bench.executors import (
    Job,
    LocalExecutor,
    SlurmError,
    SlurmExecutor,
    bash_word,
    split_into_shards,
    _element_numbers,
    element_states,
)
from obligations.errors import MissingDependency, UsageError

AWKWARD_ARGS = [
    "plain",
    "",
    "two words",
    "it's",
    'say "hi"',
    "$HOME `id` $(id) ; | & > <",
    "line one\nline two",
    "tab\there",
    "back\\slash\\",
    "-n",
    "*",
    "Привет, мир — ½",
    "bell\x07and\x7fdel",
]


def timed_job(directory: Path, name: str, seconds: float = 0.3) -> Job:
    """A job that records when it started and ended, and which GPU it was given."""
    command = (
        'date +%s.%N > "$1.start"; printf %s "$CUDA_VISIBLE_DEVICES" > "$1.gpu"; '
        f'sleep {seconds}; date +%s.%N > "$1.end"'
    )
    return Job(name, ["sh", "-c", command, "sh", name], directory, directory / f"{name}.log")


def intervals(directory: Path, names: list[str]) -> dict[str, tuple[float, float]]:
    return {
        name: (float((directory / f"{name}.start").read_text()), float((directory / f"{name}.end").read_text()))
        for name in names
    }


def most_at_once(spans: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def test_no_more_jobs_at_once_than_allowed(tmp_path):
    names = [f"job{i}" for i in range(5)]
    results = LocalExecutor(None, jobs=2).run([timed_job(tmp_path, name) for name in names])
    assert [result.name for result in results] == names
    assert all(result.ok for result in results)
    spans = intervals(tmp_path, names)
    assert most_at_once(list(spans.values())) == 2
    # Without GPUs every job is told so, rather than inheriting the parent's GPUs.
    assert {(tmp_path / f"{name}.gpu").read_text() for name in names} == {""}


def test_one_job_per_gpu_each_pinned_to_its_own(tmp_path):
    names = [f"job{i}" for i in range(4)]
    results = LocalExecutor([0, 1], jobs=8).run([timed_job(tmp_path, name) for name in names])
    spans = intervals(tmp_path, names)
    for result in results:
        assert (tmp_path / f"{result.name}.gpu").read_text() == result.gpu
    assert {result.gpu for result in results} == {"0", "1"}
    assert most_at_once(list(spans.values())) == 2
    # Two jobs that overlapped in time were never given the same GPU.
    for first in results:
        for second in results:
            a, b = spans[first.name], spans[second.name]
            if first.name != second.name and a[0] < b[1] and b[0] < a[1]:
                assert first.gpu != second.gpu


def test_a_crash_is_reported_and_the_others_finish(tmp_path):
    jobs = [
        Job("crash", ["sh", "-c", "echo working; echo boom >&2; exit 7"], tmp_path, tmp_path / "crash.log"),
        Job("slow", ["sh", "-c", "sleep 0.3; echo slow-done"], tmp_path, tmp_path / "slow.log"),
        Job("missing", [str(tmp_path / "no-such-program")], tmp_path, tmp_path / "missing.log"),
        Job("fast", ["sh", "-c", "echo fast-done"], tmp_path, tmp_path / "logs" / "fast.log"),
    ]
    seen = []
    results = LocalExecutor(None, jobs=2).run(jobs, on_done=seen.append)
    by_name = {result.name: result for result in results}
    assert sorted(result.name for result in seen) == sorted(by_name)
    assert by_name["crash"].returncode == 7
    assert by_name["crash"].tail.splitlines() == ["working", "boom"]
    assert "exit code 7" in by_name["crash"].describe()
    assert by_name["missing"].returncode == 127
    assert "could not start" in by_name["missing"].tail
    assert by_name["slow"].ok and by_name["fast"].ok
    assert (tmp_path / "slow.log").read_text() == "slow-done\n"
    assert (tmp_path / "logs" / "fast.log").read_text() == "fast-done\n"
    assert by_name["fast"].tail == ""


def test_job_environment_and_working_directory(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    job = Job("env", ["sh", "-c", 'printf "%s|%s" "$GREETING" "$PWD"'], workdir, tmp_path / "env.log", {"GREETING": "a b"})
    (result,) = LocalExecutor(None, jobs=1).run([job])
    assert result.ok
    assert (tmp_path / "env.log").read_text() == f"a b|{workdir}"


def test_bad_settings_and_jobs_are_refused(tmp_path):
    with pytest.raises(UsageError):
        LocalExecutor(None, jobs=0)
    twins = [Job("same", ["true"], tmp_path, tmp_path / f"{i}.log") for i in range(2)]
    with pytest.raises(ValueError, match="unique"):
        LocalExecutor(None, 2).run(twins)
    with pytest.raises(ValueError, match="environment variable"):
        LocalExecutor(None, 1).run([Job("x", ["true"], tmp_path, tmp_path / "x.log", {"A-B": "1"})])


RUNNER = """
import signal
import sys
from pathlib import Path
from obligations.bench.executors import Job, LocalExecutor
# A shell's background job (CI started as `cmd &`) inherits SIGINT ignored; a terminal's
# Ctrl-C is what this test is about, so take SIGINT back as Python does by default.
signal.signal(signal.SIGINT, signal.default_int_handler)
directory = Path(sys.argv[1])
# Each job leaves a grandchild behind it, to check the whole process group is ended.
jobs = [Job(f"sleeper{i}", ["sh", "-c", f"sleep 60 & echo $! > {directory}/grandchild{i}; echo $$ > {directory}/child{i}; wait"],
            directory, directory / f"sleeper{i}.log") for i in range(2)]
LocalExecutor(None, jobs=2).run(jobs)
"""


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_ends_the_children(tmp_path):
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(tmp_path)], stderr=subprocess.PIPE, text=True
    )
    pid_files = [tmp_path / f"{kind}{i}" for kind in ("child", "grandchild") for i in range(2)]
    deadline = time.monotonic() + 20
    while not all(path.exists() and path.read_text().strip() for path in pid_files):
        assert time.monotonic() < deadline, "the jobs did not start"
        time.sleep(0.05)
    pids = [int(path.read_text()) for path in pid_files]
    runner.send_signal(signal.SIGINT)
    _, stderr = runner.communicate(timeout=20)
    assert runner.returncode != 0
    assert "KeyboardInterrupt" in stderr
    deadline = time.monotonic() + 5
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in pids)


def test_ctrl_c_while_a_job_starts_ends_it_too(tmp_path):
    """The interrupt lands just as the second job has started, before the executor has it in
    its list (where a loaded machine once descheduled it): that job's group is ended as well."""
    runner_code = RUNNER.replace("LocalExecutor(None, jobs=2).run(jobs)", """
import os
start = LocalExecutor._start
def start_then_interrupted(self, index, job, slot):
    entry = start(self, index, job, slot)
    if index == 1:
        # Each child's pid is written after its grandchild's; the first job's shell, started
        # earlier, may still be writing its own on a loaded machine: both are waited for.
        children = [directory / "child0", directory / "child1"]
        while not all(child.exists() and child.read_text().strip() for child in children):
            pass
        os.kill(os.getpid(), signal.SIGINT)
    return entry
LocalExecutor._start = start_then_interrupted
LocalExecutor(None, jobs=2).run(jobs)
""")
    runner = subprocess.Popen([sys.executable, "-c", runner_code, str(tmp_path)], stderr=subprocess.PIPE, text=True)
    _, stderr = runner.communicate(timeout=30)
    assert runner.returncode != 0 and "KeyboardInterrupt" in stderr
    pids = [int((tmp_path / f"{kind}{i}").read_text()) for kind in ("child", "grandchild") for i in range(2)]
    deadline = time.monotonic() + 5
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in pids)


def test_shards_are_consecutive_and_even():
    assert split_into_shards(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert split_into_shards(["a", "b"], 5) == [["a"], ["b"]]
    assert split_into_shards([], 4) == []
    with pytest.raises(UsageError):
        split_into_shards([1], 0)


def test_element_numbers_in_slurm_notation():
    assert _element_numbers("3") == [3]
    assert _element_numbers("[0-5%2]") == [0, 1, 2, 3, 4, 5]
    assert _element_numbers("0-2,7") == [0, 1, 2, 7]
    assert _element_numbers("N/A") == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30))
def test_bash_word_round_trips_and_stays_on_one_line(value):
    word = bash_word(value)
    assert "\n" not in word
    out = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, check=True).stdout
    assert out.decode("utf-8", "surrogateescape") == value


def run_element(array_dir: Path, task: int, path: str | None = None) -> subprocess.CompletedProcess:
    """Runs the generated sbatch script as Slurm would run one array element."""
    env = {
        **os.environ,
        "SLURM_ARRAY_TASK_ID": str(task),
        "SLURM_ARRAY_JOB_ID": "500",
        "SLURM_JOB_ID": str(501 + task),
        "SLURMD_NODENAME": "node7",
    }
    if path is not None:
        env["PATH"] = path
    return subprocess.run(["bash", str(array_dir / "array.sbatch")], env=env, capture_output=True, text=True)


ECHO_ARGS = "import json, os, sys; print(json.dumps([sys.argv[1:], os.environ.get('MARK'), os.getcwd()]))"


def test_sbatch_script_options_and_commands(tmp_path):
    workdir = tmp_path / "work dir"
    workdir.mkdir()
    jobs = [
        Job(f"task{i}", [sys.executable, "-c", ECHO_ARGS, *AWKWARD_ARGS, str(i)], workdir,
            tmp_path / "logs" / f"task{i}.log", {"MARK": f"it's {i}\n"})
        for i in range(3)
    ]
    executor = SlurmExecutor(partition="gpu", time="01:00:00", gres="gpu:1", account="lab",
                             extra_sbatch=["--mem=8G"], max_parallel=2)
    text = executor.script(jobs, tmp_path / "array 100%")
    array_dir = tmp_path / "array 100%"
    options = [line.removeprefix("#SBATCH ") for line in text.splitlines() if line.startswith("#SBATCH ")]
    assert "--array=0-2%2" in options
    assert f'--output="{tmp_path}/array 100%%/slurm-logs/%A_%a.log"' in options
    for expected in ("--partition=gpu", "--time=01:00:00", "--gres=gpu:1", "--account=lab", "--mem=8G",
                     "--job-name=obligations"):
        assert expected in options
    assert "apptainer" not in text
    for task in (2, 0):
        element = run_element(array_dir, task)
        assert element.returncode == 0, element.stderr
        argv, mark, cwd = json.loads((tmp_path / "logs" / f"task{task}.log").read_text())
        assert argv == [*AWKWARD_ARGS, str(task)]
        assert mark == f"it's {task}\n"
        assert cwd == str(workdir)
        status = json.loads((array_dir / "status" / f"{task}.json").read_text())
        assert status["returncode"] == 0
        assert status["job_id"] == str(501 + task)
        assert (status["array_job_id"], status["array_task_id"], status["node"]) == ("500", str(task), "node7")
    assert not (array_dir / "status" / "1.json").exists()


def test_container_wraps_the_command_and_exit_code_is_recorded(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A stand-in for apptainer: records how it was called, then runs the command after the image.
    fake = bin_dir / "apptainer"
    fake.write_text(f'#!/bin/bash\nprintf "%s\\n" "$@" > {tmp_path}/apptainer-args\nshift 3\nexec "$@"\n')
    fake.chmod(0o755)
    jobs = [Job("fails", ["sh", "-c", "echo inside; exit 4"], tmp_path, tmp_path / "fails.log")]
    text = SlurmExecutor(container="/images/ocr model.sif").script(jobs, tmp_path / "array")
    assert "wrapper=(apptainer exec --nv '/images/ocr model.sif')" in text
    element = run_element(tmp_path / "array", 0, path=f"{bin_dir}:{os.environ['PATH']}")
    assert element.returncode == 4
    assert (tmp_path / "apptainer-args").read_text().splitlines() == [
        "exec", "--nv", "/images/ocr model.sif", "sh", "-c", "echo inside; exit 4"]
    assert (tmp_path / "fails.log").read_text() == "inside\n"
    assert json.loads((tmp_path / "array" / "status" / "0.json").read_text())["returncode"] == 4


def fake_slurm(bin_dir: Path, squeue_output: str, sbatch: str | None = None) -> str:
    """sbatch, squeue and scancel stand-ins on a PATH of their own; returns that PATH."""
    bin_dir.mkdir()
    scripts = {
        "sbatch": sbatch or (
            # Element 0 finishes at once (writes its status); element 1 is left to squeue.
            '#!/bin/bash\nstatus="$(dirname "$2")/status"\n'
            'printf \'{"task": 0, "job_id": "78", "array_job_id": "77", "array_task_id": "0", "node": "n1", '
            '"hostname": "n1", "returncode": 0, "started": 10.0, "finished": 12.5}\' > "$status/0.json"\n'
            "echo '77;cluster'\n"
        ),
        "squeue": f"#!/bin/bash\nprintf '{squeue_output}'\n",
        "scancel": f'#!/bin/bash\necho "$@" >> {bin_dir}/cancelled\n',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    return f"{bin_dir}:/usr/bin:/bin"


def two_jobs(tmp_path: Path) -> list[Job]:
    return [Job(f"j{i}", ["true"], tmp_path, tmp_path / f"j{i}.log") for i in range(2)]


def test_follow_reports_an_element_that_ended_without_status(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_slurm(tmp_path / "bin", "0|COMPLETED\\n1|CANCELLED\\n"))
    executor = SlurmExecutor(poll_s=0.05, status_grace_s=0.2)
    done = []
    results = executor.run(two_jobs(tmp_path), tmp_path / "array", on_done=done.append)
    assert [result.name for result in done] == ["j0", "j1"]
    assert (results[0].returncode, results[0].job_id, results[0].node, results[0].seconds) == (0, "77_0", "n1", 2.5)
    assert results[1].returncode is None and results[1].job_id == "77_1"
    assert "Slurm state CANCELLED" in results[1].tail
    assert executor.submitted == ["77"]


def test_follow_gives_up_after_the_timeout_and_cancels(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_slurm(tmp_path / "bin", "0|COMPLETED\\n1|RUNNING\\n"))
    with pytest.raises(SlurmError, match="not finished after"):
        SlurmExecutor(poll_s=0.05, timeout_s=0.5).run(two_jobs(tmp_path), tmp_path / "array")
    assert (tmp_path / "bin" / "cancelled").read_text().split() == ["77"]


def test_submission_errors_are_one_line(tmp_path, monkeypatch):
    refusing = "#!/bin/bash\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n"
    monkeypatch.setenv("PATH", fake_slurm(tmp_path / "bin", "", sbatch=refusing))
    with pytest.raises(SlurmError) as caught:
        SlurmExecutor(partition="gpu").run(two_jobs(tmp_path), tmp_path / "array")
    assert caught.value.message == "sbatch refused the job array: sbatch: error: invalid partition specified: gpu"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingDependency, match="sbatch not found: install Slurm or use --executor local"):
        SlurmExecutor().run(two_jobs(tmp_path), tmp_path / "array")


def test_element_states_fall_back_to_sacct_once_squeue_forgot_the_job(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "squeue").write_text("#!/bin/bash\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n")
    (bin_dir / "sacct").write_text("#!/bin/bash\nprintf '77_0|COMPLETED\\n77_1|CANCELLED by 0\\n77_[2-3]|PENDING\\n'\n")
    for name in ("squeue", "sacct"):
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    assert element_states("77") == {0: "COMPLETED", 1: "CANCELLED", 2: "PENDING", 3: "PENDING"}
    # A controller that does not answer at all says nothing about the elements.
    (bin_dir / "squeue").write_text("#!/bin/bash\necho 'Unable to contact slurm controller' >&2\nexit 1\n")
    assert element_states("77") is None
