"""What this machine offers the model backends: NVIDIA GPUs, torch and its kernels, helpers.

`probe()` describes the machine as a `Hardware` value and never raises: no driver, no NVML,
no torch or no GPU are ordinary answers. `Hardware.to_dict()`/`from_dict()` write and read the
same description as JSON, so model selection and `obligations doctor` can be tested against
recorded machines (tests/fixtures/hardware/*.json).

Without an NVIDIA device nothing here imports torch (it takes seconds, and must not touch
CUDA). With one, torch, flash-attn and bitsandbytes are imported and a one-element kernel is
launched in a child process, so that a broken extension or a missing kernel image is reported
instead of crashing or hanging this process, and this process stays free of CUDA state
(the pipeline forks workers after probing).
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

GIB = 1024**3  # VRAM figures are GiB, written "GB" as nvidia-smi users and model cards do
WSL_LIBCUDA = Path("/usr/lib/wsl/lib/libcuda.so")
WSL_NVIDIA_SMI = Path("/usr/lib/wsl/lib/nvidia-smi")
TORCH_INDEX = "https://download.pytorch.org/whl"
DOCKER_TIMEOUT_S = 5.0
NVIDIA_SMI_TIMEOUT_S = 10.0
STACK_TIMEOUT_S = 120.0  # a cold first import of torch from a slow disk can take a minute
# Integrated GPUs (Jetson, Thor) run only code built for exactly their capability.
INTEGRATED_CAPABILITIES = {(5, 3), (6, 2), (7, 2), (8, 7), (10, 1), (11, 0)}
NVML_DRIVER_NOT_LOADED = 9  # nvmlReturn_t codes, as NVMLError.value carries them
NVML_LIBRARY_NOT_FOUND = 12
# CUDA numbers devices fastest first unless told otherwise; NVML and nvidia-smi number them in
# PCI bus order. Pinned for this process and everything it starts (pin_device_order).
DEVICE_ORDER = "PCI_BUS_ID"


@dataclass(frozen=True)
class Check:
    """One probed facility: ok True (usable), False (missing or broken), None (not applicable)."""

    ok: bool | None
    detail: str


@dataclass(frozen=True)
class GPU:
    """One card as NVML sees it. `index` is NVML's number (PCI bus order, every card of the
    machine, as nvidia-smi shows them); `cuda_index` is the number torch knows it by in this
    process (`cuda:N`), which CUDA_VISIBLE_DEVICES may change; `visible` is False for a card
    CUDA_VISIBLE_DEVICES hides. The two are matched by UUID."""

    index: int
    name: str
    compute_capability: tuple[int, int]
    vram_total_gb: float
    vram_free_gb: float
    uuid: str = ""  # "GPU-..." as NVML and nvidia-smi -L give it
    cuda_index: int | None = None  # None: the same as `index` (all cards visible, PCI order)
    visible: bool = True

    @property
    def ordinal(self) -> int | None:
        """torch's device number (`cuda:N`), or None when CUDA_VISIBLE_DEVICES hides the card."""
        if not self.visible:
            return None
        return self.index if self.cuda_index is None else self.cuda_index

    @property
    def device(self) -> str | None:
        return None if self.ordinal is None else f"cuda:{self.ordinal}"

    @property
    def sm(self) -> str:
        major, minor = self.compute_capability
        return f"sm_{major}{minor}"

    @property
    def capability(self) -> str:
        return "{}.{}".format(*self.compute_capability)

    @property
    def architecture(self) -> str:
        return architecture_of(self.compute_capability)

    def describe(self) -> str:
        return f"{self.name}, {self.architecture} {self.sm}"


def architecture_of(capability: tuple[int, int]) -> str:
    major, minor = capability
    if major == 7:
        return "Turing" if minor >= 5 else "Volta"
    if major == 8:
        return "Ada" if minor >= 9 else "Ampere"
    names = {3: "Kepler", 5: "Maxwell", 6: "Pascal", 9: "Hopper", 10: "Blackwell", 11: "Blackwell",
             12: "Blackwell"}
    return names.get(major, f"unknown (sm_{major}{minor})")


@dataclass
class Hardware:
    gpus: list[GPU] = field(default_factory=list)
    driver_version: str | None = None
    cuda_driver_version: str | None = None  # the newest CUDA the driver runs, e.g. "12.8"
    torch_version: str | None = None
    torch_cuda_version: str | None = None  # None: torch missing or a CPU-only build
    torch_arch_list: list[str] = field(default_factory=list)
    flash_attn: Check = Check(None, "not probed")
    bitsandbytes: Check = Check(None, "not probed")
    wsl: bool = False  # WSL2 (WSL1 has no GPU access and counts as plain Linux here)
    docker_nvidia: Check = Check(None, "not probed")
    tesseract: Check = Check(None, "not probed")
    tesseract_languages: list[str] = field(default_factory=list)
    nvml: Check = Check(None, "not probed")  # how the GPU list was obtained, or why it is empty
    torch_cuda: Check = Check(None, "not probed")  # a kernel launched from torch on cuda:0
    transformers_version: str | None = None
    wsl_libcuda: bool = False
    nvidia_smi: Check = Check(None, "not probed")
    kernel_release: str = ""
    ram_total_gb: float | None = None
    cuda_visible_devices: str | None = None  # as it was when probed (None: not set)

    def to_dict(self) -> dict:
        data = asdict(self)
        for gpu in data["gpus"]:
            gpu["compute_capability"] = list(gpu["compute_capability"])
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Hardware:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown hardware keys {sorted(unknown)}")
        values = dict(data)
        values["gpus"] = [
            GPU(int(g["index"]), str(g["name"]), (int(g["compute_capability"][0]), int(g["compute_capability"][1])),
                float(g["vram_total_gb"]), float(g["vram_free_gb"]), str(g.get("uuid", "")),
                None if g.get("cuda_index") is None else int(g["cuda_index"]), bool(g.get("visible", True)))
            for g in data.get("gpus", [])
        ]
        for name in CHECK_FIELDS:
            if name in values:
                values[name] = Check(values[name]["ok"], values[name]["detail"])
        return cls(**values)

    def gpu(self, index: int) -> GPU:
        return next(g for g in self.gpus if g.index == index)

    def visible_gpus(self) -> list[GPU]:
        return [g for g in self.gpus if g.visible]


CHECK_FIELDS = tuple(name for name, spec in Hardware.__dataclass_fields__.items() if spec.type == "Check")


# ---------------------------------------------------------------------- compatibility rules


def _parse_arch(entry: str) -> tuple[str, tuple[int, int], str] | None:
    """'sm_120' -> ('sm', (12, 0), ''); 'compute_90a' -> ('compute', (9, 0), 'a'); junk -> None."""
    kind, _, code = entry.partition("_")
    suffix = code[-1] if code[-1:] in ("a", "f") else ""
    digits = code[: len(code) - len(suffix)]
    if kind not in ("sm", "compute") or not digits.isdigit() or len(digits) < 2:
        return None
    return kind, (int(digits[:-1]), int(digits[-1])), suffix


def arch_runs_on(entry: str, capability: tuple[int, int]) -> bool:
    """Whether code built as `entry` (an item of torch.cuda.get_arch_list()) runs on a device.

    CUDA's rules: a cubin for X.Y runs on X.Z with Z >= Y (same major only; an 'a' cubin only
    on X.Y itself; integrated GPUs only their own). PTX for X.Y is compiled by the driver for
    any device of capability >= X.Y. torch's own startup warning checks the major alone.
    """
    parsed = _parse_arch(entry)
    if parsed is None:
        return False
    kind, built, suffix = parsed
    if suffix == "a" or capability in INTEGRATED_CAPABILITIES:
        return built == capability
    if kind == "compute":
        return capability >= built
    return capability[0] == built[0] and capability[1] >= built[1]


def torch_supports(hw: Hardware, gpu: GPU) -> bool:
    """Whether the installed torch has kernels (or PTX to compile them from) for this card."""
    if hw.torch_version is None or hw.torch_cuda_version is None:
        return False
    return any(arch_runs_on(entry, gpu.compute_capability) for entry in hw.torch_arch_list)


def torch_install_hint(gpu: GPU) -> str | None:
    """The pip command that installs a torch build with kernels for this card, or None when no
    wheel on download.pytorch.org has any (cards older than Maxwell, Jetson/Thor boards)."""
    capability = gpu.compute_capability
    if capability < (5, 0) or capability in INTEGRATED_CAPABILITIES:
        return None
    # cu128 wheels (torch >= 2.7) are the first with Blackwell kernels and cover Turing onwards;
    # cu126 wheels are the last that still carry Maxwell, Pascal and Volta kernels.
    build = "cu128" if capability >= (7, 5) else "cu126"
    return f"pip install --force-reinstall torch torchvision --index-url {TORCH_INDEX}/{build}"


def cuda_driver_too_old(hw: Hardware) -> str | None:
    """Why the driver cannot run the installed torch's CUDA, or None when it can (or is unknown).

    Within one CUDA major an older driver works (minor version compatibility); across majors not.
    """
    driver, runtime = version_tuple(hw.cuda_driver_version), version_tuple(hw.torch_cuda_version)
    if not driver or not runtime or driver[0] >= runtime[0]:
        return None
    return (f"the NVIDIA driver {hw.driver_version} runs CUDA up to {hw.cuda_driver_version}, but torch "
            f"{hw.torch_version} is built for CUDA {hw.torch_cuda_version}: update the driver, or install a "
            f"torch built for CUDA {driver[0]}.x")


def flash_attn_usable(hw: Hardware, gpu: GPU | None = None) -> bool:
    """flash-attn 2 imports and the card (any card, when none is named) is Ampere or newer."""
    gpus = [gpu] if gpu is not None else hw.gpus
    return bool(hw.flash_attn.ok) and any(g.compute_capability >= (8, 0) for g in gpus)


def version_tuple(text: str | None) -> tuple[int, ...]:
    """'12.8' -> (12, 8); '4.57.0.dev0' -> (4, 57, 0); None or junk -> ()."""
    parts = []
    for piece in (text or "").split("+")[0].split("."):
        digits = "".join(c for c in piece if c.isdigit()) if piece[:1].isdigit() else ""
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


# ---------------------------------------------------------------------- device numbering


def pin_device_order(environ=None) -> str | None:
    """CUDA_DEVICE_ORDER=PCI_BUS_ID in `environ` (this process's environment by default, which
    the jobs and workers it starts inherit), so that torch's cuda:N counts cards in the order
    NVML and nvidia-smi do, and CUDA_VISIBLE_DEVICES=1 means nvidia-smi's GPU 1. Takes effect
    for CUDA when set before the first CUDA call (torch reads it when it initialises CUDA, not
    when it is imported). Returns the value it replaced (None when unset or already so)."""
    env = os.environ if environ is None else environ
    before = env.get("CUDA_DEVICE_ORDER")
    env["CUDA_DEVICE_ORDER"] = DEVICE_ORDER
    return before if before not in (None, DEVICE_ORDER) else None


def map_visible(gpus: list[GPU], visible: str | None) -> list[GPU]:
    """The cards with `cuda_index` and `visible` set as CUDA will number them under
    CUDA_DEVICE_ORDER=PCI_BUS_ID and this CUDA_VISIBLE_DEVICES value.

    CUDA's rules: entries are NVML indices (PCI order, once pinned) or UUIDs ("GPU-" and a
    unique prefix); they are numbered in the order written; the first entry that names no card
    (or a card already named, or a MIG instance, which this does not map) ends the list, so
    "-1" hides every card; an empty value hides every card.
    """
    if visible is None:
        return [replace(g, cuda_index=g.index, visible=True) for g in gpus]
    ordinals: dict[int, int] = {}
    for entry in visible.split(","):
        entry = entry.strip()
        match = None
        if entry.isdigit():
            match = next((g for g in gpus if g.index == int(entry)), None)
        elif entry.upper().startswith("GPU-") and len(entry) > 4:
            found = [g for g in gpus if g.uuid and _uuid_key(g.uuid).startswith(_uuid_key(entry))]
            match = found[0] if len(found) == 1 else None
        if match is None or match.index in ordinals:
            break
        ordinals[match.index] = len(ordinals)
    return [replace(g, cuda_index=ordinals.get(g.index), visible=g.index in ordinals) for g in gpus]


def map_by_uuid(gpus: list[GPU], torch_uuids: list[str]) -> list[GPU]:
    """The cards numbered as torch itself listed them (torch.cuda.get_device_properties(i).uuid
    for each cuda:i): the authority when the probe could ask torch. Cards without a UUID keep
    their numbering."""
    order = {_uuid_key(u): i for i, u in enumerate(torch_uuids) if u}
    if not order or not all(g.uuid for g in gpus):
        return gpus
    return [replace(g, cuda_index=order.get(_uuid_key(g.uuid)), visible=_uuid_key(g.uuid) in order) for g in gpus]


def _uuid_key(uuid: str) -> str:
    """'GPU-C41D8B07-...' and torch's 'c41d8b07-...' alike: lower case, without the prefix."""
    text = str(uuid).strip().lower()
    return text[4:] if text.startswith("gpu-") else text


# ---------------------------------------------------------------------- probing


def probe(*, stack_timeout_s: float = STACK_TIMEOUT_S, full: bool = True) -> Hardware:
    """Describe this machine. Never raises; a GPU-less machine answers in well under a second.
    `full=False` skips what model selection does not use (nvidia-smi, Docker, Tesseract): every
    `obligations run` with `auto` probes, and should not pay for the doctor's extras."""
    pin_device_order()
    hw = Hardware(cuda_visible_devices=os.environ.get("CUDA_VISIBLE_DEVICES"))
    try:
        import pynvml  # nvidia-ml-py; imported here so that the module loads without it
    except ImportError:
        pynvml = None
    hw.nvml, hw.gpus, hw.driver_version, hw.cuda_driver_version = probe_nvml(pynvml)
    hw.gpus = map_visible(hw.gpus, hw.cuda_visible_devices)
    hw.kernel_release = platform.release()
    hw.wsl = detect_wsl(_read_text("/proc/version")) == 2
    hw.wsl_libcuda = WSL_LIBCUDA.exists()
    hw.ram_total_gb = _ram_total_gb(_read_text("/proc/meminfo"))
    hw.transformers_version = _installed_version("transformers")
    if hw.gpus:
        _guarded(hw, "torch_cuda", lambda: probe_python_stack(hw, stack_timeout_s))
    else:
        _guarded(hw, "torch_cuda", lambda: _probe_python_stack_statically(hw))
    if not full:
        return hw
    _guarded(hw, "nvidia_smi", lambda: setattr(hw, "nvidia_smi", _probe_nvidia_smi(hw.wsl)))
    _guarded(hw, "docker_nvidia", lambda: setattr(hw, "docker_nvidia", _probe_docker()))
    _guarded(hw, "tesseract", lambda: setattr(hw, "tesseract_languages", _probe_tesseract(hw)))
    return hw


def _guarded(hw: Hardware, check: str, step) -> None:
    """Run one probing step; an unexpected failure becomes that step's finding, never an exception."""
    try:
        step()
    except Exception as exc:
        setattr(hw, check, Check(False, f"probe failed: {type(exc).__name__}: {exc}"))


def probe_nvml(nvml) -> tuple[Check, list[GPU], str | None, str | None]:
    """(status, GPUs, driver version, driver's CUDA version) read through an NVML binding module."""
    if nvml is None:
        return Check(None, "nvidia-ml-py is not installed (pip install nvidia-ml-py)"), [], None, None
    try:
        nvml.nvmlInit()
    except Exception as exc:
        # No library or no kernel module: a machine without NVIDIA hardware, not a fault.
        # Anything else (a driver/library version mismatch, say) is a broken install.
        absent = getattr(exc, "value", None) in (NVML_DRIVER_NOT_LOADED, NVML_LIBRARY_NOT_FOUND)
        return Check(None if absent else False, f"no NVIDIA driver reachable: {_text(exc) or type(exc).__name__}"), \
            [], None, None
    try:
        driver = _text(nvml.nvmlSystemGetDriverVersion())
        cuda = nvml.nvmlSystemGetCudaDriverVersion()  # e.g. 12080
        cuda_version = f"{cuda // 1000}.{cuda % 1000 // 10}"
        gpus = []
        for index in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            major, minor = nvml.nvmlDeviceGetCudaComputeCapability(handle)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            try:
                uuid = _text(nvml.nvmlDeviceGetUUID(handle))
            except Exception:  # an old binding or a driver that will not say: numbered by index alone
                uuid = ""
            gpus.append(GPU(index, _text(nvml.nvmlDeviceGetName(handle)), (int(major), int(minor)),
                            round(memory.total / GIB, 2), round(memory.free / GIB, 2), uuid))
    except Exception as exc:
        return Check(False, f"NVML failed: {_text(exc) or type(exc).__name__}"), [], None, None
    finally:
        try:
            nvml.nvmlShutdown()
        except Exception:
            pass
    found = f"{len(gpus)} GPU(s)" if gpus else "no GPU"
    return Check(True, f"driver {driver}, CUDA {cuda_version}: {found}"), gpus, driver, cuda_version


def detect_wsl(proc_version: str) -> int | None:
    """1 or 2 for a WSL kernel (its /proc/version text), None for any other."""
    text = proc_version.lower()
    if "microsoft" not in text and "wsl" not in text:
        return None
    # WSL2 kernels are named like 5.15.153.1-microsoft-standard-WSL2; WSL1 reports 4.4.0-19041-Microsoft.
    return 2 if "wsl2" in text or "microsoft-standard" in text else 1


def parse_docker_runtimes(output: str) -> Check:
    """Reads `docker info --format '{{json .Runtimes}}'`."""
    try:
        runtimes = json.loads(output)
    except ValueError:
        return Check(None, "docker info gave no runtimes")
    if not isinstance(runtimes, dict):
        return Check(None, "docker daemon not reachable")
    if "nvidia" in runtimes:
        return Check(True, "nvidia runtime registered (docker run --gpus all ...)")
    return Check(False, f"runtimes {', '.join(sorted(runtimes)) or 'none'}, no nvidia: install "
                        "nvidia-container-toolkit, then `sudo nvidia-ctk runtime configure --runtime=docker` "
                        "and restart docker")


# The child process that imports the Python GPU stack. It prints one JSON object.
_STACK_SCRIPT = r"""
import json, sys
out = {}
def failure(exc):
    return (type(exc).__name__ + ": " + str(exc)).strip().splitlines()[0][:300]
try:
    import torch
    out["torch_version"] = torch.__version__
    out["torch_cuda_version"] = torch.version.cuda
    out["torch_arch_list"] = torch.cuda.get_arch_list() if torch.version.cuda else []
except Exception as exc:
    out["torch_error"] = failure(exc)
for module in ("flash_attn", "bitsandbytes"):
    try:
        imported = __import__(module)
        out[module] = [True, getattr(imported, "__version__", "?")]
    except Exception as exc:
        out[module] = [False, failure(exc)]
if "torch_version" in out and out["torch_cuda_version"]:
    try:
        if not torch.cuda.is_available():
            out["torch_cuda"] = [False, "torch.cuda.is_available() is False"]
        else:
            try:
                out["uuids"] = [str(torch.cuda.get_device_properties(i).uuid)
                                for i in range(torch.cuda.device_count())]
            except Exception:
                pass
            value = (torch.ones(1, device="cuda") * 2).item()
            out["torch_cuda"] = [value == 2.0, "a kernel ran on cuda:0, " + torch.cuda.get_device_name(0)]
    except Exception as exc:
        out["torch_cuda"] = [False, failure(exc)]
print(json.dumps(out))
"""


def probe_python_stack(hw: Hardware, timeout_s: float) -> None:
    """torch, flash-attn and bitsandbytes as a child process finds them, with a kernel launch."""
    _probe_python_stack_statically(hw)  # versions even if the child fails
    if hw.torch_version is None:
        failure = "torch is not installed (pip install 'obligations[gpu]')"
    else:
        result, failure = _run_stack_child(timeout_s)
        if result is not None:
            hw.torch_version = result["torch_version"]
            hw.torch_cuda_version = result["torch_cuda_version"]
            hw.torch_arch_list = list(result["torch_arch_list"])
            default = [False, f"torch {hw.torch_version} is a CPU-only build"]
            hw.torch_cuda = Check(*result.get("torch_cuda", default))
            hw.flash_attn = _import_check("flash-attn", result["flash_attn"], hw.gpus)
            hw.bitsandbytes = _import_check("bitsandbytes", result["bitsandbytes"], hw.gpus)
            hw.gpus = map_by_uuid(hw.gpus, result.get("uuids") or [])
            return
    hw.torch_cuda = Check(False, failure)
    hw.flash_attn = Check(None, f"not checked: {failure}")
    hw.bitsandbytes = Check(None, f"not checked: {failure}")


def _run_stack_child(timeout_s: float) -> tuple[dict | None, str]:
    """(the child's findings, "") or (None, why it gave none)."""
    # PCI bus order numbers the child's cards as NVML does (CUDA's default order is fastest first).
    env = {**os.environ, "CUDA_MODULE_LOADING": "LAZY"}
    pin_device_order(env)
    try:
        proc = subprocess.run([sys.executable, "-c", _STACK_SCRIPT], capture_output=True, text=True,
                              timeout=timeout_s, env=env)
    except subprocess.TimeoutExpired:
        return None, f"importing torch and running a kernel took over {timeout_s:.0f} s"
    except OSError as exc:
        return None, f"the torch probe did not start: {exc}"
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):  # the child crashed (a segfaulting extension, say)
        return None, f"the torch probe failed (exit {proc.returncode}): {_last_line(proc.stderr)}"
    if "torch_error" in result:
        return None, f"import torch failed: {result['torch_error']}"
    return result, ""


def _import_check(package: str, result: list, gpus: list[GPU]) -> Check:
    imported, detail = result
    if not imported:
        return Check(False, f"{package} does not import: {detail}")
    if package == "flash-attn" and not any(g.compute_capability >= (8, 0) for g in gpus):
        return Check(False, f"flash-attn {detail} imports, but needs an Ampere or newer GPU (compute capability 8.0)")
    return Check(True, f"{package} {detail}")


def _probe_python_stack_statically(hw: Hardware) -> None:
    """Versions from package metadata and torch/version.py, importing nothing heavy."""
    hw.torch_version, hw.torch_cuda_version = _torch_versions()
    hw.torch_cuda = Check(None, "no NVIDIA GPU to run a kernel on")
    for attribute, package, module in (("flash_attn", "flash-attn", "flash_attn"),
                                       ("bitsandbytes", "bitsandbytes", "bitsandbytes")):
        # Unusable without a GPU, but that is no fault of the package: ok stays None.
        version = _installed_version(package)
        if version is None or importlib.util.find_spec(module) is None:
            setattr(hw, attribute, Check(None, f"{package} is not installed"))
        else:
            setattr(hw, attribute, Check(None, f"{package} {version} is installed, but there is no NVIDIA GPU"))


def _torch_versions() -> tuple[str | None, str | None]:
    """(torch version, its CUDA version) read from torch/version.py without importing torch."""
    spec = importlib.util.find_spec("torch")
    if spec is None:
        return None, None
    values: dict[str, object] = {}
    try:
        version_file = Path(next(iter(spec.submodule_search_locations or []))) / "version.py"
        for node in ast.parse(version_file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                values[node.targets[0].id] = ast.literal_eval(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                values[node.target.id] = ast.literal_eval(node.value)
    except (OSError, StopIteration, SyntaxError, ValueError):  # an odd install: go by its metadata alone
        return _installed_version("torch"), None
    version, cuda = values.get("__version__"), values.get("cuda")
    return (str(version) if version else _installed_version("torch")), (str(cuda) if cuda else None)


def _probe_nvidia_smi(wsl: bool) -> Check:
    path = shutil.which("nvidia-smi") or (str(WSL_NVIDIA_SMI) if wsl and WSL_NVIDIA_SMI.exists() else None)
    if path is None:
        return Check(None, "nvidia-smi not found")
    try:
        proc = subprocess.run([path, "-L"], capture_output=True, text=True, timeout=NVIDIA_SMI_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(False, f"{path}: {exc}")
    if proc.returncode != 0:
        return Check(False, f"{path} -L failed: {_last_line(proc.stdout + proc.stderr)}")
    first_gpu = (proc.stdout.strip().splitlines() or ["no GPU listed"])[0]
    return Check(True, f"{path}: {first_gpu}")


def _probe_docker() -> Check:
    docker = shutil.which("docker")
    if docker is None:
        return Check(None, "docker not installed")
    try:
        proc = subprocess.run([docker, "info", "--format", "{{json .Runtimes}}"], capture_output=True, text=True,
                              timeout=DOCKER_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Check(None, f"docker info did not answer within {DOCKER_TIMEOUT_S:.0f} s")
    except OSError as exc:
        return Check(None, f"docker info failed: {exc}")
    if proc.returncode != 0:
        return Check(None, f"docker daemon not reachable ({_last_line(proc.stderr) or 'docker info failed'})")
    return parse_docker_runtimes(proc.stdout.strip())


def _probe_tesseract(hw: Hardware) -> list[str]:
    """Sets hw.tesseract; returns the installed languages."""
    from .backends.tesseract import find_tessdata, installed_languages

    try:
        import tesserocr

        version = tesserocr.tesseract_version().split()[1]
    except (ImportError, IndexError, RuntimeError):
        hw.tesseract = Check(False, "tesserocr is not installed (pip install tesserocr)")
        return []
    if find_tessdata() is None:
        hw.tesseract = Check(False, f"Tesseract {version}, but no language data: apt-get install "
                                    "tesseract-ocr-rus tesseract-ocr-eng")
        return []
    languages = installed_languages()
    missing = [lang for lang in ("rus", "eng") if lang not in languages]
    detail = f"Tesseract {version}; languages {', '.join(languages)}"
    if missing:
        detail += f"; missing {', '.join(missing)}: apt-get install " + " ".join(f"tesseract-ocr-{m}" for m in missing)
    hw.tesseract = Check(not missing, detail)
    return languages


def _installed_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _ram_total_gb(meminfo: str) -> float | None:
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) * 1024 / GIB, 1)
    return None


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else ""
