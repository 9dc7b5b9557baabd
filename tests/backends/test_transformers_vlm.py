"""The real transformers path (processor, chat template, generate) on tiny random models, on CPU.

The answers are noise; what is checked is the flow: loading through --model-path, one batched
generate per page, the output contract, timings, and the quantisation settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from obligations.backends.loading import ModelRequest, check_quantized, load_kwargs, quantization_config  # noqa: E402
from obligations.errors import EXIT_NOTHING_FOUND, UsageError  # noqa: E402
from obligations.pipeline import Pipeline, RunOptions  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "input" / "snils_sample.jpg"
QWEN_FAMILIES = ["qwen2-vl", "qwen2.5-vl", "qwen3-vl"]


def obligations(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obligations", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("family", QWEN_FAMILIES)
def test_qwen_answers_every_field_through_run(tiny_model, family, tmp_path):
    path = tiny_model(family)
    proc = obligations("run", str(SAMPLE), "-o", str(tmp_path), "-q", "--ocr-service", "qwen_local",
                       "--model-path", str(path), "--doc-type", "snils")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "snils_sample.json").read_text())
    assert result["schema_version"] == "1"
    assert result["backend"]["service"] == "qwen_local" and result["backend"]["device"] == "cpu"
    assert "on the CPU" in result["backend"]["reason"]
    document = result["documents"][0]
    assert document["doc_type"] == "snils"
    assert set(document["fields"]) == {"number", "last_name", "first_name", "middle_name", "birth_date",
                                       "birth_place", "gender", "registration_date"}
    for field in document["fields"].values():
        assert set(field) == {"value", "raw", "valid", "confidence", "page", "bbox", "source"}
        assert field["value"] is None or field["source"] == "vlm"
    assert result["pages"][0]["text_source"] == "vlm"
    timing = result["timing_s"]
    assert timing["vlm"] > 0 and timing["model_load"] > 0 and timing["per_page"][0]["vlm"] > 0


class CountingGenerate:
    """Wraps a loaded model's generate to count calls and batch sizes."""

    def __init__(self, backend):
        self.calls: list[int] = []
        model = backend._model
        original = model.generate

        def generate(*args, **kwargs):
            self.calls.append(kwargs["input_ids"].shape[0])
            return original(*args, **kwargs)

        model.generate = generate


@pytest.mark.parametrize("mode", ["per-field", "json"])
def test_a_page_is_one_generate_call(tiny_model, mode):
    options = RunOptions(service="qwen_local", model_path=tiny_model("qwen2-vl"), doc_type="snils", mode=mode, jobs=1)
    pipeline = Pipeline(options)
    pipeline.backend.load()
    counter = CountingGenerate(pipeline.backend)
    result = pipeline.process(SAMPLE)
    fields = result.documents[0].fields
    if mode == "per-field":
        # All eight questions in one batch; then at most one corrective batch for invalid answers.
        assert counter.calls[0] == len(fields) == 8
        assert len(counter.calls) <= 2
        invalid = [f for f in fields.values() if f.value is not None and not f.valid]
        assert len(counter.calls) == (2 if invalid else 1)
    else:
        assert counter.calls[0] == 1


def test_classification_is_asked_when_no_doc_type_is_given(tiny_model):
    options = RunOptions(service="qwen_local", model_path=tiny_model("qwen2-vl"), jobs=1)
    result = Pipeline(options).process(SAMPLE)
    # A random model names no document type: the page is reported as not recognised.
    assert result.documents[0].doc_type in ("unknown", "snils", "inn", "passport", "invoice", "receipt")
    if result.documents[0].doc_type == "unknown":
        assert any("not recognised" in w for w in result.warnings)


def test_got_reads_pages_for_the_locator(tiny_model, tmp_path):
    proc = obligations("run", str(SAMPLE), "-o", str(tmp_path), "-q", "--ocr-service", "got",
                       "--model-path", str(tiny_model("got-ocr2")), "--doc-type", "snils")
    result = json.loads((tmp_path / "snils_sample.json").read_text())
    # Random weights read gibberish: a run that found no field says so (exit 4), else exits 0.
    found = any(f["value"] is not None for d in result["documents"] for f in d["fields"].values())
    assert proc.returncode == (0 if found else EXIT_NOTHING_FOUND), proc.stderr
    assert result["backend"]["service"] == "got" and result["pages"][0]["text_source"] == "vlm"
    # GOT gives no boxes and no --locate pass ran: no field may claim a box.
    assert all(f["bbox"] is None for f in result["documents"][0]["fields"].values())


def test_model_loads_once_for_many_files(tiny_model, tmp_path):
    for i in range(3):
        (tmp_path / f"s{i}.jpg").write_bytes(SAMPLE.read_bytes())
    options = RunOptions(service="qwen_local", model_path=tiny_model("qwen2-vl"), doc_type="snils", jobs=1)
    pipeline = Pipeline(options)
    loads = []
    original = pipeline.backend._load_model
    pipeline.backend._load_model = lambda path: loads.append(path) or original(path)
    outcomes = list(pipeline.run(sorted(tmp_path.glob("*.jpg"))))
    assert [o.error for o in outcomes] == [None, None, None]
    assert len(loads) == 1
    pipeline.backend.unload()
    assert pipeline.backend._model is None


# ---------------------------------------------------------------------- precision and errors


def request(**changes) -> ModelRequest:
    base = ModelRequest("qwen2-vl-2b", "Qwen/Qwen2-VL-2B-Instruct", "qwen2-vl", "bf16", "sdpa", "cuda:0")
    return replace(base, **changes)


def test_int8_and_int4_build_bitsandbytes_settings():
    int8 = quantization_config("int8")
    assert int8.load_in_8bit and not int8.load_in_4bit
    int4 = quantization_config("int4", torch.bfloat16)
    assert int4.load_in_4bit and int4.bnb_4bit_quant_type == "nf4" and int4.bnb_4bit_compute_dtype == torch.bfloat16
    assert quantization_config("bf16") is None
    pytest.importorskip("bitsandbytes")
    kwargs = load_kwargs(request(precision="int4"))
    assert kwargs["quantization_config"].load_in_4bit and kwargs["device_map"] == {"": "cuda:0"}
    assert load_kwargs(request(precision="bf16"))["dtype"] == torch.bfloat16


def test_quantisation_needs_a_gpu():
    with pytest.raises(UsageError, match="needs a CUDA GPU"):
        load_kwargs(request(precision="int8", device="cpu"))


def test_an_unquantised_model_is_caught(tiny_model):
    model = torch.nn.Sequential(torch.nn.Linear(4, 4))
    with pytest.raises(Exception, match="no Linear8bitLt layers"):
        check_quantized(model, "int8")
    assert check_quantized(model, "bf16") == 0


def test_missing_model_offline_names_the_download_command(tmp_path):
    proc = obligations("run", str(SAMPLE), "-o", "-", "-q", "--ocr-service", "qwen_local", "--model", "qwen2-vl-2b",
                       env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")})
    assert proc.returncode == 3, proc.stderr
    assert "huggingface-cli download Qwen/Qwen2-VL-2B-Instruct" in proc.stderr and "Traceback" not in proc.stderr


def test_model_path_without_config_is_a_usage_error(tmp_path):
    proc = obligations("run", str(SAMPLE), "-o", "-", "-q", "--ocr-service", "qwen_local", "--model-path", str(tmp_path))
    assert proc.returncode == 2 and "config.json" in proc.stderr


@pytest.mark.parametrize("family", ["qwen2-vl", "qwen2.5-vl"])
def test_answers_count_their_tokens_and_every_image_is_shown(tiny_model, family):
    from PIL import Image as PILImage

    from obligations.backends.base import ChatItem

    backend = Pipeline(RunOptions(service="qwen_local", model_path=tiny_model(family), jobs=1)).backend
    page = PILImage.open(SAMPLE).convert("RGB")
    one, two = backend.generate([ChatItem(page, "Read the page."), ChatItem(page, "Read the page.", None, (page,))],
                                max_new_tokens=5)
    assert 0 < one.completion_tokens <= 5 and 0 < two.completion_tokens <= 5
    # The second image's tokens are read too: the same prompt with two images is longer.
    assert two.prompt_tokens > one.prompt_tokens > 0
