"""benchmarks/gpu_latency.py covers the OCR readers: its full-size configs have the published
parameter counts (counted on the meta device, nothing allocated), and its reduced mode runs the
tool's own reader path on the CPU. No GPU here: the catalog's figures stay unmeasured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import gpu_latency  # noqa: E402

from obligations.catalog import load_catalog  # noqa: E402


@pytest.mark.parametrize("name", sorted(gpu_latency.OCR_SIZES))
def test_full_size_configs_have_the_published_size(name, tmp_path):
    import torch
    import transformers
    from tiny_models import build_tiny_model

    entry = load_catalog()[name]
    config, processor = gpu_latency.full_size(name, build_tiny_model(entry.family, tmp_path / "tiny"))
    with torch.device("meta"):
        model = getattr(transformers, config.architectures[0])._from_config(config)
    billions = sum(p.numel() for p in model.parameters()) / 1e9
    assert abs(billions - entry.params_b) / entry.params_b < 0.2, billions  # models.toml's published size
    assert not entry.measured  # no GPU lent: the figures stay marked unmeasured


def test_reduced_mode_reads_a_page_with_each_ocr_reader_on_the_cpu():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_latency.py"), "--reduced", "--models",
                           "deepseek-ocr2,glm-ocr,paddleocr-vl", "--precisions", "fp32", "--pages", "1",
                           "--ocr-tokens", "4"], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [__import__("json").loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [row["model"] for row in rows] == ["deepseek-ocr2", "glm-ocr", "paddleocr-vl"]
    assert all("error" not in row and row["s_per_page"] > 0 and row["parameters"] > 0 for row in rows), rows
    assert all(row["peak_vram_gb"] is None for row in rows)  # the CPU: no VRAM figure


def test_answerers_are_refused_in_reduced_mode_and_without_a_gpu():
    with pytest.raises(SystemExit, match="OCR readers only"):
        gpu_latency.main(["--reduced", "--models", "qwen2-vl-2b"])
