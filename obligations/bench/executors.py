"""Running many shell commands: in parallel on this machine, or as one Slurm job array.

The executors know nothing about benchmarks or documents. A caller turns its work (benchmark
tasks, shards of an `obligations run` over many files) into `Job`s — an argument vector, a
working directory and a log file — and gets one `JobResult` per job back, in the order given.
A job that fails is reported with its return code and the end of its log; the others go on.

`LocalExecutor` runs jobs as subprocesses, one per GPU (pinned with CUDA_VISIBLE_DEVICES, the
GPU handed to the next job when its job ends) or, with no GPU, at most `jobs` at a time.

`SlurmExecutor` writes one sbatch script holding a job array (one element per job), submits it,
follows it with squeue (sacct when the cluster keeps accounting) and per-element status files,
and collects the results. The array directory and the jobs' paths must be on a filesystem the
compute nodes share with the submitting machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from obligations.errors import MissingDependency, ObligationsError, UsageError

OnDone = Callable[["JobResult"], None]
T = TypeVar("T")

LOG_TAIL_LINES = 20
# Seconds a terminated child gets to clean up before it is killed.
TERMINATE_GRACE_S = 5.0
# How often the local executor looks at its children; short, as jobs may last only a moment.
LOCAL_POLL_S = 0.05

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class Job:
    """One command to run: `argv` in `workdir`, stdout and stderr together into `log`."""

    name: str
    argv: list[str]
    workdir: Path
    log: Path
    env: dict[str, str] | None = None


@dataclass
class JobResult:
    """How a job ended. `returncode` is None when it never ran or vanished (cancelled, lost)."""

    name: str
    returncode: int | None
    job_id: str | None
    node: str | None
    seconds: float
    log: Path
    gpu: str | None = None
    # The end of the log (and for Slurm, how the element ended) when the job failed.
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def to_dict(self) -> dict:
        """A JSON-ready record for a run manifest."""
        return {
            "name": self.name,
            "returncode": self.returncode,
            "job_id": self.job_id,
            "node": self.node,
            "gpu": self.gpu,
            "seconds": round(self.seconds, 3),
            "log": str(self.log),
        }

    def describe(self) -> str:
        """One line for the user: what the job was and how it ended."""
        where = f" (Slurm job {self.job_id} on {self.node})" if self.job_id else ""
        if self.ok:
            return f"{self.name}: done in {self.seconds:.1f}s{where}"
        ended = "did not run to the end" if self.returncode is None else f"exit code {self.returncode}"
        return f"{self.name}: failed, {ended}{where}; log {self.log}"


def split_into_shards(items: Sequence[T], shards: int) -> list[list[T]]:
    """`items` in at most `shards` consecutive runs whose lengths differ by at most one."""
    if shards < 1:
        raise UsageError("--shards must be at least 1")
    count = min(shards, len(items))
    size, extra = divmod(len(items), count) if count else (0, 0)
    result, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        result.append(list(items[start:end]))
        start = end
    return result


def detect_gpus() -> list[str]:
    """The GPUs this process may use, as CUDA_VISIBLE_DEVICES entries to hand to children.

    When CUDA_VISIBLE_DEVICES is already set its entries are kept as they are (a child given
    "0" would otherwise reach physical GPU 0 rather than the first GPU we were given).
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        entries = [entry.strip() for entry in visible.split(",") if entry.strip()]
        # CUDA stops at the first invalid entry; "-1" is the usual way to hide every GPU.
        valid = []
        for entry in entries:
            if entry.startswith("-"):
                break
            valid.append(entry)
        return valid
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    try:
        proc = subprocess.run(
            [smi, "--query-gpu=index", "--format=csv,noheader"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    return [line.strip() for line in proc.stdout.splitlines() if line.strip().isdigit()]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a log, or "" when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 16384))
            data = handle.read()
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def _check_jobs(jobs: Sequence[Job]) -> None:
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ValueError("job names must be unique")
    logs = [Path(job.log).resolve() for job in jobs]
    if len(set(logs)) != len(logs):
        raise ValueError("two jobs would write the same log")
    for job in jobs:
        if not job.argv:
            raise ValueError(f"job {job.name} has no command")
        for value in [*job.argv, *(job.env or {}).values(), *(job.env or {})]:
            if "\0" in value:
                raise ValueError(f"job {job.name}: a NUL character cannot be passed to a command")
        for name in job.env or {}:
            if not _ENV_NAME.match(name):
                raise ValueError(f"job {job.name}: {name!r} is not an environment variable name")


@dataclass
class _Running:
    index: int
    job: Job
    process: subprocess.Popen | None
    log_handle: object
    slot: str | None
    started: float


class LocalExecutor:
    """Runs jobs as subprocesses on this machine, one per GPU or `jobs` at a time without GPUs."""

    def __init__(self, gpus: Sequence[int | str] | None = None, jobs: int = 1):
        if jobs < 1:
            raise UsageError("--jobs must be at least 1")
        self.gpus = [str(gpu) for gpu in gpus] if gpus else []
        self.jobs = jobs

    @property
    def parallel(self) -> int:
        return len(self.gpus) if self.gpus else self.jobs

    def run(self, jobs: Sequence[Job], on_done: OnDone | None = None) -> list[JobResult]:
        """Runs every job; returns their results in the order of `jobs`.

        Ctrl-C terminates the running children (and whatever they started) before it goes on.
        """
        _check_jobs(jobs)
        results: list[JobResult | None] = [None] * len(jobs)
        waiting = list(enumerate(jobs))
        free_slots: list[str | None] = list(self.gpus) if self.gpus else [None] * self.jobs
        running: list[_Running] = []
        host = socket.gethostname()
        try:
            while waiting or running:
                while waiting and free_slots:
                    index, job = waiting.pop(0)
                    with _interrupts_held():
                        running.append(self._start(index, job, free_slots.pop(0)))
                finished = [entry for entry in running if entry.process is None or entry.process.poll() is not None]
                if not finished:
                    time.sleep(LOCAL_POLL_S)
                    continue
                for entry in finished:
                    running.remove(entry)
                    free_slots.append(entry.slot)
                    result = self._result(entry, host)
                    results[entry.index] = result
                    if on_done is not None:
                        on_done(result)
        except BaseException:
            _terminate(running)
            raise
        return [result for result in results if result is not None]

    def _start(self, index: int, job: Job, slot: str | None) -> _Running:
        log = Path(job.log)
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = open(log, "wb")
        env = dict(os.environ)
        env.update(job.env or {})
        # Without GPUs the variable is set empty, so a job cannot wander onto one by accident.
        env["CUDA_VISIBLE_DEVICES"] = slot if slot is not None else ""
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                [str(arg) for arg in job.argv],
                cwd=job.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so Ctrl-C handling reaches grandchildren
            )
        except OSError as error:
            handle.write(f"could not start {job.argv[0]}: {error.strerror or error}\n".encode())
            handle.flush()
            process = None
        return _Running(index, job, process, handle, slot, started)

    @staticmethod
    def _result(entry: _Running, host: str) -> JobResult:
        entry.log_handle.close()
        # 127 is what a shell says for a command it cannot start.
        returncode = entry.process.returncode if entry.process is not None else 127
        result = JobResult(
            name=entry.job.name,
            returncode=returncode,
            job_id=None,
            node=host,
            seconds=time.monotonic() - entry.started,
            log=Path(entry.job.log),
            gpu=entry.slot,
        )
        if not result.ok:
            result.tail = log_tail(result.log)
        return result


@contextlib.contextmanager
def _interrupts_held():
    """Ctrl-C or SIGTERM arriving while a job starts takes effect once it is in the running
    list: raised between its start and that, it left the job's process group running after
    the interrupt (a fresh clone's CI caught it). Held by handlers that note the signal, not by
    the signal mask: a child inherits the mask through exec, and would not end on SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread gets signals, and only it may set their handlers
        return
    caught: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, _frame: caught.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)  # as it would have been, by the handler of before


def _terminate(running: list[_Running]) -> None:
    alive = [entry for entry in running if entry.process is not None and entry.process.poll() is None]
    for entry in alive:
        _signal_group(entry.process, signal.SIGTERM)
    deadline = time.monotonic() + TERMINATE_GRACE_S
    for entry in alive:
        try:
            entry.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(entry.process, signal.SIGKILL)
            entry.process.wait()
    for entry in running:
        entry.log_handle.close()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


class SlurmError(ObligationsError):
    """Slurm refused the work or did not finish it in time."""


# Element states in which it may still run (and write its status file).
_SLURM_ACTIVE = {
    "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD",
    "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT",
}

SCRIPT_NAME = "array.sbatch"
COMMANDS_NAME = "commands.txt"


def bash_word(value: str) -> str:
    """`value` as one bash word that survives a line-per-command file.

    shlex.quote is right for bash but keeps a newline inside its quotes, which would split the
    line; such values are written in bash's $'...' form with the control characters escaped.
    """
    if not any(ord(char) < 32 or ord(char) == 127 for char in value):
        return shlex.quote(value)
    escaped = []
    for char in value:
        if char == "\\":
            escaped.append("\\\\")
        elif char == "'":
            escaped.append("\\'")
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 32 or ord(char) == 127:
            escaped.append(f"\\x{ord(char):02x}")
        else:
            escaped.append(char)
    return "$'" + "".join(escaped) + "'"


def _slurm_path(path: Path) -> str:
    """`path` for a quoted #SBATCH option: sbatch expands %-patterns, a literal % is %%."""
    if '"' in str(path):
        raise UsageError(f'Slurm cannot take a path with a double quote in it: {path}')
    return str(path).replace("%", "%%")


@dataclass
class SlurmExecutor:
    """Runs jobs as the elements of one Slurm job array and waits for all of them."""

    partition: str | None = None
    time: str | None = None
    gres: str | None = None
    account: str | None = None
    container: str | None = None
    poll_s: float = 2.0
    extra_sbatch: Sequence[str] = ()
    job_name: str = "obligations"
    max_parallel: int | None = None
    # Seconds to wait for the whole array; past it the array is cancelled. None waits forever.
    timeout_s: float | None = None
    # How long an element that Slurm says has ended may lack its status file (shared
    # filesystems can show a new file late) before it is reported as lost.
    status_grace_s: float = 10.0
    submitted: list[str] = field(default_factory=list)

    def script(self, jobs: Sequence[Job], array_dir: Path) -> str:
        """Writes the commands file and the sbatch script into `array_dir`; returns the script."""
        _check_jobs(jobs)
        if not jobs:
            raise ValueError("no jobs to submit")
        array_dir = Path(array_dir).resolve()
        for sub in ("slurm-logs", "status"):
            (array_dir / sub).mkdir(parents=True, exist_ok=True)
        (array_dir / COMMANDS_NAME).write_text(
            "".join(self._command_line(job) + "\n" for job in jobs), encoding="utf-8"
        )
        text = self._script_text(len(jobs), array_dir)
        (array_dir / SCRIPT_NAME).write_text(text, encoding="utf-8")
        return text

    @staticmethod
    def _command_line(job: Job) -> str:
        # workdir, log, the number of VAR=value words, those words, then the command.
        env_words = [f"{name}={value}" for name, value in (job.env or {}).items()]
        words = [
            str(Path(job.workdir).resolve()),
            str(Path(job.log).resolve()),
            str(len(env_words)),
            *env_words,
            *[str(arg) for arg in job.argv],
        ]
        return " ".join(bash_word(word) for word in words)

    def _sbatch_options(self, count: int, array_dir: Path) -> list[str]:
        array = f"0-{count - 1}" + (f"%{self.max_parallel}" if self.max_parallel else "")
        options = [
            f"--job-name={self.job_name}",
            f"--array={array}",
            f'--output="{_slurm_path(array_dir / "slurm-logs")}/%A_%a.log"',
            f'--chdir="{_slurm_path(array_dir)}"',
        ]
        for flag, value in (
            ("partition", self.partition),
            ("time", self.time),
            ("gres", self.gres),
            ("account", self.account),
        ):
            if value:
                options.append(f"--{flag}={value}")
        for extra in self.extra_sbatch:
            if "\n" in extra:
                raise UsageError(f"an sbatch option cannot span lines: {extra!r}")
            options.append(extra)
        return options

    def _script_text(self, count: int, array_dir: Path) -> str:
        header = "".join(f"#SBATCH {option}\n" for option in self._sbatch_options(count, array_dir))
        wrapper = ""
        if self.container:
            wrapper = " ".join(shlex.quote(word) for word in ("apptainer", "exec", "--nv", self.container))
        return f"""#!/bin/bash
{header}# Written by obligations: element $SLURM_ARRAY_TASK_ID runs line $SLURM_ARRAY_TASK_ID+1 of the
# commands file (workdir, log, count of VAR=value words, those words, the command; bash words)
# and records how it ended in status/<element>.json.
set -u
commands={shlex.quote(str(array_dir / COMMANDS_NAME))}
status_dir={shlex.quote(str(array_dir / "status"))}
wrapper=({wrapper})
task=${{SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array element}}
started=$(date +%s.%N)
line=$(sed -n "$((task + 1))p" "$commands")
eval "words=($line)"
workdir=${{words[0]}}
log=${{words[1]}}
env_count=${{words[2]}}
env_words=("${{words[@]:3:env_count}}")
command=("${{words[@]:3+env_count}}")
mkdir -p "$(dirname "$log")"
(
  # ${{a[@]+"${{a[@]}}"}}: an empty array is no error under set -u in bash before 4.4 either.
  for assignment in ${{env_words[@]+"${{env_words[@]}}"}}; do export "$assignment"; done
  cd "$workdir" && exec ${{wrapper[@]+"${{wrapper[@]}}"}} "${{command[@]}}"
) >"$log" 2>&1 </dev/null
returncode=$?
finished=$(date +%s.%N)
status="$status_dir/$task.json"
printf '{{"task": %d, "job_id": "%s", "array_job_id": "%s", "array_task_id": "%s", "node": "%s", "hostname": "%s", "returncode": %d, "started": %s, "finished": %s}}\\n' \\
  "$task" "${{SLURM_JOB_ID:-}}" "${{SLURM_ARRAY_JOB_ID:-}}" "$task" "${{SLURMD_NODENAME:-}}" "$(hostname)" \\
  "$returncode" "$started" "$finished" >"$status.tmp.$$" && mv -f "$status.tmp.$$" "$status"
exit "$returncode"
"""

    def run(self, jobs: Sequence[Job], array_dir: Path, on_done: OnDone | None = None) -> list[JobResult]:
        """Submits the jobs as one array, waits for every element, returns results in order."""
        if not jobs:
            return []
        sbatch = shutil.which("sbatch")
        if sbatch is None:
            raise MissingDependency("sbatch not found: install Slurm or use --executor local")
        array_dir = Path(array_dir).resolve()
        self.script(jobs, array_dir)
        for stale in (array_dir / "status").glob("*.json"):
            stale.unlink()
        for job in jobs:
            Path(job.log).parent.mkdir(parents=True, exist_ok=True)
        array_id = self._submit(sbatch, array_dir / SCRIPT_NAME)
        try:
            return self._follow(array_id, jobs, array_dir, on_done)
        except BaseException:
            self.cancel(array_id)
            raise

    @staticmethod
    def _submit(sbatch: str, script: Path) -> str:
        try:
            proc = subprocess.run(
                [sbatch, "--parsable", str(script)], capture_output=True, text=True, timeout=120
            )
        except subprocess.TimeoutExpired:
            raise SlurmError("sbatch did not answer within 120s: is slurmctld running?") from None
        if proc.returncode != 0:
            reason = " ".join(proc.stderr.split()) or f"exit code {proc.returncode}"
            raise SlurmError(f"sbatch refused the job array: {reason}")
        # --parsable prints "jobid" or "jobid;cluster".
        array_id = proc.stdout.strip().split(";")[0]
        if not array_id.isdigit():
            raise SlurmError(f"sbatch gave no job id: {proc.stdout.strip()!r}")
        return array_id

    def cancel(self, array_id: str) -> None:
        scancel = shutil.which("scancel")
        if scancel is not None:
            subprocess.run([scancel, array_id], capture_output=True, timeout=60)

    def _follow(self, array_id: str, jobs: Sequence[Job], array_dir: Path, on_done: OnDone | None) -> list[JobResult]:
        self.submitted.append(array_id)
        results: list[JobResult | None] = [None] * len(jobs)
        pending = set(range(len(jobs)))
        ended_since: dict[int, float] = {}
        started = time.monotonic()
        while True:
            for task in sorted(pending):
                result = self._result_from_status(task, jobs[task], array_dir)
                if result is not None:
                    self._finish(task, result, results, pending, on_done)
            if not pending:
                return [result for result in results if result is not None]
            if self.timeout_s is not None and time.monotonic() - started > self.timeout_s:
                # run() cancels the array on the way out.
                raise SlurmError(
                    f"Slurm job array {array_id} not finished after {self.timeout_s:g}s: cancelled "
                    f"({len(pending)} of {len(jobs)} elements unfinished)"
                )
            states = element_states(array_id)
            now = time.monotonic()
            for task in sorted(pending):
                state = states.get(task) if states is not None else "?"
                if state == "?" or state in _SLURM_ACTIVE:
                    ended_since.pop(task, None)
                    continue
                # Ended (or gone from squeue) without a status file yet: give the file time to appear.
                first = ended_since.setdefault(task, now)
                if now - first >= self.status_grace_s:
                    result = self._result_from_status(task, jobs[task], array_dir) or self._lost(
                        task, jobs[task], array_id, array_dir, state
                    )
                    self._finish(task, result, results, pending, on_done)
            if pending:
                time.sleep(self.poll_s)

    @staticmethod
    def _finish(task: int, result: JobResult, results: list, pending: set, on_done: OnDone | None) -> None:
        results[task] = result
        pending.discard(task)
        if on_done is not None:
            on_done(result)

    @staticmethod
    def _result_from_status(task: int, job: Job, array_dir: Path) -> JobResult | None:
        path = array_dir / "status" / f"{task}.json"
        try:
            status = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        result = JobResult(
            name=job.name,
            returncode=int(status["returncode"]),
            job_id=f"{status['array_job_id']}_{status['array_task_id']}",
            node=status.get("node") or status.get("hostname"),
            seconds=float(status["finished"]) - float(status["started"]),
            log=Path(job.log),
            gpu=None,
        )
        if not result.ok:
            result.tail = log_tail(result.log) or log_tail(
                array_dir / "slurm-logs" / f"{status['array_job_id']}_{status['array_task_id']}.log"
            )
        return result

    @staticmethod
    def _lost(task: int, job: Job, array_id: str, array_dir: Path, state: str | None) -> JobResult:
        how = f"Slurm state {state}" if state else "gone from the Slurm queue"
        slurm_log = log_tail(array_dir / "slurm-logs" / f"{array_id}_{task}.log")
        tail = "\n".join(part for part in (f"{how}; it wrote no status file", slurm_log, log_tail(job.log)) if part)
        return JobResult(
            name=job.name,
            returncode=None,
            job_id=f"{array_id}_{task}",
            node=None,
            seconds=0.0,
            log=Path(job.log),
            tail=tail,
        )


def element_states(array_id: str) -> dict[int, str | None] | None:
    """Slurm's state of each element of an array: {element: state}, state None when unknown.

    squeue knows jobs until MinJobAge after they end; sacct (only with an accounting database)
    knows them afterwards. An element neither lists is missing from the answer. None means
    the controller did not answer, so nothing can be concluded this time.
    """
    states: dict[int, str | None] = {}
    squeue = shutil.which("squeue")
    if squeue is None:
        return None
    try:
        proc = subprocess.run(
            [squeue, "--noheader", "--array", "--states=all", f"--jobs={array_id}", "--format=%K|%T"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode == 0:
        for line in proc.stdout.splitlines():
            task, _, state = line.strip().partition("|")
            for element in _element_numbers(task):
                states[element] = state.strip() or None
    elif "invalid job id" not in proc.stderr.lower():
        return None
    sacct = shutil.which("sacct")
    if sacct is not None:
        try:
            proc = subprocess.run(
                [sacct, "--noheader", "--parsable2", "--allocations", f"--jobs={array_id}", "--format=JobID,State"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired:
            proc = None
        if proc is not None and proc.returncode == 0:
            for line in proc.stdout.splitlines():
                job_id, _, state = line.strip().partition("|")
                _, _, task = job_id.partition("_")
                for element in _element_numbers(task):
                    # "CANCELLED by 0" -> "CANCELLED"
                    states.setdefault(element, state.split()[0] if state.split() else None)
    return states


def _element_numbers(text: str) -> list[int]:
    """Element numbers in squeue/sacct notation: "3", "[0-5%2]", "0-2,7"."""
    text = text.strip().strip("[]").split("%")[0]
    numbers: list[int] = []
    for part in text.split(","):
        low, dash, high = part.partition("-")
        if low.isdigit() and (not dash or high.isdigit()):
            numbers.extend(range(int(low), int(high if dash else low) + 1))
    return numbers
