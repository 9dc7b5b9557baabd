"""`obligations doctor` reports on recorded machines: findings, model table, auto choice, hints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.catalog import load_catalog
from obligations.doctor import NO_GPU, doctor_report, doctor_text, format_doctor, format_wsl
from obligations.hardware import Check, Hardware

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "hardware"


def recorded(name: str) -> Hardware:
    return Hardware.from_dict(json.loads((FIXTURES / f"{name}.json").read_text()))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def report_for(name: str, catalog) -> dict:
    return doctor_report(recorded(name), catalog)


@pytest.mark.parametrize("machine, model, precision", [
    ("rtx4090_ada", "qwen3-vl-8b", "bf16"),
    ("rtx5080_blackwell_cu124", None, None),
    ("rtx5080_blackwell_cu128", "qwen3-vl-8b", "int8"),
    ("rtx3060_12gb", "qwen3-vl-4b", "bf16"),  # ranked above 8B at int4 (quantisation cost)
    ("gpu_8gb", "qwen3-vl-4b", "int8"),
    ("no_gpu", None, None),
    ("wsl2_rtx4080", "qwen3-vl-8b", "int8"),
    ("two_gpus_pci_order", "qwen3-vl-8b", "bf16"),  # nvidia-smi's GPU 1, torch's cuda:0
])
def test_report_is_json_and_carries_the_auto_choice(catalog, machine, model, precision):
    report = report_for(machine, catalog)
    assert json.loads(json.dumps(report)) == report
    assert (report["auto"]["model"], report["auto"]["precision"]) == (model, precision)
    assert Hardware.from_dict(report["hardware"]) == recorded(machine)
    assert [c["name"] for c in report["checks"]] == [
        "NVIDIA driver", "torch", "torch CUDA kernel", "flash-attn", "bitsandbytes", "transformers", "WSL2",
        "Docker NVIDIA runtime", "Tesseract"]
    assert len(report["recommendation"]) == 3 * len(catalog)
    text = format_doctor(report)
    assert text.splitlines()[0] == report["summary"]
    if model:
        assert f"Auto choice: {model} at {precision} on cuda:0" in text


def test_no_gpu_is_a_normal_answer(catalog):
    report = report_for("no_gpu", catalog)
    assert report["summary"] == NO_GPU
    assert report["gpus"] == [] and report["warnings"] == []
    assert all(c["ok"] is not False for c in report["checks"])  # nothing to fix on a CPU machine
    text = format_doctor(report)
    assert text.startswith("No NVIDIA GPU found: Obligations will use Tesseract on the CPU\n")
    assert "Models" not in text and "Warnings" not in text


def test_blackwell_without_kernels_says_which_torch_to_install(catalog):
    report = report_for("rtx5080_blackwell_cu124", catalog)
    gpu = report["gpus"][0]
    assert (gpu["architecture"], gpu["sm"], gpu["compute_capability"]) == ("Blackwell", "sm_120", "12.0")
    assert gpu["torch_kernels"] is False and gpu["torch_install_hint"].endswith("/whl/cu128")
    assert any("whl/cu128" in w and "sm_120" in w for w in report["warnings"])
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["torch"]["ok"] is False and checks["torch CUDA kernel"]["ok"] is False
    text = format_doctor(report)
    assert "NO (sm_120 missing)" in text
    assert "Models: none can run: see Warnings" in text
    assert "pip install --force-reinstall torch torchvision --index-url https://download.pytorch.org/whl/cu128" in text
    assert not any(v["fits"] for v in report["recommendation"])


def test_model_table_rows_and_reasons(catalog):
    report = report_for("rtx3060_12gb", catalog)
    rows = {(v["model"], v["precision"]): v for v in report["recommendation"]}
    assert rows[("qwen3-vl-8b", "bf16")]["fits"] is False and rows[("qwen3-vl-8b", "int4")]["fits"] is True
    assert rows[("qwen3-vl-8b", "int8")]["need_gb"] == 12.0 and rows[("qwen3-vl-8b", "int8")]["free_gb"] == 11.35
    assert rows[("qwen2.5-vl-3b", "int8")]["source"] == "our estimate, unmeasured"
    text = format_doctor(report)
    line = next(line for line in text.splitlines() if line.startswith("qwen3-vl-8b    int8"))
    assert line.split()[2:5] == ["12.0", "11.3", "no"]
    assert line.endswith("needs 12.0 GB (est. 10.0 + 2.0 margin), 11.3 GB free on GPU 0")
    assert "Passed over:" in text


def test_tables_are_aligned(catalog):
    text = format_doctor(report_for("rtx4090_ada", catalog))
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Check ")))
    table = lines[start:start + 10]
    column = table[0].index("Status")
    assert all(line[column - 2:column] == "  " and line[column] in "of-" for line in table[1:])
    model_header = next(line for line in lines if line.startswith("Model "))
    fits = model_header.index("Fits")
    model_rows = [line for line in lines if line.startswith("qwen3-vl-")]
    assert all(line[fits:fits + 3] in ("yes", "no ") for line in model_rows)


def test_wsl_specifics(catalog):
    report = report_for("wsl2_rtx4080", catalog)
    assert any(w.startswith("WSL2: CUDA comes from the Windows NVIDIA driver") for w in report["warnings"])
    assert any(".wslconfig" in w for w in report["warnings"])  # 15.6 GB VM
    assert {c["name"]: c["ok"] for c in report["checks"]}["WSL2"] is True
    text = format_wsl(report)
    assert text.startswith("WSL2: detected (kernel 5.15.167.4-microsoft-standard-WSL2)\n")
    assert "/usr/lib/wsl/lib/libcuda.so: present" in text
    assert "nvidia-smi: ok (/usr/lib/wsl/lib/nvidia-smi: GPU 0: NVIDIA GeForce RTX 4080" in text
    assert "torch.cuda: ok (torch 2.7.1+cu128; a kernel ran on NVIDIA GeForce RTX 4080)" in text


def test_wsl_without_libcuda_says_how_to_get_it(catalog):
    hw = recorded("wsl2_rtx4080")
    hw.wsl_libcuda = False
    hw.gpus = []
    hw.nvml = Check(None, "no NVIDIA driver reachable: NVML Shared Library Not Found")
    report = doctor_report(hw, catalog)
    assert {c["name"]: c["ok"] for c in report["checks"]}["WSL2"] is False
    text = format_wsl(report)
    assert "/usr/lib/wsl/lib/libcuda.so: missing" in text
    assert "`wsl --update`" in text


def test_not_wsl_points_to_check_gpu(catalog):
    text = format_wsl(report_for("rtx4090_ada", catalog))
    assert text.startswith("WSL2: not detected")
    assert "scripts/check_gpu.py" in text


def test_doctor_text_json_and_wsl(catalog):
    hw = recorded("rtx4090_ada")
    assert json.loads(doctor_text(as_json=True, hw=hw, catalog=catalog))["auto"]["model"] == "qwen3-vl-8b"
    assert doctor_text(wsl=True, hw=hw, catalog=catalog).startswith("WSL2: not detected")


def test_check_wsl_cuda_script_runs_here():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_wsl_cuda.py")], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("WSL2: ")
    assert "torch.cuda: " in proc.stdout
    bad = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_wsl_cuda.py"), "--bogus"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "usage" in bad.stderr


def test_two_gpus_shown_with_both_numbers(catalog):
    report = report_for("two_gpus_pci_order", catalog)
    assert [(g["index"], g["device"]) for g in report["gpus"]] == [(0, "cuda:1"), (1, "cuda:0")]
    assert report["auto"]["gpu_index"] == 1 and report["auto"]["device"] == "cuda:0"
    text = format_doctor(report)
    assert "CUDA_DEVICE_ORDER=PCI_BUS_ID and CUDA_VISIBLE_DEVICES=1,0" in text
    row = next(line for line in text.splitlines() if "RTX 4090" in line and line.startswith("1"))
    assert row.split()[:2] == ["1", "cuda:0"]


@pytest.mark.parametrize("machine, model", [
    ("rtx4090_ada", "qwen3-vl-8b"), ("rtx5080_blackwell_cu128", "qwen3-vl-4b"), ("rtx3060_12gb", "glm-ocr"),
    ("gpu_8gb", "glm-ocr"), ("rtx3050_6gb_transformers5", None), ("two_gpus_pci_order", "qwen3-vl-8b"),
    ("no_gpu", None),
])
def test_doctor_prints_the_vllm_command_that_fits_the_card(catalog, machine, model):
    report = report_for(machine, catalog)
    assert report["vllm"]["model"] == model
    text = format_doctor(report)
    if model is None:
        assert report["vllm"]["command"] is None
        assert ("vLLM (throughput;" in text) is bool(report["gpus"])
        return
    command = next(line.strip() for line in text.splitlines() if "vllm serve" in line)
    assert command == report["vllm"]["command"] and f"--served-model-name {model}" in command
    assert "--gpu-memory-utilization 0." in command and "--max-model-len" in command
    assert "then: VLLM_URL=http://localhost:8000/v1 obligations run" in text
