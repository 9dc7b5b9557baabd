"""vLLM, the serving engine for throughput: which catalog model a card should serve, and the
`vllm serve` command for it (printed by `obligations doctor`, mirrored by docker/vllm.compose.yml).

vLLM holds the weights at bf16 (fp16 before Ampere) and gives the rest of its share of the card,
`--gpu-memory-utilization`, to the KV cache that continuous batching fills with pages in flight.
The share is sized from the catalog: the model's fp16 memory figure (weights and one page's
activations), VLLM_OVERHEAD_GB for the CUDA context and CUDA graphs, and VLLM_KV_GB of cache,
rounded up to 0.05 of the card, and never more than the card has free (less a little). The best
model (catalog quality) whose share fits is served; quantised checkpoints are not in the catalog.
The figures are estimates, unmeasured with vLLM here (no GPU was lent to measure them).
"""

from __future__ import annotations

import json
import math
import shlex
from dataclasses import dataclass

from ..catalog import BF16_CAPABILITY, ModelEntry
from ..hardware import GPU, Hardware

VLLM_OVERHEAD_GB = 1.0  # CUDA context, CUDA graphs, the sampler's buffers
VLLM_KV_GB = 2.0  # KV cache: some 7 pages of Qwen3-VL 8B in flight (2 k tokens each), many more of a 1B model
FREE_HEADROOM_GB = 0.3  # vLLM refuses to start when the card has less free than its share
MAX_UTILISATION = 0.95
MIN_CAPABILITY = (7, 0)  # vLLM's CUDA kernels: Volta and newer
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class VllmPlan:
    entry: ModelEntry
    gpu: GPU | None  # None: sized for a card by its size alone (compose files)
    utilisation: float
    need_gb: float
    dtype: str  # "bfloat16" | "half"
    argv: tuple[str, ...]

    @property
    def command(self) -> str:
        """The shell command, with the card pinned when the machine has several."""
        return shlex.join(self.argv)

    @property
    def served_name(self) -> str:
        return self.entry.id


def need_gb(entry: ModelEntry) -> float:
    """GiB vLLM's share must hold for `entry` (fp16 figure, overhead, a minimal KV cache)."""
    return round(entry.vram_for("fp16") + VLLM_OVERHEAD_GB + VLLM_KV_GB, 2)


def utilisation(entry: ModelEntry, total_gb: float, free_gb: float | None = None) -> float | None:
    """`--gpu-memory-utilization` for `entry` on a card of `total_gb` (with `free_gb` free; a card
    with only a desktop on it when None), or None when it does not fit."""
    free = total_gb - 0.5 if free_gb is None else free_gb
    ceiling = min(MAX_UTILISATION, math.floor((free - FREE_HEADROOM_GB) / total_gb * 100) / 100)
    wanted = math.ceil(round(need_gb(entry) / total_gb * 20, 6)) / 20
    share = min(wanted, ceiling)
    return round(share, 2) if share > 0 and share * total_gb >= need_gb(entry) else None


def serve_argv(entry: ModelEntry, share: float, *, dtype: str = "bfloat16", port: int = DEFAULT_PORT,
               host: str | None = None) -> list[str]:
    recipe = entry.vllm
    assert recipe is not None, entry.id
    argv = ["vllm", "serve", recipe.repo, "--served-model-name", entry.id,
            "--max-model-len", str(recipe.max_model_len),
            "--limit-mm-per-prompt", json.dumps(dict(recipe.limit_mm), separators=(", ", ": ")),
            "--gpu-memory-utilization", f"{share:.2f}"]
    if dtype != "bfloat16":
        argv += ["--dtype", dtype]
    argv += list(recipe.args)
    if host:
        argv += ["--host", host]
    argv += ["--port", str(port)]
    return argv


def plan(hw: Hardware, catalog: dict[str, ModelEntry]) -> tuple[VllmPlan | None, str]:
    """The model vLLM should serve on this machine's best card, and its command; or None and why."""
    gpus = [g for g in hw.visible_gpus() if g.compute_capability >= MIN_CAPABILITY]
    if not hw.gpus:
        return None, "no NVIDIA GPU: vLLM needs one (its CPU build is not on PyPI)"
    if not gpus:
        return None, "no visible GPU of compute capability 7.0 or newer: vLLM's kernels need Volta or newer"
    served = [e for e in catalog.values() if e.vllm is not None]
    for entry in sorted(served, key=lambda e: -e.quality):
        for gpu in sorted(gpus, key=lambda g: (-g.vram_free_gb, g.index)):
            if gpu.compute_capability < entry.min_compute_capability:
                continue
            share = utilisation(entry, gpu.vram_total_gb, gpu.vram_free_gb)
            if share is None:
                continue
            dtype = "bfloat16" if gpu.compute_capability >= BF16_CAPABILITY else "half"
            argv = serve_argv(entry, share, dtype=dtype)
            if len(hw.gpus) > 1:
                argv = ["env", "CUDA_DEVICE_ORDER=PCI_BUS_ID", f"CUDA_VISIBLE_DEVICES={gpu.uuid or gpu.index}", *argv]
            why = (f"{entry.id} at {'bf16' if dtype == 'bfloat16' else 'fp16'} on GPU {gpu.index} ({gpu.describe()}): "
                   f"{need_gb(entry):.1f} GB (est. {entry.vram_for('fp16'):.1f} + {VLLM_OVERHEAD_GB:.0f} overhead + "
                   f"{VLLM_KV_GB:.0f} KV cache) of {gpu.vram_free_gb:.1f} GB free; estimates, unmeasured with vLLM")
            return VllmPlan(entry, gpu, share, need_gb(entry), dtype, tuple(argv)), why
    return None, "no model vLLM serves fits the free memory of this machine's GPUs at bf16"


# ---------------------------------------------------------------------- served models

# Which reader or answerer a served model is, from its name (`--served-model-name`, or the
# repository /v1/models calls its root): the first match wins.
SERVED_FAMILIES = (
    ("dots", "dots-ocr"),
    ("deepseek-ocr-2", "deepseek-ocr2"), ("deepseek-ocr2", "deepseek-ocr2"), ("deepseek_ocr2", "deepseek-ocr2"),
    ("glm-ocr", "glm-ocr"), ("glm_ocr", "glm-ocr"),
    ("paddleocr-vl", "paddleocr-vl"), ("paddleocr_vl", "paddleocr-vl"),
)


def served_family(*names: str | None) -> str:
    """'dots-ocr', 'deepseek-ocr2', 'glm-ocr', 'paddleocr-vl' (page readers), else 'qwen' (an
    answerer asked field by field: Qwen-VL and other general VLMs)."""
    text = " ".join(n.lower() for n in names if n)
    return next((family for needle, family in SERVED_FAMILIES if needle in text), "qwen")
