"""GPU latency and memory of full-size architectures with random weights (not a test).

Real layer sizes, random weights, no download: the processor and tokenizer come from the tiny
test builder (tests/tiny_models.py), the model from the family's config class scaled to the
published size.

Answerers (Qwen): answers have a fixed length (min = max new tokens), so every precision does
the same work. Per precision: seconds per document (10 fields asked in one batched generate, and
one question at a time), and peak VRAM.

OCR readers (deepseek-ocr2, glm-ocr, paddleocr-vl): the random model is saved and loaded through
the tool's own --model-path path (backends.build_model_backend, the precision really applied)
and reads an A4 page with its model card's prompt, the answer cut at --ocr-tokens; per precision:
load seconds, seconds per page and peak VRAM. GLM-OCR and PaddleOCR-VL keep their config
classes' defaults (the published sizes, about 0.8 B parameters each); DeepSeek-OCR-2 gets its
published decoder (DeepSeek-3B MoE, 64 experts, 6 active) and encoder (Qwen2-0.5B) sizes.

Needs a CUDA GPU; int8/int4 need bitsandbytes. `--reduced` runs the OCR readers at the tiny
test sizes on the CPU (fp32): a smoke test of the path, its figures meaningless.

    python benchmarks/gpu_latency.py [--models qwen2-vl-2b,deepseek-ocr2,glm-ocr,paddleocr-vl]
                                     [--precisions bf16,int8,int4] [--fields 10] [--answer-tokens 16]
    python benchmarks/gpu_latency.py --reduced --models glm-ocr --precisions fp32
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# Published sizes (config.json of the Hugging Face repos); the vision towers not listed keep
# the config class's defaults, which are the published towers of these families.
SIZES = {
    "qwen2-vl-2b": ("qwen2-vl", {"hidden_size": 1536, "intermediate_size": 8960, "num_hidden_layers": 28,
                                 "num_attention_heads": 12, "num_key_value_heads": 2, "tie_word_embeddings": True},
                    {"depth": 32, "embed_dim": 1280, "num_heads": 16, "hidden_size": 1536}),
    "qwen2-vl-7b": ("qwen2-vl", {"hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
                                 "num_attention_heads": 28, "num_key_value_heads": 4, "tie_word_embeddings": False},
                    {"depth": 32, "embed_dim": 1280, "num_heads": 16, "hidden_size": 3584}),
    "qwen2.5-vl-3b": ("qwen2.5-vl", {"hidden_size": 2048, "intermediate_size": 11008, "num_hidden_layers": 36,
                                     "num_attention_heads": 16, "num_key_value_heads": 2,
                                     "tie_word_embeddings": True},
                      {"depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
                       "out_hidden_size": 2048}),
}
VOCAB = 151936
PAGE_PIXELS = 1280 * 28 * 28

# OCR readers: (catalog id, text config overrides, vision config overrides); {} keeps the config
# class's defaults, which are the published model's for GLM-OCR and PaddleOCR-VL.
# DeepSeek-OCR-2: DeepSeek-3B MoE decoder and Qwen2-0.5B encoder (published config.json);
# its SAM ViT-B keeps the class defaults (768 wide, 12 layers, 1024 px, 16 px patches).
OCR_SIZES = {
    "deepseek-ocr2": ({"hidden_size": 1280, "intermediate_size": 6848, "moe_intermediate_size": 896,
                       "num_hidden_layers": 12, "num_attention_heads": 10, "num_key_value_heads": 10,
                       "n_routed_experts": 64, "num_experts_per_tok": 6, "n_shared_experts": 2, "vocab_size": 129280,
                       "mlp_layer_types": ["dense"] + ["sparse"] * 11},
                      {"encoder_config": {"hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
                                          "num_attention_heads": 14, "num_key_value_heads": 2}}),
    "glm-ocr": ({}, {}),
    "paddleocr-vl": ({}, {}),
}


def build(name: str, precision: str, workdir: Path):
    import torch
    from tiny_models import build_tiny_model
    from transformers import AutoConfig, AutoModelForImageTextToText, AutoProcessor

    family, text, vision = SIZES[name]
    tiny = build_tiny_model(family, workdir / "tiny")
    processor = AutoProcessor.from_pretrained(tiny)
    processor.tokenizer.padding_side = "left"
    processor.image_processor.size = {"longest_edge": PAGE_PIXELS, "shortest_edge": 56 * 56}
    config = AutoConfig.from_pretrained(tiny)
    for key, value in {**text, "vocab_size": VOCAB}.items():
        setattr(config.text_config, key, value)
    config.tie_word_embeddings = text["tie_word_embeddings"]
    for key, value in vision.items():
        setattr(config.vision_config, key, value)
    # What follows from the sizes: one attention type per layer, and rotary sections that
    # split the 128-wide heads as the published configs do.
    config.text_config.layer_types = ["full_attention"] * text["num_hidden_layers"]
    rope = {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [16, 24, 24]}
    config.text_config.rope_parameters = rope
    torch.manual_seed(0)
    model = AutoModelForImageTextToText.from_config(config, dtype=torch.bfloat16)
    if precision in ("int8", "int4"):
        from obligations.backends.loading import quantization_config

        path = workdir / f"{name}-random"
        model.save_pretrained(path)
        processor.save_pretrained(path)
        model = AutoModelForImageTextToText.from_pretrained(
            path, dtype=torch.bfloat16, quantization_config=quantization_config(precision), device_map={"": "cuda:0"})
    else:
        model = model.to("cuda:0", dtype=torch.bfloat16 if precision == "bf16" else torch.float16)
    return model.eval(), processor


def build_ocr(name: str, workdir: Path, reduced: bool) -> Path:
    """A saved random model of `name`'s architecture: the tiny test model when `reduced`, else
    its config at the published size (and, for DeepSeek-OCR-2, its processor at real view sizes)."""
    from tiny_models import build_tiny_model

    from obligations.catalog import load_catalog

    family = load_catalog()[name].family
    tiny = build_tiny_model(family, workdir / "tiny")
    if reduced:
        return tiny
    import torch
    import transformers

    config, processor = full_size(name, tiny)
    model_class = getattr(transformers, config.architectures[0])
    torch.manual_seed(0)
    model = model_class._from_config(config, dtype=torch.bfloat16)
    path = workdir / f"{name}-random"
    model.save_pretrained(path)
    processor.save_pretrained(path)
    return path


def full_size(name: str, tiny: Path):
    """(config, processor) of `name` at its published size, from the tiny model's files (its
    tokenizer and special-token ids kept)."""
    from transformers import AutoConfig, AutoProcessor

    config = AutoConfig.from_pretrained(tiny)
    defaults = type(config)()
    text, vision = OCR_SIZES[name]
    ids = {key: getattr(config.text_config, key, None) for key in ("bos_token_id", "eos_token_id", "pad_token_id")}
    config.text_config = type(config.text_config)(**_resized(defaults.text_config.to_dict(), text, ids))
    vision_values = defaults.vision_config.to_dict()
    for key, value in vision.items():
        vision_values[key] = _resized(vision_values[key], value) if isinstance(value, dict) else value
    config.vision_config = type(config.vision_config)(**vision_values)
    processor = AutoProcessor.from_pretrained(tiny)
    if name == "deepseek-ocr2":  # the tiny processor's views are shrunk by 8
        processor.image_processor.size = {"height": 1024, "width": 1024}
        processor.image_processor.tile_size = 768
        processor.patch_size = 16
    return config, processor


def _resized(values: dict, sizes: dict, ids: dict | None = None) -> dict:
    """A config's values with new sizes; per-layer lists follow the new layer count."""
    merged = {**values, **sizes, **{k: v for k, v in (ids or {}).items() if v is not None}}
    if "num_hidden_layers" in sizes and "layer_types" not in sizes:
        merged.pop("layer_types", None)
    return merged


def measure_ocr(name: str, path: Path, precision: str, device: str, tokens: int, pages: int) -> dict:
    """The tool's reader on `path`: load seconds, seconds per page, parameters and peak VRAM."""
    from PIL import Image, ImageDraw

    from obligations.backends import build_model_backend
    from obligations.backends.loading import ModelRequest, parameter_count
    from obligations.catalog import load_catalog

    entry = load_catalog()[name]
    request = ModelRequest(model_id=name, repo=entry.repo, family=entry.family, precision=precision, attn="sdpa",
                           device=device, model_path=path)
    reader = build_model_backend(entry.loader, request, "gpu_latency")
    reader.max_new_tokens = tokens
    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    for row in range(40):
        draw.text((100, 100 + 40 * row), "СТРАХОВОЕ СВИДЕТЕЛЬСТВО 112-233-445 95 Иванов Иван", fill="black")
    reader.load()
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats()
    seconds = []
    for _ in range(pages):
        started = time.perf_counter()
        reader.read(page)
        seconds.append(time.perf_counter() - started)
    row = {"load_s": round(reader.load_s, 2), "s_per_page": round(statistics.median(seconds), 3),
           "parameters": parameter_count(path), "answer_tokens_at_most": tokens,
           "peak_vram_gb": reader.peak_memory_gb()}
    reader.unload()
    return row


def measure(model, processor, fields: int, answer_tokens: int, pages: int) -> dict:
    import torch
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi, shrunk to the page budget
    ImageDraw.Draw(image).text((100, 100), "СТРАХОВОЕ СВИДЕТЕЛЬСТВО 112-233-445 95", fill="black")
    prompts = [f"Выпиши поле {i}." for i in range(fields)]

    def generate(batch: list[str]) -> None:
        texts = [processor.apply_chat_template([{"role": "user", "content": [{"type": "image"},
                                                {"type": "text", "text": p}]}], add_generation_prompt=True,
                                               tokenize=False) for p in batch]
        inputs = processor(text=texts, images=[image] * len(batch), padding=True, return_tensors="pt").to("cuda:0")
        with torch.inference_mode():
            model.generate(**inputs, max_new_tokens=answer_tokens, min_new_tokens=answer_tokens, do_sample=False)
        torch.cuda.synchronize()

    generate(prompts[:2])  # warm-up: kernels, allocator
    torch.cuda.reset_peak_memory_stats()
    batched, single = [], []
    for _ in range(pages):
        started = time.perf_counter()
        generate(prompts)
        batched.append(time.perf_counter() - started)
    for _ in range(max(1, pages // 2)):
        started = time.perf_counter()
        for prompt in prompts:
            generate([prompt])
        single.append(time.perf_counter() - started)
    return {"batched_s_per_document": round(statistics.median(batched), 3),
            "one_at_a_time_s_per_document": round(statistics.median(single), 3),
            "speedup": round(statistics.median(single) / statistics.median(batched), 2),
            "peak_vram_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join([*SIZES, *OCR_SIZES]))
    parser.add_argument("--precisions", default="bf16,int8,int4")
    parser.add_argument("--fields", type=int, default=10)
    parser.add_argument("--answer-tokens", type=int, default=16)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--ocr-tokens", type=int, default=256, help="OCR readers: the answer cut at this length")
    parser.add_argument("--reduced", action="store_true",
                        help="OCR readers at the tiny test sizes on the CPU (a smoke test, not a measurement)")
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = parser.parse_args(argv)
    import torch

    models = args.models.split(",")
    unknown = [m for m in models if m not in SIZES and m not in OCR_SIZES]
    if unknown:
        raise SystemExit(f"gpu_latency: unknown models {unknown} (known: {', '.join([*SIZES, *OCR_SIZES])})")
    if args.reduced:
        if any(m in SIZES for m in models):
            raise SystemExit("gpu_latency: --reduced covers the OCR readers only")
        device = "cpu"
        print("reduced: tiny random models on the CPU; a smoke test of the path, not a measurement")
    elif not torch.cuda.is_available():
        raise SystemExit("gpu_latency: no CUDA GPU here; this benchmark only means something on one "
                         "(--reduced runs the OCR readers' path on the CPU)")
    else:
        device = "cuda:0"
        print(f"GPU: {torch.cuda.get_device_name(0)}; {args.fields} fields per document, "
              f"{args.answer_tokens} tokens per answer; OCR answers cut at {args.ocr_tokens} tokens")
    results = []
    for name in models:
        for precision in args.precisions.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                if name in OCR_SIZES:
                    try:
                        path = build_ocr(name, Path(tmp), args.reduced)
                        row = {"model": name, "precision": precision,
                               **measure_ocr(name, path, precision, device, args.ocr_tokens, args.pages)}
                    except Exception as exc:
                        row = {"model": name, "precision": precision, "error": f"{type(exc).__name__}: {exc}"[:200]}
                    results.append(row)
                    print(json.dumps(row, ensure_ascii=False))
                    continue
                try:
                    model, processor = build(name, precision, Path(tmp))
                    row = {"model": name, "precision": precision,
                           **measure(model, processor, args.fields, args.answer_tokens, args.pages)}
                except Exception as exc:  # one combination failing (e.g. no bitsandbytes) is reported
                    row = {"model": name, "precision": precision, "error": f"{type(exc).__name__}: {exc}"[:200]}
                finally:
                    model = processor = None
                    torch.cuda.empty_cache()
            results.append(row)
            print(json.dumps(row, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
