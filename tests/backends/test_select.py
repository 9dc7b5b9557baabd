"""Which backend `select_backend` picks on recorded machines (a fresh process each: the Hugging
Face cache location is read once, when huggingface_hub is imported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("huggingface_hub")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hardware"

SCRIPT = """
import json, sys
from obligations import hardware
from obligations.backends import select_backend
from obligations.pipeline import RunOptions

recorded = hardware.Hardware.from_dict(json.load(open(sys.argv[1])))
hardware.probe = lambda **kwargs: recorded
backend, reason = select_backend(RunOptions(service=sys.argv[2], remote_url="http://127.0.0.1:9"))
print(json.dumps({"backend": type(backend).__name__, "reason": reason,
                  "precision": getattr(getattr(backend, "request", None), "precision", None)}))
"""


def select(machine: str, service: str, cache: Path, cached_repos: tuple[str, ...] = ()) -> dict:
    for repo in cached_repos:  # the layout huggingface_hub reads: refs/main -> snapshots/<rev>/
        folder = cache / f"models--{repo.replace('/', '--')}"
        (folder / "refs").mkdir(parents=True, exist_ok=True)
        (folder / "refs" / "main").write_text("abc123")
        (folder / "snapshots" / "abc123").mkdir(parents=True, exist_ok=True)
        (folder / "snapshots" / "abc123" / "config.json").write_text("{}")
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURES / machine), service],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_auto_takes_the_best_model_already_downloaded(tmp_path):
    chosen = select("rtx4090_ada.json", "auto", tmp_path, ("Qwen/Qwen3-VL-8B-Instruct",))
    assert chosen["backend"] == "QwenAnswerer" and chosen["precision"] == "bf16"
    assert "qwen3-vl-8b" in chosen["reason"]


def test_auto_never_downloads_and_says_what_would_fit(tmp_path):
    chosen = select("rtx4090_ada.json", "auto", tmp_path)
    assert chosen["backend"] == "TesseractBackend"
    assert "qwen3-vl-8b at bf16 would fit but is not downloaded" in chosen["reason"]
    assert "huggingface-cli download Qwen/Qwen3-VL-8B-Instruct" in chosen["reason"]


def test_auto_on_16_gb_takes_an_int8_model(tmp_path):
    chosen = select("rtx5080_blackwell_cu128.json", "auto", tmp_path, ("Qwen/Qwen3-VL-8B-Instruct",))
    assert chosen["backend"] == "QwenAnswerer" and chosen["precision"] == "int8"


def test_auto_without_a_gpu_is_tesseract(tmp_path):
    chosen = select("no_gpu.json", "auto", tmp_path, ("Qwen/Qwen3-VL-8B-Instruct",))
    assert chosen["backend"] == "TesseractBackend" and "no GPU model fits" in chosen["reason"]


def test_blackwell_under_an_old_torch_falls_back_with_the_install_hint(tmp_path):
    chosen = select("rtx5080_blackwell_cu124.json", "auto", tmp_path, ("Qwen/Qwen3-VL-8B-Instruct",))
    assert chosen["backend"] == "TesseractBackend"
    assert "no kernels for sm_120" in chosen["reason"] and "whl/cu128" in chosen["reason"]


def test_explicit_got_service_takes_got(tmp_path):
    chosen = select("rtx4090_ada.json", "got", tmp_path)
    assert chosen["backend"] == "GotReader"


def test_auto_on_6_gb_takes_an_ocr_model_at_bf16_over_a_4b_at_int4(tmp_path):
    chosen = select("rtx3050_6gb_transformers5.json", "auto", tmp_path,
                    ("Qwen/Qwen3-VL-4B-Instruct", "zai-org/GLM-OCR"))
    assert chosen["backend"] == "GlmOcrReader" and chosen["precision"] == "bf16"
    assert "ranked above qwen3-vl-4b at int4" in chosen["reason"]


def test_explicit_native_ocr_services(tmp_path):
    chosen = select("rtx3050_6gb_transformers5.json", "deepseek_ocr2", tmp_path)
    assert chosen["backend"] == "DeepSeekOcr2Reader" and chosen["precision"] == "int4"  # int8 needs 5.5 GB
    chosen = select("rtx3050_6gb_transformers5.json", "paddleocr_vl", tmp_path)
    assert chosen["backend"] == "PaddleOcrVlReader" and chosen["precision"] == "bf16"
