"""The machine description: recorded fixtures, CUDA compatibility rules, probing without a GPU."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from obligations.hardware import (
    GPU,
    Check,
    Hardware,
    arch_runs_on,
    cuda_driver_too_old,
    detect_wsl,
    flash_attn_usable,
    map_by_uuid,
    map_visible,
    parse_docker_runtimes,
    pin_device_order,
    probe_nvml,
    probe_python_stack,
    torch_install_hint,
    torch_supports,
    version_tuple,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "hardware"


def recorded(name: str) -> Hardware:
    return Hardware.from_dict(json.loads((FIXTURES / f"{name}.json").read_text()))


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_fixture_round_trip(path):
    data = json.loads(path.read_text())
    hw = Hardware.from_dict(data)
    assert hw.to_dict() == data
    assert json.loads(json.dumps(hw.to_dict())) == data
    assert all(isinstance(g.compute_capability, tuple) for g in hw.gpus)
    assert isinstance(hw.tesseract, Check)


def test_all_recorded_machines_are_there():
    assert {p.stem for p in FIXTURES.glob("*.json")} == {
        "rtx4090_ada", "rtx5080_blackwell_cu124", "rtx5080_blackwell_cu128", "rtx3060_12gb", "gpu_8gb", "no_gpu",
        "wsl2_rtx4080", "rtx3050_6gb_transformers5", "two_gpus_pci_order"}


def test_from_dict_rejects_unknown_keys_and_fills_missing_ones():
    with pytest.raises(ValueError, match="gpu_count"):
        Hardware.from_dict({"gpus": [], "gpu_count": 0})
    hw = Hardware.from_dict({"gpus": [{"index": 0, "name": "X", "compute_capability": [8, 6],
                                       "vram_total_gb": 12, "vram_free_gb": 11}]})
    assert hw.gpus[0].compute_capability == (8, 6) and hw.torch_version is None and hw.flash_attn.ok is None


@pytest.mark.parametrize("capability, architecture", [
    ((6, 1), "Pascal"), ((7, 0), "Volta"), ((7, 5), "Turing"), ((8, 0), "Ampere"), ((8, 6), "Ampere"),
    ((8, 9), "Ada"), ((9, 0), "Hopper"), ((10, 0), "Blackwell"), ((12, 0), "Blackwell"), ((12, 1), "Blackwell"),
])
def test_architecture_by_capability(capability, architecture):
    gpu = GPU(0, "card", capability, 8.0, 7.0)
    assert gpu.architecture == architecture
    assert gpu.sm == "sm_{}{}".format(*capability)


@pytest.mark.parametrize("entry, capability, runs", [
    ("sm_80", (8, 6), True),  # same major, newer minor: binary compatible
    ("sm_86", (8, 0), False),  # never backwards
    ("sm_90", (12, 0), False),  # cubins do not cross majors: the Blackwell "no kernel image" case
    ("sm_120", (12, 0), True),
    ("sm_120", (12, 1), True),  # GB10 runs consumer-Blackwell cubins
    ("compute_90", (12, 0), True),  # PTX is compiled by the driver for any newer card
    ("compute_120", (9, 0), False),
    ("sm_90a", (9, 0), True),
    ("sm_90a", (10, 0), False),  # arch-specific cubins run on their own capability only
    ("sm_100f", (10, 3), True),
    ("sm_80", (8, 7), False),  # Jetson Orin runs only sm_87 code
    ("sm_87", (8, 7), True),
    ("gfx90a", (9, 0), False),
    ("sm_", (9, 0), False),
])
def test_arch_runs_on(entry, capability, runs):
    assert arch_runs_on(entry, capability) is runs


def test_torch_supports_by_build():
    assert not torch_supports(recorded("rtx5080_blackwell_cu124"), recorded("rtx5080_blackwell_cu124").gpus[0])
    assert torch_supports(recorded("rtx5080_blackwell_cu128"), recorded("rtx5080_blackwell_cu128").gpus[0])
    assert torch_supports(recorded("rtx4090_ada"), recorded("rtx4090_ada").gpus[0])
    cpu_only = recorded("rtx4090_ada")
    cpu_only.torch_version, cpu_only.torch_cuda_version = "2.5.1+cpu", None
    assert not torch_supports(cpu_only, cpu_only.gpus[0])


def test_torch_install_hint():
    assert torch_install_hint(GPU(0, "RTX 5080", (12, 0), 16, 15)).endswith("https://download.pytorch.org/whl/cu128")
    assert "whl/cu128" in torch_install_hint(GPU(0, "B200", (10, 0), 180, 170))
    assert "whl/cu126" in torch_install_hint(GPU(0, "GTX 1080", (6, 1), 8, 7))  # cu128 wheels dropped Pascal
    assert torch_install_hint(GPU(0, "K80", (3, 7), 12, 11)) is None
    assert torch_install_hint(GPU(0, "Orin", (8, 7), 32, 30)) is None


def test_driver_too_old_only_across_cuda_majors():
    hw = recorded("rtx4090_ada")  # driver CUDA 12.4
    hw.torch_version, hw.torch_cuda_version = "2.7.1+cu128", "12.8"
    assert cuda_driver_too_old(hw) is None  # minor version compatibility
    hw.torch_version, hw.torch_cuda_version = "2.9.0+cu130", "13.0"
    message = cuda_driver_too_old(hw)
    assert "550.120" in message and "CUDA 13.0" in message and "12.x" in message


def test_flash_attn_usable_needs_ampere():
    hw = recorded("rtx4090_ada")
    assert flash_attn_usable(hw)
    assert not flash_attn_usable(hw, GPU(1, "RTX 2080 Ti", (7, 5), 11, 10))
    hw.flash_attn = Check(False, "undefined symbol")
    assert not flash_attn_usable(hw)


def test_detect_wsl():
    wsl2 = "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) 11.2.0) #1 SMP"
    wsl1 = "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #1237-Microsoft"
    assert detect_wsl(wsl2) == 2
    assert detect_wsl(wsl1) == 1
    assert detect_wsl("Linux version 6.8.0-49-generic (buildd@lcy02-amd64-103) #49-Ubuntu SMP") is None
    assert detect_wsl("") is None


def test_parse_docker_runtimes():
    with_nvidia = json.dumps({"io.containerd.runc.v2": {"path": "runc"}, "nvidia": {"path": "nvidia-container-runtime"},
                              "runc": {"path": "runc"}})
    assert parse_docker_runtimes(with_nvidia).ok is True
    without = parse_docker_runtimes(json.dumps({"io.containerd.runc.v2": {}, "runc": {}}))
    assert without.ok is False and "nvidia-ctk runtime configure" in without.detail and "runc" in without.detail
    assert parse_docker_runtimes("null").ok is None  # what docker prints when its daemon is down
    assert parse_docker_runtimes("").ok is None


class FakeNVMLError(Exception):
    def __init__(self, value: int):
        super().__init__(f"NVML error {value}")
        self.value = value


def fake_nvml(cards: list[tuple], init_error: int | None = None, names_as_bytes: bool = False):
    """A stand-in for the pynvml module: (name, (major, minor), total bytes, free bytes) per card."""
    calls = []

    def init():
        calls.append("init")
        if init_error is not None:
            raise FakeNVMLError(init_error)

    return SimpleNamespace(
        calls=calls,
        nvmlInit=init,
        nvmlShutdown=lambda: calls.append("shutdown"),
        nvmlSystemGetDriverVersion=lambda: b"570.133.07" if names_as_bytes else "570.133.07",
        nvmlSystemGetCudaDriverVersion=lambda: 12080,
        nvmlDeviceGetCount=lambda: len(cards),
        nvmlDeviceGetHandleByIndex=lambda i: i,
        nvmlDeviceGetName=lambda h: cards[h][0].encode() if names_as_bytes else cards[h][0],
        nvmlDeviceGetCudaComputeCapability=lambda h: cards[h][1],
        nvmlDeviceGetMemoryInfo=lambda h: SimpleNamespace(total=cards[h][2], free=cards[h][3], used=0),
        nvmlDeviceGetUUID=lambda h: f"GPU-{h:08d}-0000-0000-0000-000000000000",
    )


@pytest.mark.parametrize("names_as_bytes", [False, True])  # older nvidia-ml-py returned bytes
def test_probe_nvml_reads_cards(names_as_bytes):
    nvml = fake_nvml([("NVIDIA GeForce RTX 5080", (12, 0), 16303 * 2**20, 15462 * 2**20),
                      ("NVIDIA GeForce RTX 3060", (8, 6), 12288 * 2**20, 11622 * 2**20)], names_as_bytes=names_as_bytes)
    status, gpus, driver, cuda = probe_nvml(nvml)
    assert status.ok is True and "2 GPU(s)" in status.detail
    assert (driver, cuda) == ("570.133.07", "12.8")
    assert gpus[0] == GPU(0, "NVIDIA GeForce RTX 5080", (12, 0), 15.92, 15.1, "GPU-00000000-0000-0000-0000-000000000000")
    assert gpus[1].name == "NVIDIA GeForce RTX 3060" and gpus[1].vram_total_gb == 12.0
    assert nvml.calls == ["init", "shutdown"]


def test_probe_nvml_without_driver_is_no_fault_but_a_mismatch_is():
    absent, gpus, driver, _ = probe_nvml(fake_nvml([], init_error=12))  # NVML_ERROR_LIBRARY_NOT_FOUND
    assert absent.ok is None and gpus == [] and driver is None
    assert probe_nvml(fake_nvml([], init_error=9))[0].ok is None  # NVML_ERROR_DRIVER_NOT_LOADED
    mismatch = probe_nvml(fake_nvml([], init_error=18))[0]  # NVML_ERROR_LIB_RM_VERSION_MISMATCH
    assert mismatch.ok is False and "18" in mismatch.detail
    assert probe_nvml(None)[0].ok is None


def test_version_tuple():
    assert version_tuple("4.57.0.dev0") == (4, 57, 0)
    assert version_tuple("2.7.1+cu128") == (2, 7, 1)
    assert version_tuple("12.8") == (12, 8)
    assert version_tuple(None) == ()
    assert version_tuple("4.57.1") > version_tuple("4.57.0")


def test_probe_on_this_machine_is_quick_and_leaves_torch_alone():
    """A plain probe in a fresh interpreter: never raises, and without a GPU imports no torch."""
    script = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "from obligations.hardware import probe\n"
        "hw = probe()\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'torch': 'torch' in sys.modules,\n"
        "                  'hw': hw.to_dict()}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    hw = Hardware.from_dict(result["hw"])
    if hw.gpus:
        pytest.skip("this machine has an NVIDIA GPU: the GPU-less path cannot be checked here")
    assert result["torch"] is False
    assert result["seconds"] < 3.0
    assert hw.nvml.ok is not True and hw.torch_cuda.ok is None
    assert hw.flash_attn.ok is None and hw.bitsandbytes.ok is None  # no GPU is no fault of theirs
    assert hw.tesseract.ok is not None and hw.kernel_release


def test_python_stack_child_reports_versions_without_a_device():
    """The child process that imports torch: on a machine without a device it reports, not crashes."""
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed")
    if Path("/dev/nvidia0").exists():
        pytest.skip("this machine has an NVIDIA device")
    hw = Hardware(gpus=[GPU(0, "pretend card", (8, 9), 24.0, 23.0)])
    probe_python_stack(hw, timeout_s=240)
    assert hw.torch_version.split("+")[0] == importlib.metadata.version("torch").split("+")[0]
    assert hw.torch_cuda.ok is False and hw.torch_cuda.detail != "not probed"
    assert hw.bitsandbytes.ok is not None and hw.flash_attn.ok is not None
    if hw.torch_cuda_version is not None:
        assert hw.torch_arch_list and all(entry.startswith(("sm_", "compute_")) for entry in hw.torch_arch_list)


def test_a_stuck_torch_probe_is_reported_not_waited_for():
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed")
    hw = Hardware(gpus=[GPU(0, "pretend card", (8, 9), 24.0, 23.0)])
    probe_python_stack(hw, timeout_s=0.05)
    assert hw.torch_cuda.ok is False and "took over" in hw.torch_cuda.detail
    assert hw.flash_attn.ok is None and hw.flash_attn.detail.startswith("not checked: ")
    assert hw.torch_arch_list == []


def test_probe_turns_a_failing_step_into_a_finding(monkeypatch):
    import obligations.hardware as hardware

    def broken():
        raise RuntimeError("docker went away")

    monkeypatch.setattr(hardware, "_probe_docker", broken)
    hw = hardware.probe()
    assert hw.docker_nvidia == Check(False, "probe failed: RuntimeError: docker went away")
    assert hw.tesseract.ok is not None


# ---------------------------------------------------------------------- device numbering

UUID_3060 = "GPU-c41d8b07-6e2a-4f93-8a15-d0b7e3c9f218"
UUID_4090 = "GPU-0b7e1c52-94d3-41a8-b6f0-2c9e8d71a345"


def two_gpus() -> list[GPU]:
    """The recorded two-GPU workstation's cards as NVML lists them (PCI bus order), unmapped."""
    return [GPU(g.index, g.name, g.compute_capability, g.vram_total_gb, g.vram_free_gb, g.uuid)
            for g in recorded("two_gpus_pci_order").gpus]


def test_two_gpu_machine_recorded_with_cuda_visible_devices_reversed():
    """NVML lists the 3060 first (PCI bus order) whatever CUDA_VISIBLE_DEVICES says; torch, given
    "1,0", calls the 4090 cuda:0. The recording agrees with the mapping worked out from the
    variable, and with torch's own UUIDs."""
    hw = recorded("two_gpus_pci_order")
    assert [(g.index, g.name[-8:], g.ordinal) for g in hw.gpus] == [(0, "RTX 3060", 1), (1, "RTX 4090", 0)]
    assert hw.cuda_visible_devices == "1,0"
    assert map_visible(two_gpus(), "1,0") == hw.gpus
    torch_order = [UUID_4090[4:], UUID_3060[4:]]  # str(torch.cuda.get_device_properties(i).uuid)
    assert map_by_uuid(two_gpus(), torch_order) == hw.gpus
    assert "cuda:0, NVIDIA GeForce RTX 4090" in hw.torch_cuda.detail


@pytest.mark.parametrize("visible, ordinals", [
    (None, [0, 1]),  # unset: every card, PCI order
    ("0,1", [0, 1]),
    ("1", [None, 0]),  # the 3060 hidden, the 4090 is cuda:0
    (UUID_4090, [None, 0]),
    ("GPU-0b7e1c52,GPU-c41d", [1, 0]),  # unique UUID prefixes
    ("GPU-,0", [None, None]),  # no card named: the list ends at once
    ("0,7,1", [0, None]),  # CUDA stops at the first entry that names no card
    ("-1", [None, None]),
    ("", [None, None]),
    ("0,0,1", [0, None]),  # a card named twice ends the list
    ("MIG-3f2e9c1a-0a1b-5c7d-9e8f-1a2b3c4d5e6f", [None, None]),  # MIG instances are not mapped
])
def test_cuda_visible_devices_mapped_as_cuda_does(visible, ordinals):
    assert [g.ordinal for g in map_visible(two_gpus(), visible)] == ordinals


def test_torch_uuids_decide_when_the_probe_could_ask_torch():
    gpus = map_visible(two_gpus(), None)
    assert [g.ordinal for g in map_by_uuid(gpus, [UUID_4090.upper()])] == [None, 0]
    assert map_by_uuid(gpus, []) == gpus  # torch not asked: the variable's mapping stands
    no_uuid = [GPU(0, "old binding", (8, 6), 12.0, 11.0)]
    assert map_by_uuid(no_uuid, [UUID_3060]) == no_uuid


def test_device_order_pinned_for_the_process_and_its_children(monkeypatch):
    env = {"CUDA_DEVICE_ORDER": "FASTEST_FIRST"}
    assert pin_device_order(env) == "FASTEST_FIRST" and env["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
    assert pin_device_order(env) is None
    monkeypatch.delenv("CUDA_DEVICE_ORDER", raising=False)
    script = ("import os, subprocess, sys\n"
              "import obligations.backends\n"  # what the command line imports first
              "print(os.environ.get('CUDA_DEVICE_ORDER'))\n"
              "print(subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"CUDA_DEVICE_ORDER\"))'],"
              " capture_output=True, text=True).stdout.strip())\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={k: v for k, v in __import__("os").environ.items() if k != "CUDA_DEVICE_ORDER"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["PCI_BUS_ID", "PCI_BUS_ID"]


def test_probe_maps_nvml_cards_through_cuda_visible_devices(monkeypatch):
    import obligations.hardware as hardware

    cards = [("NVIDIA GeForce RTX 3060", (8, 6), 12 * 2**30, 11 * 2**30),
             ("NVIDIA GeForce RTX 4090", (8, 9), 24 * 2**30, 23 * 2**30)]
    monkeypatch.setitem(sys.modules, "pynvml", fake_nvml(cards))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    monkeypatch.setattr(hardware, "probe_python_stack", lambda hw, timeout: None)  # no torch child here
    hw = hardware.probe(full=False)
    assert hw.cuda_visible_devices == "1"
    assert [(g.index, g.visible, g.device) for g in hw.gpus] == [(0, False, None), (1, True, "cuda:0")]
    assert __import__("os").environ["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
