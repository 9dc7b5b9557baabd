"""The model catalog file and the choice of a local model on recorded machines."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from obligations.catalog import (
    CATALOG_PATH,
    Selection,
    find_model,
    judge_all,
    load_catalog,
    select_local,
)
from obligations.errors import UsageError
from obligations.hardware import GPU, Check, Hardware, map_visible

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hardware"


def recorded(name: str) -> Hardware:
    return Hardware.from_dict(json.loads((FIXTURES / f"{name}.json").read_text()))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# ---------------------------------------------------------------------- the file


def test_catalog_has_the_thirteen_models_best_first(catalog):
    assert set(catalog) == {"qwen2-vl-2b", "qwen2-vl-7b", "qwen2.5-vl-3b", "qwen2.5-vl-7b", "qwen3-vl-2b",
                            "qwen3-vl-4b", "qwen3-vl-8b", "got-ocr2", "deepseek-ocr", "dots-ocr", "deepseek-ocr2",
                            "glm-ocr", "paddleocr-vl"}
    qualities = [e.quality for e in catalog.values()]
    assert qualities == sorted(qualities, reverse=True) and len(set(qualities)) == len(qualities)
    answerers = [e for e in catalog.values() if e.kind == "answerer"]
    assert answerers[0].id == "qwen3-vl-8b"


def test_catalog_repos_and_flags(catalog):
    assert catalog["got-ocr2"].repo == "stepfun-ai/GOT-OCR-2.0-hf"
    assert catalog["deepseek-ocr"].repo == "deepseek-ai/DeepSeek-OCR"
    assert catalog["dots-ocr"].repo == "rednote-hilab/dots.ocr"
    assert catalog["qwen2.5-vl-3b"].repo == "Qwen/Qwen2.5-VL-3B-Instruct"
    assert {e.id for e in catalog.values() if e.needs_flash_attn} == {"deepseek-ocr"}
    assert {e.id for e in catalog.values() if e.trust_remote_code} == {"deepseek-ocr", "dots-ocr"}
    assert {e.id for e in catalog.values() if e.boxes} == {"deepseek-ocr", "dots-ocr", "deepseek-ocr2"}
    assert {e.id for e in catalog.values() if e.kind == "reader"} == {"got-ocr2", "deepseek-ocr", "dots-ocr",
                                                                       "deepseek-ocr2", "glm-ocr", "paddleocr-vl"}
    assert not any(e.measured for e in catalog.values())
    assert catalog["got-ocr2"].cyrillic == "poor"
    assert {e.loader for e in catalog.values()} == {"transformers_vlm", "deepseek_ocr", "dots_ocr", "deepseek_ocr2",
                                                    "glm_ocr", "paddleocr_vl"}
    assert catalog["deepseek-ocr2"].repo == "deepseek-community/DeepSeek-OCR-2"
    assert catalog["glm-ocr"].repo == "zai-org/GLM-OCR" and catalog["paddleocr-vl"].repo == "PaddlePaddle/PaddleOCR-VL"
    assert {catalog[m].cyrillic for m in ("glm-ocr", "paddleocr-vl")} == {"good"}


@pytest.mark.parametrize("model, figures", [
    ("got-ocr2", {"fp16": 3.0, "int8": 2.0}),
    ("qwen2-vl-2b", {"fp16": 4.7, "int8": 3.6}),
    ("qwen2-vl-7b", {"fp16": 16.1, "int8": 10.1}),
    ("qwen3-vl-2b", {"fp16": 4.4, "int8": 2.2, "int4": 1.5}),
    ("qwen3-vl-4b", {"fp16": 8.9, "int8": 3.8, "int4": 3.0}),
    ("qwen3-vl-8b", {"fp16": 17.6, "int8": 10.0, "int4": 6.0}),
    ("dots-ocr", {"fp16": 8.0, "int8": 6.0}),
])
def test_published_estimates_are_kept_and_marked_as_such(catalog, model, figures):
    entry = catalog[model]
    for precision, gb in figures.items():
        assert entry.vram_for(precision) == gb
        assert precision not in entry.estimated
        assert entry.provenance(precision) == "published estimate, unmeasured"
    assert entry.vram_for("bf16") == entry.vram_for("fp16")
    assert entry.vram_for("fp32") == pytest.approx(2 * entry.vram_for("fp16"))


def test_models_without_published_figures_say_they_are_estimated(catalog):
    for model in ("qwen2.5-vl-3b", "qwen2.5-vl-7b", "deepseek-ocr", "deepseek-ocr2", "glm-ocr", "paddleocr-vl"):
        assert set(catalog[model].estimated) == {"fp16", "int8", "int4"}
        assert catalog[model].provenance("int8") == "our estimate, unmeasured"


def test_find_model(catalog):
    assert find_model(catalog, "qwen3-vl-4b").id == "qwen3-vl-4b"
    assert find_model(catalog, "qwen/qwen3-vl-4b-instruct").id == "qwen3-vl-4b"
    assert find_model(catalog, "rednote-hilab/dots.ocr").id == "dots-ocr"
    assert find_model(catalog, "Qwen/Qwen2.5-VL-32B-Instruct") is None


def write_catalog(tmp_path: Path, transform) -> Path:
    """The real catalog with its first entry changed by `transform(entry_text) -> text`."""
    text = CATALOG_PATH.read_text(encoding="utf-8")
    head, first, rest = text.partition("\n[[model]]\n")
    entry, marker, others = rest.partition("\n[[model]]\n")
    path = tmp_path / "models.toml"
    path.write_text(head + first + transform(entry) + marker + others, encoding="utf-8")
    return path


@pytest.mark.parametrize("transform, message", [
    (lambda e: e.replace('repo = "Qwen/Qwen3-VL-8B-Instruct"\n', ""), "model 'qwen3-vl-8b': missing key 'repo'"),
    (lambda e: e.replace('family = "qwen3-vl"', 'family = "llava"'), "family 'llava' is not one of"),
    (lambda e: e.replace('loader = "transformers_vlm"', 'loader = "vllm"'), "loader 'vllm'"),
    (lambda e: e.replace('quality = 100', 'quality = "high"'), "quality has the wrong type"),
    (lambda e: e.replace('measured = false', 'measured = 0'), "measured has the wrong type"),
    (lambda e: e.replace('min_compute_capability = "7.0"', 'min_compute_capability = "seven"'),
     "min_compute_capability 'seven'"),
    (lambda e: e.replace('fp16 = 17.6, ', ''), "vram_gb needs fp16"),
    (lambda e: e.replace('int4 = 6.0', 'int4 = -6.0'), "positive"),
    (lambda e: e.replace('estimated = []', 'estimated = ["fp32"]'), "estimated names precisions without a figure"),
    (lambda e: e.replace('boxes = false', 'boxes = false\ngives_boxes = false'), "unknown keys ['gives_boxes']"),
    (lambda e: e.replace('id = "qwen3-vl-8b"', 'id = "qwen3-vl-4b"'), "'qwen3-vl-4b' is listed twice"),
    (lambda e: e.replace('repo = "Qwen/Qwen3-VL-8B-Instruct"', 'repo = "qwen/qwen3-vl-4b-instruct"'),
     "model 'qwen3-vl-4b': repo Qwen/Qwen3-VL-4B-Instruct is listed twice"),
    (lambda e: e.replace('repo = "Qwen/Qwen3-VL-8B-Instruct"', 'repo = "Qwen3-VL-8B"'), "not owner/name"),
    (lambda e: e.replace('quality = 100', 'quality = 100\n[oops'), "models.toml"),
])
def test_bad_catalog_files_are_usage_errors(tmp_path, transform, message):
    with pytest.raises(UsageError) as caught:
        load_catalog(write_catalog(tmp_path, transform))
    assert message in caught.value.message
    assert str(tmp_path) in caught.value.message
    assert "\n" not in caught.value.message


def test_missing_or_empty_catalog(tmp_path):
    with pytest.raises(UsageError, match="model catalog"):
        load_catalog(tmp_path / "nope.toml")
    (tmp_path / "empty.toml").write_text("# nothing\n")
    with pytest.raises(UsageError, match="no \\[\\[model\\]\\] entries"):
        load_catalog(tmp_path / "empty.toml")


# ---------------------------------------------------------------------- selection on recorded machines


@pytest.mark.parametrize("machine, model, precision", [
    ("rtx4090_ada", "qwen3-vl-8b", "bf16"),
    ("rtx5080_blackwell_cu128", "qwen3-vl-8b", "int8"),
    ("wsl2_rtx4080", "qwen3-vl-8b", "int8"),  # WSL2 changes nothing about what fits
    ("rtx3060_12gb", "qwen3-vl-4b", "bf16"),  # 8B: int8 needs 12.0 GB, 11.35 free; int4 ranks 80 < 90
    ("gpu_8gb", "qwen3-vl-4b", "int8"),  # 8B at int4 needs 7.6 GB, 7.45 free
])
def test_auto_choice_on_recorded_machines(catalog, machine, model, precision):
    selection, _ = select_local(recorded(machine), catalog)
    assert isinstance(selection, Selection)
    assert (selection.entry.id, selection.precision, selection.device) == (model, precision, "cuda:0")
    assert selection.estimated_vram_gb == selection.entry.vram_for(precision)
    assert selection.reason.startswith(f"auto: {model} at {precision} fits ")


def test_reason_names_card_estimate_margin_and_what_did_not_fit(catalog):
    selection, explanation = select_local(recorded("rtx5080_blackwell_cu128"), catalog)
    assert selection.reason == (
        "auto: qwen3-vl-8b at int8 fits 15.1 GB free on GPU 0 (NVIDIA GeForce RTX 5080, Blackwell sm_120): "
        "est. 10.0 GB + 2.0 GB margin (published estimate, unmeasured); bf16 needs 20.4 GB")
    assert explanation == ["qwen3-vl-8b at bf16: needs 20.4 GB (est. 17.6 + 2.8 margin), 15.1 GB free on GPU 0"]


def test_blackwell_under_a_cu124_torch_gets_no_model_and_the_install_command(catalog):
    selection, explanation = select_local(recorded("rtx5080_blackwell_cu124"), catalog)
    assert selection is None
    assert len(explanation) == 1
    assert "no kernels for sm_120" in explanation[0]
    assert "pip install --force-reinstall torch torchvision --index-url https://download.pytorch.org/whl/cu128" \
        in explanation[0]


def test_no_gpu_is_none_with_a_reason(catalog):
    selection, explanation = select_local(recorded("no_gpu"), catalog)
    assert selection is None
    assert explanation[0].startswith("no NVIDIA GPU found")


def test_8gb_card_lists_every_better_candidate(catalog):
    _, explanation = select_local(recorded("gpu_8gb"), catalog)
    # 8B at int4 (rank 100 - 20) is never tried: 4B at int8 (90 - 5) ranks above it.
    assert [line.split(":")[0] for line in explanation] == [
        "qwen3-vl-8b at bf16", "qwen3-vl-8b at int8", "qwen3-vl-4b at bf16"]


def test_margin_decides_the_8gb_case(catalog):
    selection, _ = select_local(recorded("gpu_8gb"), catalog, margin_gb=0.0, margin_fraction=0.0)
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-4b", "int8")  # ranks above 8B at int4
    assert "ranked above qwen3-vl-8b at int4, which also fits" in selection.reason
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, margin_gb=6.0)
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-8b", "int8")


def test_attention_follows_flash_attn(catalog):
    assert select_local(recorded("rtx4090_ada"), catalog)[0].attn == "flash_attention_2"
    assert select_local(recorded("rtx5080_blackwell_cu128"), catalog)[0].attn == "sdpa"


def test_need_bbox_takes_the_best_model_with_boxes(catalog):
    selection, explanation = select_local(recorded("rtx4090_ada"), catalog, need_bbox=True)
    assert (selection.entry.id, selection.precision) == ("dots-ocr", "bf16")
    assert "qwen3-vl-8b: gives no boxes (--need-bbox)" in explanation


def test_deepseek_without_flash_attn_is_refused(catalog):
    selection, explanation = select_local(recorded("rtx5080_blackwell_cu128"), catalog, service="deepseek")
    assert selection is None
    assert explanation == [explanation[0]] and "needs flash-attn 2" in explanation[0]
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, service="deepseek")
    assert (selection.entry.id, selection.precision) == ("deepseek-ocr", "bf16")


@pytest.mark.parametrize("service, machine, model, precision", [
    ("got", "rtx4090_ada", "got-ocr2", "bf16"),
    ("dots", "gpu_8gb", "dots-ocr", "int4"),
    ("qwen_local", "gpu_8gb", "qwen3-vl-4b", "int8"),
    ("qwen", "rtx3060_12gb", "qwen3-vl-4b", "bf16"),
])
def test_services_restrict_the_families(catalog, service, machine, model, precision):
    selection, _ = select_local(recorded(machine), catalog, service=service)
    assert (selection.entry.id, selection.precision) == (model, precision)
    assert selection.reason.startswith(f"{service}: ")


def test_explicit_precision_is_the_only_one_tried(catalog):
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, precision="int4")
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-8b", "int4")
    selection, explanation = select_local(recorded("rtx3060_12gb"), catalog, precision="bf16")
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-4b", "bf16")
    assert explanation == ["qwen3-vl-8b at bf16: needs 20.4 GB (est. 17.6 + 2.8 margin), 11.3 GB free on GPU 0"]
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, precision="fp32")
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-4b", "fp32")
    assert "our estimate" in selection.reason


def test_turing_card_runs_fp16_and_has_no_bf16(catalog):
    hw = recorded("rtx3060_12gb")
    hw.gpus = [GPU(0, "NVIDIA GeForce RTX 2080 Ti", (7, 5), 10.75, 10.3)]
    selection, explanation = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-4b", "int8")
    assert explanation[0].startswith("qwen3-vl-8b at fp16: needs 20.4 GB")
    selection, explanation = select_local(hw, catalog, precision="bf16")
    assert selection is None and "has no bf16" in explanation[0]
    assert select_local(hw, catalog, service="deepseek")[1] == [
        "deepseek-ocr: needs compute capability >= 8.0, GPU 0 has 7.5"]


def test_quantised_precisions_need_bitsandbytes(catalog):
    hw = recorded("rtx5080_blackwell_cu128")
    hw.bitsandbytes = Check(False, "bitsandbytes does not import: ModuleNotFoundError")
    selection, explanation = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision) == ("qwen3-vl-4b", "bf16")
    assert any("qwen3-vl-8b at int8: needs bitsandbytes" in line for line in explanation)


def test_old_transformers_skips_qwen3(catalog):
    hw = recorded("rtx4090_ada")
    hw.transformers_version = "4.49.0"
    selection, explanation = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision) == ("qwen2.5-vl-7b", "bf16")
    assert explanation[0] == ("qwen3-vl-8b: needs transformers >= 4.57.0, 4.49.0 is installed: "
                              "pip install -U transformers")


@pytest.mark.parametrize("change, needle", [
    (dict(torch_version=None, torch_cuda_version=None), "torch is not installed"),
    (dict(torch_version="2.5.1+cpu", torch_cuda_version=None), "CPU-only build: pip install"),
    (dict(transformers_version=None), "transformers is not installed"),
    (dict(torch_version="2.9.0+cu130", torch_cuda_version="13.0"), "update the driver"),
])
def test_broken_environments_give_no_model(catalog, change, needle):
    hw = dataclasses.replace(recorded("rtx4090_ada"), **change)
    selection, explanation = select_local(hw, catalog)
    assert selection is None and needle in explanation[0]


def test_several_gpus_roomiest_usable_first(catalog):
    hw = recorded("rtx5080_blackwell_cu124")
    hw.gpus = [hw.gpus[0], GPU(1, "NVIDIA GeForce RTX 3060", (8, 6), 12.0, 11.35)]
    selection, explanation = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision, selection.device) == ("qwen3-vl-4b", "bf16", "cuda:1")
    assert "GPU 0" in explanation[0] and "whl/cu128" in explanation[0]
    hw = recorded("rtx4090_ada")
    hw.gpus = [GPU(0, "NVIDIA GeForce RTX 3060", (8, 6), 12.0, 11.35), GPU(1, "NVIDIA GeForce RTX 4090", (8, 9),
                                                                              23.99, 23.04)]
    assert select_local(hw, catalog)[0].device == "cuda:1"


def test_two_gpu_machine_selection_names_torchs_device_for_nvmls_card(catalog):
    """Recorded with CUDA_VISIBLE_DEVICES=1,0: the roomier 4090 is NVML's GPU 1 and torch's cuda:0
    (before, the selection said cuda:1, which torch would have put on the 3060)."""
    hw = recorded("two_gpus_pci_order")
    selection, _ = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision, selection.gpu_index, selection.device) == \
        ("qwen3-vl-8b", "bf16", 1, "cuda:0")
    assert "GPU 1 (NVIDIA GeForce RTX 4090" in selection.reason
    hidden = dataclasses.replace(hw, gpus=map_visible(hw.gpus, "0"), cuda_visible_devices="0")
    selection, explanation = select_local(hidden, catalog)
    assert (selection.gpu_index, selection.device) == (0, "cuda:0")  # the 3060; the 4090 is hidden
    assert any("GPU 1" in line and "hidden from CUDA by CUDA_VISIBLE_DEVICES='0'" in line for line in explanation)
    none = dataclasses.replace(hw, gpus=map_visible(hw.gpus, "-1"), cuda_visible_devices="-1")
    selection, explanation = select_local(none, catalog)
    assert selection is None and "hides every GPU" in explanation[0]
    assert all(v.gpu_index is None and "hides every GPU" in v.why for v in judge_all(none, catalog))


def test_forced_model_and_usage_errors(catalog):
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, model="qwen2-vl-2b")
    assert (selection.entry.id, selection.precision) == ("qwen2-vl-2b", "bf16")
    assert selection.reason.startswith("--model qwen2-vl-2b: ")
    selection, _ = select_local(recorded("rtx4090_ada"), catalog, model="Qwen/Qwen3-VL-2B-Instruct")
    assert selection.entry.id == "qwen3-vl-2b"
    with pytest.raises(UsageError, match="not in the model catalog"):
        select_local(recorded("rtx4090_ada"), catalog, model="llava-1.5")
    with pytest.raises(UsageError, match="cannot run got-ocr2"):
        select_local(recorded("rtx4090_ada"), catalog, service="qwen_local", model="got-ocr2")
    with pytest.raises(UsageError, match="--precision"):
        select_local(recorded("rtx4090_ada"), catalog, precision="int2")
    with pytest.raises(UsageError, match="no local models"):
        select_local(recorded("rtx4090_ada"), catalog, service="openai")
    assert select_local(recorded("rtx4090_ada"), catalog, service="tesseract") == (
        None, ["--ocr-service tesseract runs on the CPU: no GPU model"])


def test_judge_all_covers_every_model_and_precision(catalog):
    verdicts = judge_all(recorded("rtx5080_blackwell_cu128"), catalog)
    assert len(verdicts) == 3 * len(catalog)
    by_key = {(v.model, v.precision): v for v in verdicts}
    assert by_key[("qwen3-vl-8b", "bf16")].fits is False and by_key[("qwen3-vl-8b", "bf16")].need_gb == 20.36
    assert by_key[("qwen3-vl-8b", "int8")].fits is True
    assert "needs flash-attn" in by_key[("deepseek-ocr", "int8")].why
    no_gpu = judge_all(recorded("no_gpu"), catalog)
    assert len(no_gpu) == 3 * len(catalog) and not any(v.fits for v in no_gpu)


def test_torch_that_could_not_be_probed_blocks_with_its_reason(catalog):
    hw = recorded("rtx4090_ada")
    hw.torch_arch_list = []
    hw.torch_cuda = Check(False, "importing torch and running a kernel took over 120 s")
    selection, explanation = select_local(hw, catalog)
    assert selection is None
    assert explanation == ["GPU 0 (NVIDIA GeForce RTX 4090, Ada sm_89): importing torch and running a kernel "
                           "took over 120 s"]


# ---------------------------------------------------------------------- OCR models and the ranking rule


def _transformers5(hw: Hardware, gpus: list[GPU]) -> Hardware:
    return dataclasses.replace(hw, transformers_version="5.25.0", gpus=gpus)


def test_a_1b_ocr_model_at_bf16_ranks_above_a_4b_vlm_at_int4(catalog):
    # A 6 GB Ampere card with a desktop running: Qwen3-VL 4B fits only at int4 (4.3 GB with margin).
    hw = _transformers5(recorded("gpu_8gb"), [GPU(0, "NVIDIA GeForce RTX 3050 6GB", (8, 6), 6.0, 5.0)])
    selection, explanation = select_local(hw, catalog)
    assert (selection.entry.id, selection.precision) == ("glm-ocr", "bf16")
    assert "qwen3-vl-4b at int8: needs 5.2 GB" in " ".join(explanation)
    assert "ranked above qwen3-vl-4b at int4, which also fits" in selection.reason
    assert "82 against 70" in selection.reason and "(our estimate, unmeasured)" in selection.reason


def test_new_ocr_models_need_a_recent_transformers(catalog):
    selection, explanation = select_local(recorded("rtx4090_ada"), catalog, service="glm_ocr")
    assert selection is None and explanation == [
        "glm-ocr: needs transformers >= 5.25.0, 4.57.1 is installed: pip install -U transformers"]
    hw = _transformers5(recorded("rtx4090_ada"), recorded("rtx4090_ada").gpus)
    for service, model in (("glm_ocr", "glm-ocr"), ("paddleocr_vl", "paddleocr-vl"), ("deepseek_ocr2", "deepseek-ocr2")):
        selection, _ = select_local(hw, catalog, service=service)
        assert (selection.entry.id, selection.precision) == (model, "bf16")
    # DeepSeek-OCR-2 runs without flash-attn (the native port uses sdpa), unlike v1
    hw = _transformers5(recorded("rtx5080_blackwell_cu128"), recorded("rtx5080_blackwell_cu128").gpus)
    assert select_local(hw, catalog, service="deepseek_ocr2")[0].entry.id == "deepseek-ocr2"
    assert select_local(hw, catalog, service="deepseek")[0] is None


def test_rank_is_quality_less_the_quantisation_cost(catalog):
    from obligations.catalog import rank

    assert rank(catalog["qwen3-vl-8b"], "bf16") == 100 and rank(catalog["qwen3-vl-8b"], "int8") == 95
    assert rank(catalog["qwen3-vl-4b"], "int4") == 70 < rank(catalog["glm-ocr"], "bf16") == 82


def test_bad_prompts_are_refused(tmp_path):
    path = write_catalog(tmp_path, lambda e: e.replace('notes = "best answerer of the catalog"',
                                                       'notes = "x"\nprompts = { layout = "x" }'))
    with pytest.raises(UsageError, match="prompts may name ocr, grounding, kie"):
        load_catalog(path)
