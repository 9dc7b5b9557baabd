"""DeepSeek-OCR-2, GLM-OCR and PaddleOCR-VL through transformers' native classes: their output
parsers on the formats their docs show (whole, cut short, malformed), and tiny random models of
each architecture loaded through --model-path and run on the CPU (the answers are noise; the
flow, the shapes, one load per run and the output contract are what is checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.backends.deepseek_ocr import parse_grounding
from obligations.backends.glm_ocr import GLM_KIE_INSTRUCTION, GLM_TEXT_PROMPT, kie_prompt, parse_kie
from obligations.backends.paddleocr_vl import PADDLE_OCR_PROMPT
from obligations.backends.base import Answer
from obligations.backends.transformers_vlm import page_words
from obligations.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "input" / "snils_sample.jpg"
ENGINES = {  # family -> (service, reader class, its module)
    "deepseek-ocr2": ("deepseek_ocr2", "DeepSeekOcr2Reader", "obligations.backends.deepseek_ocr2"),
    "glm-ocr": ("glm_ocr", "GlmOcrReader", "obligations.backends.glm_ocr"),
    "paddleocr-vl": ("paddleocr_vl", "PaddleOcrVlReader", "obligations.backends.paddleocr_vl"),
}
MAX_NEW_TOKENS = 12  # random weights never stop: a page answer is cut at this length


# ---------------------------------------------------------------------- output formats


def test_deepseek_ocr2_grounding_as_its_docs_show():
    text = ("<|ref|>title<|/ref|><|det|>[[330, 198, 558, 230]]<|/det|>\n# R&D QUALITY IMPROVEMENT\n\n"
            "<|ref|>text<|/ref|><|det|>[[100, 300, 900, 360]]<|/det|>\nФамилия Иванов\nИмя Иван<｜end▁of▁sentence｜>")
    words = parse_grounding(text, 1000, 1000)
    assert [w.text for w in words] == ["R&D", "QUALITY", "IMPROVEMENT", "Фамилия", "Иванов", "Имя", "Иван"]
    title = words[0].bbox
    assert 329 <= title[0] <= 331 and 197 <= title[1] <= 199 and words[2].bbox[2] <= 559
    assert {w.line for w in words[3:5]} != {w.line for w in words[5:]}  # two printed lines
    assert all(100 <= w.bbox[0] and w.bbox[2] <= 901 and 300 <= w.bbox[1] for w in words[3:])


@pytest.mark.parametrize("text, expected", [
    # cut inside a box: the finished block stays, the cut one is dropped
    ("<|ref|>text<|/ref|><|det|>[[10, 10, 500, 50]]<|/det|>\nСНИЛС 112-233-445 95\n<|ref|>text<|/ref|><|det|>[[10, 60",
     ["СНИЛС", "112-233-445", "95"]),
    # a box of three numbers and a label without a box are skipped, the rest is read
    ("<|ref|>text<|/ref|><|det|>[[10, 10, 500]]<|/det|>\nnope\n<|ref|>text<|/ref|>\n"
     "<|ref|>text<|/ref|><|det|>[[10, 60, 500, 90]]<|/det|>\nИНН 500100732259", ["ИНН", "500100732259"]),
    ("", []),
    ("Free text without any grounding", ["Free", "text", "without", "any", "grounding"]),
])
def test_deepseek_ocr2_truncated_and_malformed(text, expected):
    assert [w.text for w in parse_grounding(text, 800, 600)] == expected


def test_page_transcription_markdown_and_tables():
    text = "# СТРАХОВОЕ СВИДЕТЕЛЬСТВО\n\n**Фамилия** Иванов\n<table><tr><td>ИНН</td><td>500100732259</td></tr></table>"
    words = page_words(text, (1000, 500), "glm_ocr")
    assert [w.text for w in words] == ["СТРАХОВОЕ", "СВИДЕТЕЛЬСТВО", "Фамилия", "Иванов", "ИНН", "500100732259"]
    assert len({w.line for w in words}) == 3
    assert all(0 <= w.bbox[0] < w.bbox[2] <= 1000 and 0 <= w.bbox[1] < w.bbox[3] <= 500 for w in words)
    assert page_words("", (10, 10), "x") == [] and page_words("<table><tr><td>cut", (100, 100), "x")[0].text == "cut"


def test_glm_kie_prompt_and_answers():
    prompt = kie_prompt(["number", "last_name"])
    assert prompt.startswith(GLM_KIE_INSTRUCTION + "\n{")
    assert json.loads(prompt.split("\n", 1)[1]) == {"number": "", "last_name": ""}
    fields = ["number", "last_name", "birth_date"]
    answer = '```json\n{"number": "112-233-445 95", "last_name": "Иванов", "birth_date": "", "extra": "x"}\n```'
    assert parse_kie(answer, fields) == {"number": "112-233-445 95", "last_name": "Иванов", "birth_date": None}
    cut = '{"number": 500100732259, "last_name": "Ива'  # cut inside a value: only finished members
    assert parse_kie(cut, fields) == {"number": "500100732259", "last_name": None, "birth_date": None}
    assert parse_kie("I cannot read this page.", fields) == {name: None for name in fields}


def test_catalog_prompts_are_the_engines():
    catalog = load_catalog()
    assert catalog["glm-ocr"].prompt("ocr") == GLM_TEXT_PROMPT
    assert catalog["glm-ocr"].prompt("kie").startswith(GLM_KIE_INSTRUCTION)
    assert catalog["paddleocr-vl"].prompt("ocr") == PADDLE_OCR_PROMPT
    assert catalog["deepseek-ocr2"].prompt("grounding") == "<image>\n<|grounding|>Convert the document to markdown."
    for family, (_, _, module) in ENGINES.items():
        entry = next(e for e in catalog.values() if e.family == family)
        assert entry.loader == module.rsplit(".", 1)[1] and not entry.trust_remote_code and not entry.measured


# ---------------------------------------------------------------------- tiny models, real path

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


def _engine(family):
    import importlib

    service, name, module = ENGINES[family]
    return service, getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("family", list(ENGINES))
def test_run_reads_the_page_through_model_path(tiny_model, family, tmp_path):
    service, cls = _engine(family)
    path = tiny_model(family)
    # The real `obligations run`, the page answer cut short (random weights never stop).
    code = (f"import sys; from {cls.__module__} import {cls.__name__} as R; R.max_new_tokens = {MAX_NEW_TOKENS}; "
            "from obligations.cli import main; sys.argv[0] = 'obligations'; main()")
    proc = subprocess.run([sys.executable, "-c", code, "run", str(SAMPLE), "-o", str(tmp_path), "-q", "--ocr-service",
                           service, "--model-path", str(path), "--doc-type", "snils"],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    # 4: nothing found in any input, which random weights may well be (the output is written all the same)
    assert proc.returncode in (0, 4), proc.stderr[-3000:]
    result = json.loads((tmp_path / "snils_sample.json").read_text())
    backend = result["backend"]
    assert backend["service"] == service and backend["device"] == "cpu"
    # What is on disk, not a catalog id it does not match.
    model_type = family.replace("-", "_")
    assert backend["model"].startswith(f"{model_type}, 0.") and backend["model"].endswith(f"from {path}")
    assert " M parameters" in backend["model"]
    assert not any(entry_id in backend["model"].replace(str(path), "") for entry_id in load_catalog())
    assert result["pages"][0]["text_source"] == "vlm"
    fields = result["documents"][0]["fields"]
    assert set(fields) == {"number", "last_name", "first_name", "middle_name", "birth_date", "birth_place", "gender",
                           "registration_date"}
    for field in fields.values():
        assert set(field) >= {"value", "raw", "valid", "confidence", "page", "bbox", "source"}
    timing = result["timing_s"]
    assert timing["model_load"] > 0 and timing["per_page"][0]["vlm"] > 0


@pytest.mark.parametrize("family", list(ENGINES))
def test_one_load_and_one_generate_per_page(tiny_model, family, tmp_path, monkeypatch):
    from obligations.pipeline import Pipeline, RunOptions

    _, cls = _engine(family)
    monkeypatch.setattr(cls, "max_new_tokens", MAX_NEW_TOKENS)
    for i in range(2):
        (tmp_path / f"s{i}.jpg").write_bytes(SAMPLE.read_bytes())
    pipeline = Pipeline(RunOptions(service="auto", model_path=tiny_model(family), doc_type="snils", jobs=1))
    backend = pipeline.backend
    assert type(backend) is cls and backend.request.device == "cpu"
    assert backend.capabilities.kind == "reader" and backend.capabilities.boxes == (family == "deepseek-ocr2")
    loads, calls = [], []
    original_load = backend._load_model

    def load_model(path):
        model = original_load(path)
        original_generate = model.generate

        def generate(*args, **kwargs):
            calls.append({k: tuple(v.shape) for k, v in kwargs.items() if hasattr(v, "shape")})
            out = original_generate(*args, **kwargs)
            sequences = out if isinstance(out, torch.Tensor) else out.sequences
            assert sequences.shape[1] <= kwargs["input_ids"].shape[1] + MAX_NEW_TOKENS
            return out

        model.generate = generate
        loads.append(path)
        return model

    backend._load_model = load_model
    outcomes = list(pipeline.run(sorted(tmp_path.glob("*.jpg"))))
    assert [o.error for o in outcomes] == [None, None]
    assert len(loads) == 1 and len(calls) == 2  # one load for the run, one page answer per page
    shapes = calls[0]
    assert shapes["input_ids"][0] == 1
    if family == "deepseek-ocr2":  # the global view and the page's tiles, at the processor's sizes
        assert shapes["pixel_values"][1:] == (3, 128, 128) and shapes["pixel_values_local"][1:] == (3, 96, 96)
    else:  # patches of 14 px, within the processor's pixel bounds
        assert shapes["image_grid_thw"] == (1, 3)
    # The loaded weights are what the request asked for: fp32 on the CPU, placed by device_map.
    assert {p.dtype for p in backend._model.parameters()} == {torch.float32}
    backend.unload()
    assert backend._model is None


def test_model_path_of_an_unknown_architecture_is_refused(tmp_path):
    from obligations.backends import select_backend
    from obligations.errors import UsageError
    from obligations.pipeline import RunOptions

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llava"}))
    with pytest.raises(UsageError, match="model_type 'llava'"):
        select_backend(RunOptions(service="auto", model_path=tmp_path))


def test_glm_ocr_answers_a_documents_fields_with_its_kie_prompt_in_json_mode(tiny_model, monkeypatch):
    from obligations.backends.glm_ocr import GLM_KIE_INSTRUCTION, GlmOcrAnswerer
    from obligations.pipeline import Pipeline, RunOptions

    pipeline = Pipeline(RunOptions(service="glm_ocr", model_path=tiny_model("glm-ocr"), doc_type="snils", mode="json",
                                   jobs=1))
    backend = pipeline.backend
    assert type(backend) is GlmOcrAnswerer and backend.capabilities.kind == "answerer"
    asked = []
    answer = '{"number": "112-233-445 95", "last_name": "ИВАНОВ", "birth_date": "01.02.1980"}'

    def generate(items, max_new_tokens=64, pixel_budget=None):
        asked.extend(item.prompt for item in items)
        return [Answer(answer, 0.9, item.image.size) for item in items]

    monkeypatch.setattr(backend, "generate", generate)
    result = pipeline.process(SAMPLE)
    fields = result.documents[0].fields
    assert len(asked) == 1 and asked[0].startswith(GLM_KIE_INSTRUCTION)
    assert json.loads(asked[0].split("\n", 1)[1]) == {name: "" for name in fields}  # the card's empty template
    assert (fields["number"].value, fields["number"].valid) == ("112-233-445 95", True)
    assert fields["last_name"].value == "Иванов" and fields["birth_date"].value == "1980-02-01"
    assert fields["gender"].value is None and fields["gender"].valid is None
