"""vLLM: the command sized for a recorded card, `auto` preferring a reachable vLLM server, the
served OCR models read with their own prompts. vLLM itself does not install here (its PyPI wheel
is a CUDA build pinned to another torch), so a fake server speaking its wire format stands in:
benchmarks/remote_concurrency.py's, which batches as vLLM does."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from obligations.backends import select_backend
from obligations.backends.vllm import VLLM_KV_GB, VLLM_OVERHEAD_GB, need_gb, plan, served_family, utilisation
from obligations.catalog import load_catalog
from obligations.hardware import Hardware
from obligations.pipeline import RunOptions

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "hardware"
sys.path.insert(0, str(ROOT / "benchmarks"))
from remote_concurrency import CostModel, FakeOpenAIServer, measure, sample_page  # noqa: E402

FAST = CostModel(fixed_s=0.0, tokens=2, step_s=0.001)


def recorded(name: str) -> Hardware:
    return Hardware.from_dict(json.loads((FIXTURES / f"{name}.json").read_text()))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


@pytest.mark.parametrize("machine, model, share", [
    ("rtx4090_ada", "qwen3-vl-8b", "0.90"),  # 17.6 + 1 + 2 = 20.6 GB of 24
    ("wsl2_rtx4080", "qwen3-vl-4b", "0.75"),  # 16 GB: the 8B needs more than is free
    ("rtx5080_blackwell_cu128", "qwen3-vl-4b", "0.75"),
    ("rtx3060_12gb", "glm-ocr", "0.40"),  # 12 GB: Qwen3-VL 4B needs 11.9 of 11.35 free
    ("gpu_8gb", "glm-ocr", "0.60"),
])
def test_vllm_command_for_the_recorded_card(catalog, machine, model, share):
    chosen, why = plan(recorded(machine), catalog)
    assert chosen is not None, why
    argv = list(chosen.argv)
    assert argv[:3] == ["vllm", "serve", catalog[model].vllm.repo]
    assert option(argv, "--served-model-name") == model
    assert option(argv, "--gpu-memory-utilization") == share
    assert option(argv, "--max-model-len") == str(catalog[model].vllm.max_model_len)
    assert json.loads(option(argv, "--limit-mm-per-prompt"))["image"] == 1
    assert float(share) * chosen.gpu.vram_total_gb >= need_gb(catalog[model])
    assert float(share) * chosen.gpu.vram_total_gb <= chosen.gpu.vram_free_gb
    assert "unmeasured" in why and shlex.split(chosen.command) == argv


def test_six_gb_card_with_a_desktop_gets_no_vllm_command(catalog):
    chosen, why = plan(recorded("rtx3050_6gb_transformers5"), catalog)  # 5.0 GB free, GLM-OCR needs 4.8 + headroom
    assert chosen is None and "fits the free memory" in why


def test_model_card_flags_reach_the_command(catalog):
    assert "--trust-remote-code" in catalog["dots-ocr"].vllm.args
    assert catalog["paddleocr-vl"].vllm.args[:2] == ("--trust-remote-code", "--max-num-batched-tokens")
    assert "mtp" in catalog["glm-ocr"].vllm.args
    assert catalog["deepseek-ocr2"].vllm.repo == "deepseek-ai/DeepSeek-OCR-2"
    assert catalog["got-ocr2"].vllm is None and catalog["deepseek-ocr"].vllm is None
    assert dict(catalog["qwen3-vl-8b"].vllm.limit_mm) == {"image": 1, "video": 0}


def test_two_gpus_pin_the_card_by_uuid(catalog):
    chosen, _ = plan(recorded("two_gpus_pci_order"), catalog)
    assert chosen.argv[:3] == ("env", "CUDA_DEVICE_ORDER=PCI_BUS_ID",
                               "CUDA_VISIBLE_DEVICES=GPU-0b7e1c52-94d3-41a8-b6f0-2c9e8d71a345")
    assert chosen.gpu.index == 1 and chosen.entry.id == "qwen3-vl-8b"


def test_pre_ampere_cards_serve_fp16_and_no_gpu_says_why(catalog):
    hw = recorded("rtx4090_ada")
    hw.gpus = [hw.gpus[0].__class__(0, "Tesla V100", (7, 0), 32.0, 31.0)]
    chosen, _ = plan(hw, catalog)
    assert option(list(chosen.argv), "--dtype") == "half"
    chosen, why = plan(recorded("no_gpu"), catalog)
    assert chosen is None and "CPU build is not on PyPI" in why


def test_utilisation_rule(catalog):
    entry = catalog["qwen3-vl-8b"]
    assert need_gb(entry) == entry.vram_for("fp16") + VLLM_OVERHEAD_GB + VLLM_KV_GB
    assert utilisation(entry, 24.0) == 0.9  # rounded up to 0.05 of the card
    assert utilisation(entry, 16.0) is None
    assert utilisation(entry, 24.0, free_gb=21.0) == 0.86  # capped by what is free, still enough
    assert utilisation(entry, 24.0, free_gb=20.0) is None


@pytest.mark.parametrize("names, family", [
    (("qwen3-vl-8b",), "qwen"), (("model", "rednote-hilab/dots.ocr"), "dots-ocr"),
    (("deepseek-ai/DeepSeek-OCR-2",), "deepseek-ocr2"), (("glm-ocr",), "glm-ocr"),
    (("PaddlePaddle/PaddleOCR-VL",), "paddleocr-vl"), ((None, None), "qwen"),
])
def test_served_family(names, family):
    assert served_family(*names) == family


def test_auto_prefers_a_reachable_vllm_server(monkeypatch):
    with FakeOpenAIServer(cost=FAST) as server:
        monkeypatch.setenv("VLLM_URL", server.url[: -len("/v1")])  # the /v1 is added
        backend, reason = select_backend(RunOptions(service="auto", remote_url="http://127.0.0.1:9"))
        assert backend.model == "qwen3-vl-8b" and backend.chat_url == server.url + "/chat/completions"
        assert reason.startswith(f"auto: vLLM server at {server.url} (VLLM_URL) serves qwen3-vl-8b: answerer")
        answers = backend.chat(sample_page(), ["Surname?", "Date?"])
        assert [a.text for a in answers] == ["12.05.2024"] * 2
        assert all(r["messages"][-1]["content"][0]["image_url"]["url"].startswith("data:image/png;base64,")
                   for r in server.requests)
        backend.unload()
    monkeypatch.setenv("VLLM_URL", server.url)  # gone: auto goes on to local models / Tesseract
    backend, reason = select_backend(RunOptions(service="auto", remote_url="http://127.0.0.1:9"))
    assert "vLLM" not in reason


def test_remote_url_to_an_openai_server_takes_its_listed_model(monkeypatch):
    monkeypatch.delenv("VLLM_URL", raising=False)
    with FakeOpenAIServer(model="glm-ocr", root="zai-org/GLM-OCR", cost=FAST,
                          answer=lambda body: "# ПАСПОРТ\nИванов Иван\n| 12.05.2024 |") as server:
        backend, reason = select_backend(RunOptions(service="auto", remote_url=server.url))
        assert backend.model == "glm-ocr" and backend.capabilities.kind == "reader"
        assert not backend.capabilities.boxes and "reader (glm-ocr)" in reason
        words, _ = backend.read(sample_page())
        assert [w.text for w in words] == ["ПАСПОРТ", "Иванов", "Иван", "12.05.2024"]
        assert server.requests[0]["messages"][-1]["content"][1]["text"] == "Text Recognition:"
        backend.unload()


def test_deepseek_ocr2_served_keeps_its_grounding_tags():
    answer = "<|ref|>text<|/ref|><|det|>[[100, 100, 500, 150]]<|/det|>\nИванов Иван"
    with FakeOpenAIServer(model="deepseek-ocr2", root="deepseek-ai/DeepSeek-OCR-2", cost=FAST,
                          answer=lambda body: answer) as server:
        backend, _ = select_backend(RunOptions(service="openai", remote_url=server.url, remote_model="deepseek-ocr2"))
        words, _ = backend.read(sample_page())
        body = server.requests[0]
        assert body["skip_special_tokens"] is False
        assert body["messages"][-1]["content"][1]["text"] == "<|grounding|>Convert the document to markdown."
        assert [w.text for w in words] == ["Иванов", "Иван"] and backend.capabilities.boxes
        x0, y0, x1, y1 = words[0].bbox
        assert 80 <= x0 <= 90 and 105 <= y0 <= 115  # 100/999 of 850 x 1100
        backend.unload()


def test_concurrency_benchmark_runs_and_batching_pays():
    rows = measure(levels=(1, 4), pages=8, cost=CostModel(fixed_s=0.02, tokens=10, step_s=0.003))
    one, four, totals = rows
    # Requests in flight overlap into the fake server's batches (the speed-up itself is the
    # benchmark's to print: a timed assertion fails on a loaded machine).
    assert one["reader_pages_s"] > 0 and four["reader_pages_s"] > 0
    assert totals["peak_batch"] >= 3 and totals["requests"] == 2 * 8 + 2 * 8


@pytest.mark.parametrize("takes_it", [True, False])
def test_json_mode_sends_the_fields_schema_while_the_server_takes_it(monkeypatch, takes_it):
    from obligations.doctypes import load_doctypes
    from obligations.fields.asking import Questions, ask_fields

    monkeypatch.delenv("VLLM_URL", raising=False)
    snils = load_doctypes()["snils"]
    answer = '{"number": "112-233-445 95", "last_name": "Иванов"}'
    with FakeOpenAIServer(cost=FAST, answer=lambda body: answer, takes_response_format=takes_it) as server:
        backend, _ = select_backend(RunOptions(service="openai", remote_url=server.url, remote_model="qwen3-vl-8b"))
        for _ in range(2):
            found = ask_fields(backend, sample_page(), snils, snils.fields, 1, [], Questions(mode="json"))
            assert found["number"].value == "112-233-445 95" and found["last_name"].value == "Иванов"
        sent = [body.get("response_format") for body in server.requests]
        schema = sent[0]["json_schema"]["schema"]
        assert schema["required"] == [spec.id for spec in snils.fields] and not schema["additionalProperties"]
        if takes_it:
            assert len(sent) == 2 and all(sent) and backend.structured_output is True
        else:  # refused once, asked again without, never sent again
            assert [bool(s) for s in sent] == [True, False, False] and backend.structured_output is False
        backend.unload()


@pytest.mark.parametrize("in_flight", [1, 4])
def test_pages_go_to_a_remote_reader_several_at_a_time(tmp_path, monkeypatch, in_flight):
    from obligations.pipeline import Pipeline

    monkeypatch.delenv("VLLM_URL", raising=False)
    for i in range(8):
        sample_page().save(tmp_path / f"page{i}.png")
    slow = CostModel(fixed_s=0.05, tokens=20, step_s=0.002)
    with FakeOpenAIServer(model="glm-ocr", root="zai-org/GLM-OCR", cost=slow,
                          answer=lambda body: "СНИЛС 112-233-445 95") as server:
        options = RunOptions(service="openai", remote_url=server.url, remote_model="glm-ocr", concurrency=in_flight,
                             jobs=1)
        pipeline = Pipeline(options)
        outcomes = list(pipeline.run(sorted(tmp_path.glob("*.png"))))
        assert [o.path.name for o in outcomes] == [f"page{i}.png" for i in range(8)]  # still in input order
        assert all(o.error is None for o in outcomes) and len(server.requests) == 8
        # Several pages in flight join one batch on the server; one at a time never do.
        assert (server.engine.peak_batch > 1) == (in_flight > 1)
        pipeline.backend.unload()
