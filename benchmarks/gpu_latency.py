"""GPU latency and memory of full-size answerer architectures with random weights (not a test).

Real layer sizes, random weights, no download: the processor and tokenizer come from the tiny
test builder (tests/tiny_models.py), the model from the family's config class scaled to the
published size. Answers have a fixed length (min = max new tokens), so every precision does the
same work. Per precision: seconds per page and per document (10 fields asked in one batched
generate, and one question at a time), and peak VRAM. Needs a CUDA GPU; int8/int4 need
bitsandbytes.

    python benchmarks/gpu_latency.py [--models qwen2-vl-2b,qwen2-vl-7b,qwen2.5-vl-3b]
                                     [--precisions bf16,int8,int4] [--fields 10] [--answer-tokens 16]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(SIZES))
    parser.add_argument("--precisions", default="bf16,int8,int4")
    parser.add_argument("--fields", type=int, default=10)
    parser.add_argument("--answer-tokens", type=int, default=16)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("gpu_latency: no CUDA GPU here; this benchmark only means something on one")
    print(f"GPU: {torch.cuda.get_device_name(0)}; {args.fields} fields per document, "
          f"{args.answer_tokens} tokens per answer")
    results = []
    for name in args.models.split(","):
        for precision in args.precisions.split(","):
            with tempfile.TemporaryDirectory() as tmp:
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
