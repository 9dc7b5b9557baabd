"""A Slurm cluster for the tests marked `slurm`: the one SLURM_CONF names, or a private one.

When `slurm-wlm` and `munge` are installed but no cluster answers, the session starts one
with scripts/slurm_local.sh and stops it at the end. Under pytest-xdist every worker runs
this fixture: a file lock in the directory the workers share lets the first one start the
cluster, the others register as users, and the last one to finish stops it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLURM_LOCAL = ROOT / "scripts" / "slurm_local.sh"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slurm: runs jobs through a real Slurm cluster (skipped without one)")


def cluster_answers(env: dict[str, str] | None = None) -> bool:
    try:
        proc = subprocess.run(["sinfo", "--noheader"], capture_output=True, text=True, timeout=20, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and proc.stdout.strip() != ""


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now (held together while chosen, so they differ)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def script(action: str, state: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SLURM_LOCAL), action, str(state)], capture_output=True, text=True, timeout=180, env=env
    )


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The slurm.conf of a cluster that answers; SLURM_CONF points at it for the session."""
    if not (shutil.which("sbatch") and shutil.which("sinfo")):
        pytest.skip("Slurm client commands (sbatch, sinfo) not installed")
    given = os.environ.get("SLURM_CONF")
    if given and cluster_answers():
        yield Path(given)
        return
    if not all(shutil.which(daemon) for daemon in ("munged", "slurmctld", "slurmd")):
        pytest.skip("no Slurm cluster answers and munged/slurmctld/slurmd are not installed to start one")
    if os.getuid() != 0:
        pytest.skip("no Slurm cluster answers, and starting a local one (SlurmUser=root) needs root")

    # The directory all xdist workers of this session share (each has its own basetemp in it).
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    state = shared / "slurm"
    state.mkdir(exist_ok=True)
    users_file = state / "users.json"
    conf = state / "slurm.conf"
    env = dict(os.environ)
    env.pop("SLURM_CONF", None)

    with exclusive(shared / "slurm.lock"):
        users = json.loads(users_file.read_text()) if users_file.exists() else []
        users = [pid for pid in users if alive(pid)]
        if script("status", state, env).returncode != 0:
            script("stop", state, env)  # whatever half of a cluster is left
            ctld_port, slurmd_port = free_ports(2)
            env_start = {**env, "SLURM_LOCAL_CTLD_PORT": str(ctld_port), "SLURM_LOCAL_SLURMD_PORT": str(slurmd_port)}
            started = script("start", state, env_start)
            if started.returncode != 0:
                pytest.fail(f"scripts/slurm_local.sh start failed:\n{started.stdout}\n{started.stderr}")
        users.append(os.getpid())
        users_file.write_text(json.dumps(users))

    previous = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = str(conf)
    try:
        yield conf
    finally:
        if previous is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = previous
        with exclusive(shared / "slurm.lock"):
            users = json.loads(users_file.read_text()) if users_file.exists() else []
            users = [pid for pid in users if pid != os.getpid() and alive(pid)]
            users_file.write_text(json.dumps(users))
            if not users:
                script("stop", state, env)
