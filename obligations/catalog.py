"""The model catalog (models.toml) and the choice of a local model for this machine.

`select_local` walks the catalog from the best model for Russian documents down and takes the
first (model, precision, GPU) whose estimated memory fits the GPU's free memory with a safety
margin, after the hard requirements: torch kernels for the card, a driver new enough for
torch's CUDA, flash-attn where a model needs it, bitsandbytes for int8/int4, boxes for
--need-bbox. It says why each better candidate was passed over.

The margin is 1.0 GB plus 10 % of the model's estimate: the fixed part holds the CUDA context
and allocator slack (about 0.5-0.8 GB whatever the model), the proportional part the
activations and KV cache of one page, which grow with the model's width, and the estimates
themselves being unmeasured. With it, a 16 GB card runs Qwen3-VL 8B at int8 (10 + 2 GB), and
an 8 GB card with a desktop running (about 7.4 GB free) runs Qwen3-VL 4B at int8.

Quantisation costs rank (`rank`, QUANTIZATION_COST): a 12 GB card (11.3 GB free) runs
Qwen3-VL 4B at bf16 rather than 8B at int4, and a 6 GB card runs GLM-OCR (0.9B) at bf16
rather than Qwen3-VL 4B at int4; the reason says which better model was ranked below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .errors import UsageError
from .hardware import GPU, Hardware, cuda_driver_too_old, flash_attn_usable, torch_install_hint, torch_supports, \
    version_tuple

CATALOG_PATH = Path(__file__).with_name("models.toml")
FAMILIES = ("qwen2-vl", "qwen2.5-vl", "qwen3-vl", "got-ocr2", "deepseek-ocr", "dots-ocr", "deepseek-ocr2", "glm-ocr",
            "paddleocr-vl")
LOADERS = ("transformers_vlm", "deepseek_ocr", "dots_ocr", "deepseek_ocr2", "glm_ocr", "paddleocr_vl")
PROMPT_KINDS = ("ocr", "grounding", "kie")  # plain transcription, text with boxes, fields as JSON
KINDS = ("answerer", "reader")
CYRILLIC = ("good", "fair", "poor")
CATALOG_PRECISIONS = ("fp16", "int8", "int4")  # the ones models.toml gives figures for
PRECISIONS = ("auto", "bf16", "fp16", "fp32", "int8", "int4")
QUANTIZED = ("int8", "int4")
QWEN_FAMILIES = ("qwen3-vl", "qwen2.5-vl", "qwen2-vl")
SERVICE_FAMILIES = {
    "auto": FAMILIES,
    "qwen": QWEN_FAMILIES,
    "qwen_local": QWEN_FAMILIES,
    "got": ("got-ocr2",),
    "deepseek": ("deepseek-ocr",),
    "dots": ("dots-ocr",),
    "deepseek_ocr2": ("deepseek-ocr2",),
    "glm_ocr": ("glm-ocr",),
    "paddleocr_vl": ("paddleocr-vl",),
}
CPU_SERVICES = ("tesseract", "text")
MARGIN_GB = 1.0
MARGIN_FRACTION = 0.10
BF16_CAPABILITY = (8, 0)  # Ampere: bf16 tensor cores; older cards compute in fp16


@dataclass(frozen=True)
class VllmRecipe:
    """How vLLM serves a model (models.toml's `vllm` table); backends/vllm.py builds the command."""

    repo: str  # the repository vLLM loads (mostly the entry's own)
    max_model_len: int
    limit_mm: tuple[tuple[str, int], ...]  # ("image", 1), ("video", 0)
    args: tuple[str, ...] = ()  # the model card's or vLLM recipe's own flags


@dataclass(frozen=True)
class ModelEntry:
    id: str
    repo: str
    family: str
    loader: str
    kind: str
    params_b: float
    vram_gb: tuple[tuple[str, float], ...]  # (precision, GiB) for fp16, int8, int4
    estimated: tuple[str, ...]  # precisions whose figure is our estimate rather than a published one
    measured: bool
    needs_flash_attn: bool
    trust_remote_code: bool
    boxes: bool
    cyrillic: str
    min_compute_capability: tuple[int, int]
    quality: int
    min_transformers: str | None = None
    notes: str = ""
    prompts: tuple[tuple[str, str], ...] = ()  # (kind, prompt) as the model card documents them
    speed: str = ""  # a published speed figure and its conditions, unmeasured here
    vllm: VllmRecipe | None = None  # None: vLLM does not serve it

    def prompt(self, kind: str) -> str | None:
        return dict(self.prompts).get(kind)

    def vram_for(self, precision: str) -> float | None:
        """Estimated GiB at a precision (bf16 as fp16, fp32 as twice fp16); None if not listed."""
        figures = dict(self.vram_gb)
        if precision == "bf16":
            return figures.get("fp16")
        if precision == "fp32":
            return round(2 * figures["fp16"], 1) if "fp16" in figures else None
        return figures.get(precision)

    def provenance(self, precision: str) -> str:
        if self.measured:
            return "measured"
        source = "fp16" if precision in ("bf16", "fp32") else precision
        return "our estimate, unmeasured" if source in self.estimated or precision == "fp32" \
            else "published estimate, unmeasured"


@dataclass(frozen=True)
class Selection:
    entry: ModelEntry
    precision: str  # bf16 | fp16 | fp32 | int8 | int4
    gpu_index: int  # NVML's numbering (PCI bus order, as nvidia-smi shows it)
    device: str  # "cuda:0": torch's number for that card here (CUDA_DEVICE_ORDER=PCI_BUS_ID, CUDA_VISIBLE_DEVICES)
    reason: str
    estimated_vram_gb: float
    attn: str = "sdpa"  # flash_attention_2 when flash-attn is usable on this card


@dataclass(frozen=True)
class Verdict:
    """One (model, precision) judged against one GPU: does it fit, and if not, why."""

    model: str
    precision: str
    gpu_index: int | None
    fits: bool
    estimate_gb: float | None
    need_gb: float | None  # estimate plus margin
    free_gb: float | None
    why: str


# ---------------------------------------------------------------------- the catalog file


def load_catalog(path: Path | None = None) -> dict[str, ModelEntry]:
    """Entries by id, best quality first. UsageError names the file and the offending entry."""
    path = Path(path) if path is not None else CATALOG_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"model catalog {path}: {exc}") from None
    raw_entries = data.get("model")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise UsageError(f"model catalog {path}: no [[model]] entries")
    entries: dict[str, ModelEntry] = {}
    repos: set[str] = set()
    for number, raw in enumerate(raw_entries, 1):
        name = raw.get("id", f"#{number}") if isinstance(raw, dict) else f"#{number}"
        try:
            entry = _build_entry(raw)
        except (KeyError, TypeError, ValueError) as exc:
            message = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise UsageError(f"model catalog {path}: model {name!r}: {message}") from None
        if entry.id in entries:
            raise UsageError(f"model catalog {path}: model {entry.id!r} is listed twice")
        if entry.repo.lower() in repos:
            raise UsageError(f"model catalog {path}: model {entry.id!r}: repo {entry.repo} is listed twice")
        entries[entry.id] = entry
        repos.add(entry.repo.lower())
    return dict(sorted(entries.items(), key=lambda item: -item[1].quality))


_REQUIRED_TYPES = {
    "id": str, "repo": str, "family": str, "loader": str, "kind": str, "params_b": (int, float), "vram_gb": dict,
    "measured": bool, "needs_flash_attn": bool, "trust_remote_code": bool, "boxes": bool, "cyrillic": str,
    "min_compute_capability": str, "quality": int,
}
_OPTIONAL_TYPES = {"estimated": list, "min_transformers": str, "notes": str, "prompts": dict, "speed": str,
                   "vllm": dict}


def _build_entry(raw: dict) -> ModelEntry:
    if not isinstance(raw, dict):
        raise TypeError("an entry must be a table")
    unknown = set(raw) - set(_REQUIRED_TYPES) - set(_OPTIONAL_TYPES)
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    for key, kind in {**_REQUIRED_TYPES, **_OPTIONAL_TYPES}.items():
        if key in raw and (not isinstance(raw[key], kind) or (kind is not bool and isinstance(raw[key], bool))):
            raise TypeError(f"{key} has the wrong type ({type(raw[key]).__name__})")
    missing = [key for key in _REQUIRED_TYPES if key not in raw]
    if missing:
        raise KeyError(missing[0])
    for key, allowed in (("family", FAMILIES), ("loader", LOADERS), ("kind", KINDS), ("cyrillic", CYRILLIC)):
        if raw[key] not in allowed:
            raise ValueError(f"{key} {raw[key]!r} is not one of {', '.join(allowed)}")
    if "/" not in raw["repo"]:
        raise ValueError(f"repo {raw['repo']!r} is not owner/name")
    vram = raw["vram_gb"]
    if not vram or set(vram) - set(CATALOG_PRECISIONS) or "fp16" not in vram:
        raise ValueError(f"vram_gb needs fp16 and may add int8, int4; got {sorted(vram)}")
    if any(not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0 for v in vram.values()):
        raise ValueError("vram_gb figures must be positive numbers")
    estimated = tuple(raw.get("estimated", ()))
    if set(estimated) - set(vram):
        raise ValueError(f"estimated names precisions without a figure: {sorted(set(estimated) - set(vram))}")
    capability = _parse_capability(raw["min_compute_capability"])
    if raw.get("min_transformers") is not None and not version_tuple(raw["min_transformers"]):
        raise ValueError(f"min_transformers {raw['min_transformers']!r} is not a version")
    prompts = raw.get("prompts", {})
    if set(prompts) - set(PROMPT_KINDS) or not all(isinstance(v, str) and v for v in prompts.values()):
        raise ValueError(f"prompts may name {', '.join(PROMPT_KINDS)} with non-empty strings; got {sorted(prompts)}")
    return ModelEntry(
        id=raw["id"], repo=raw["repo"], family=raw["family"], loader=raw["loader"], kind=raw["kind"],
        params_b=float(raw["params_b"]),
        vram_gb=tuple((p, float(vram[p])) for p in CATALOG_PRECISIONS if p in vram),
        estimated=estimated, measured=raw["measured"], needs_flash_attn=raw["needs_flash_attn"],
        trust_remote_code=raw["trust_remote_code"], boxes=raw["boxes"], cyrillic=raw["cyrillic"],
        min_compute_capability=capability, quality=raw["quality"],
        min_transformers=raw.get("min_transformers"), notes=raw.get("notes", ""),
        prompts=tuple((kind, prompts[kind]) for kind in PROMPT_KINDS if kind in prompts), speed=raw.get("speed", ""),
        vllm=_vllm_recipe(raw["vllm"], raw["repo"]) if "vllm" in raw else None,
    )


def _vllm_recipe(raw: dict, repo: str) -> VllmRecipe:
    unknown = set(raw) - {"repo", "max_model_len", "limit_mm", "args"}
    if unknown:
        raise ValueError(f"vllm: unknown keys {sorted(unknown)}")
    length, limits, args = raw.get("max_model_len"), raw.get("limit_mm", {"image": 1}), raw.get("args", [])
    if not isinstance(length, int) or isinstance(length, bool) or length < 1024:
        raise ValueError(f"vllm.max_model_len {length!r} is not a token count")
    if not isinstance(limits, dict) or not limits.get("image") or \
            not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in limits.values()):
        raise ValueError(f"vllm.limit_mm {limits!r}: counts per input kind, at least one image")
    if not isinstance(args, list) or not all(isinstance(a, str) and a for a in args):
        raise ValueError("vllm.args must be a list of strings")
    vllm_repo = raw.get("repo", repo)
    if not isinstance(vllm_repo, str) or "/" not in vllm_repo:
        raise ValueError(f"vllm.repo {vllm_repo!r} is not owner/name")
    return VllmRecipe(vllm_repo, length, tuple((k, int(v)) for k, v in limits.items()), tuple(args))


def _parse_capability(text: str) -> tuple[int, int]:
    major, dot, minor = text.partition(".")
    if not (dot and major.isdigit() and minor.isdigit() and len(minor) == 1):
        raise ValueError(f"min_compute_capability {text!r} is not like \"8.0\"")
    return int(major), int(minor)


def find_model(catalog: dict[str, ModelEntry], id_or_repo: str) -> ModelEntry | None:
    """The entry named by catalog id or Hugging Face repo (either case-insensitive), or None."""
    wanted = id_or_repo.strip().lower()
    return next((e for e in catalog.values() if wanted in (e.id.lower(), e.repo.lower())), None)


# ---------------------------------------------------------------------- judging one candidate


def margin_for(estimate_gb: float, margin_gb: float = MARGIN_GB, margin_fraction: float = MARGIN_FRACTION) -> float:
    return round(margin_gb + margin_fraction * estimate_gb, 2)


def environment_blockers(hw: Hardware) -> list[str]:
    """Why no GPU model can run here at all (empty when one might)."""
    if not hw.gpus:
        return [f"no NVIDIA GPU found ({hw.nvml.detail})"]
    if not hw.visible_gpus():
        return [f"CUDA_VISIBLE_DEVICES={hw.cuda_visible_devices!r} hides every GPU from CUDA "
                f"({', '.join(f'GPU {g.index} {g.uuid}'.strip() for g in hw.gpus)})"]
    if hw.torch_version is None:
        return ["torch is not installed: pip install 'obligations[gpu]'"]
    if hw.torch_cuda_version is None:
        hint = torch_install_hint(max(hw.gpus, key=lambda g: g.compute_capability))
        return [f"torch {hw.torch_version} is a CPU-only build" + (f": {hint}" if hint else "")]
    if hw.transformers_version is None:
        return ["transformers is not installed: pip install 'obligations[gpu]'"]
    too_old = cuda_driver_too_old(hw)
    return [too_old] if too_old else []


def gpu_blocker(hw: Hardware, gpu: GPU) -> str | None:
    """Why torch cannot use this card, or None."""
    if not gpu.visible:
        return (f"GPU {gpu.index} ({gpu.describe()}): hidden from CUDA by "
                f"CUDA_VISIBLE_DEVICES={hw.cuda_visible_devices!r}")
    if not hw.torch_arch_list and hw.torch_cuda.ok is False:  # the probe could not read torch at all
        return f"GPU {gpu.index} ({gpu.describe()}): {hw.torch_cuda.detail}"
    if not torch_supports(hw, gpu):
        hint = torch_install_hint(gpu)
        return (f"GPU {gpu.index} ({gpu.describe()}): torch {hw.torch_version} has no kernels for {gpu.sm} "
                f"(it has {' '.join(hw.torch_arch_list) or 'none'}; CUDA would fail with \"no kernel image is "
                f"available\"): " + (hint or "no PyTorch build supports this card"))
    # The probe's test kernel ran on cuda:0 only.
    if gpu.ordinal == 0 and hw.torch_cuda.ok is False and "no kernel image" in hw.torch_cuda.detail:
        return f"GPU {gpu.index} ({gpu.describe()}): {hw.torch_cuda.detail}"
    return None


def model_blocker(hw: Hardware, entry: ModelEntry, gpu: GPU | None, need_bbox: bool) -> str | None:
    """Why this model cannot run here whatever the precision, or None."""
    if need_bbox and not entry.boxes:
        return f"{entry.id}: gives no boxes (--need-bbox)"
    if entry.min_transformers and version_tuple(hw.transformers_version) < version_tuple(entry.min_transformers):
        return (f"{entry.id}: needs transformers >= {entry.min_transformers}, "
                f"{hw.transformers_version} is installed: pip install -U transformers")
    if gpu is not None and gpu.compute_capability < entry.min_compute_capability:
        return (f"{entry.id}: needs compute capability >= {'{}.{}'.format(*entry.min_compute_capability)}, "
                f"GPU {gpu.index} has {gpu.capability}")
    if entry.needs_flash_attn and not flash_attn_usable(hw, gpu):
        return f"{entry.id}: needs flash-attn 2 ({hw.flash_attn.detail}): pip install flash-attn --no-build-isolation"
    return None


def precision_blocker(hw: Hardware, entry: ModelEntry, precision: str, gpu: GPU) -> str | None:
    if entry.vram_for(precision) is None:
        return f"{entry.id} at {precision}: no memory figure in the catalog"
    if precision == "bf16" and gpu.compute_capability < BF16_CAPABILITY:
        return f"{entry.id} at bf16: GPU {gpu.index} ({gpu.architecture}) has no bf16; use fp16"
    if precision in QUANTIZED and not hw.bitsandbytes.ok:
        return f"{entry.id} at {precision}: needs bitsandbytes ({hw.bitsandbytes.detail}): pip install bitsandbytes"
    return None


def judge(hw: Hardware, entry: ModelEntry, precision: str, gpu: GPU, *, need_bbox: bool = False,
          margin_gb: float = MARGIN_GB, margin_fraction: float = MARGIN_FRACTION) -> Verdict:
    """Whether `entry` at `precision` runs on `gpu`, with the first reason it does not."""
    blocker = (environment_blockers(hw) or [None])[0] or gpu_blocker(hw, gpu) \
        or model_blocker(hw, entry, gpu, need_bbox) or precision_blocker(hw, entry, precision, gpu)
    estimate = entry.vram_for(precision)
    need = round(estimate + margin_for(estimate, margin_gb, margin_fraction), 2) if estimate is not None else None
    if blocker:
        return Verdict(entry.id, precision, gpu.index, False, estimate, need, gpu.vram_free_gb, blocker)
    margin = round(need - estimate, 2)
    if need > gpu.vram_free_gb:
        why = (f"{entry.id} at {precision}: needs {need:.1f} GB (est. {estimate:.1f} + {margin:.1f} margin), "
               f"{gpu.vram_free_gb:.1f} GB free on GPU {gpu.index}")
        return Verdict(entry.id, precision, gpu.index, False, estimate, need, gpu.vram_free_gb, why)
    why = (f"{entry.id} at {precision} fits {gpu.vram_free_gb:.1f} GB free on GPU {gpu.index} ({gpu.describe()}): "
           f"est. {estimate:.1f} GB + {margin:.1f} GB margin ({entry.provenance(precision)})")
    return Verdict(entry.id, precision, gpu.index, True, estimate, need, gpu.vram_free_gb, why)


def auto_precisions(gpu: GPU) -> list[str]:
    """Full precision first (bf16 where the card has it), then the bitsandbytes ones."""
    return ["bf16" if gpu.compute_capability >= BF16_CAPABILITY else "fp16", "int8", "int4"]


# ---------------------------------------------------------------------- selection


def select_local(hw: Hardware, catalog: dict[str, ModelEntry], *, service: str = "auto", model: str | None = None,
                 precision: str = "auto", need_bbox: bool = False, margin_gb: float = MARGIN_GB,
                 margin_fraction: float = MARGIN_FRACTION) -> tuple[Selection | None, list[str]]:
    """The best local model for this machine and the reasons better ones were passed over.

    Candidates are (model, precision) pairs, best rank first (`rank`: quality less the cost of
    quantising, so Qwen3-VL 8B at int4 ranks below Qwen3-VL 4B at bf16); precisions `auto` ->
    bf16 (fp16 before Ampere), int8, int4, or just the one asked for; only the model named by
    `model`, when given. Each is tried on each GPU torch can use, most free memory first. The
    first that fits wins, and its reason says which better model it was ranked above. None: no
    local model fits (the reasons say why; the caller falls back to Tesseract).
    """
    if precision not in PRECISIONS:
        raise UsageError(f"--precision {precision!r}: choose from {', '.join(PRECISIONS)}")
    if service in CPU_SERVICES:
        return None, [f"--ocr-service {service} runs on the CPU: no GPU model"]
    if service not in SERVICE_FAMILIES:
        raise UsageError(f"--ocr-service {service!r} has no local models "
                         f"(those that do: {', '.join(SERVICE_FAMILIES)})")
    candidates = _candidates(catalog, service, model)
    label = f"--model {model}" if model else service

    blockers = environment_blockers(hw)
    if blockers:
        return None, blockers
    reasons: list[str] = []
    gpus = []
    for gpu in sorted(hw.gpus, key=lambda g: (-g.vram_free_gb, g.index)):
        blocker = gpu_blocker(hw, gpu)
        if blocker:
            reasons.append(blocker)
        else:
            gpus.append(gpu)
    if not gpus:
        return None, reasons

    tried: dict[str, list[Verdict]] = {}
    ranked = _ranked(candidates, precision)
    for position, (entry, wanted) in enumerate(ranked):
        for gpu in gpus:
            blocker = model_blocker(hw, entry, gpu, need_bbox)
            if blocker:
                if blocker not in reasons:
                    reasons.append(blocker)
                continue
            verdict = judge(hw, entry, _concrete(wanted, gpu), gpu, need_bbox=need_bbox, margin_gb=margin_gb,
                            margin_fraction=margin_fraction)
            if verdict.fits:
                note = _rule_note(hw, entry, verdict, ranked[position + 1:], gpus, need_bbox, margin_gb,
                                  margin_fraction)
                return _selection(hw, entry, verdict, gpu, label, tried.get(entry.id, []), note), reasons
            tried.setdefault(entry.id, []).append(verdict)
            reasons.append(verdict.why)
    return None, reasons


# The rank of a model at a precision: its quality less what quantisation costs it. bitsandbytes
# int8 loses little accuracy but decodes slower than bf16; nf4 (int4) loses exact characters
# (digits, rare Cyrillic letters) that a transcription or a check digit needs. So a model that
# fits unquantised may rank above a better one that fits only at int4 (on a 6 GB card, GLM-OCR
# at bf16 above Qwen3-VL 4B at int4). Judged from the quantisation literature and model cards,
# unmeasured here.
QUANTIZATION_COST = {"int8": 5, "int4": 20}


def rank(entry: ModelEntry, precision: str) -> int:
    return entry.quality - QUANTIZATION_COST.get(precision, 0)


def _ranked(candidates: list[ModelEntry], precision: str) -> list[tuple[ModelEntry, str]]:
    """(model, precision) pairs best rank first; 'full' stands for bf16, or fp16 before Ampere.
    Ties go to the better model, then to the lighter quantisation."""
    wanted = ["full", "int8", "int4"] if precision == "auto" else [precision]
    pairs = [(entry, p) for entry in candidates for p in wanted]
    return sorted(pairs, key=lambda pair: (-rank(pair[0], pair[1]), -pair[0].quality, wanted.index(pair[1])))


def _concrete(wanted: str, gpu: GPU) -> str:
    return ("bf16" if gpu.compute_capability >= BF16_CAPABILITY else "fp16") if wanted == "full" else wanted


def _rule_note(hw: Hardware, chosen: ModelEntry, verdict: Verdict, rest: list[tuple[ModelEntry, str]],
               gpus: list[GPU], need_bbox: bool, margin_gb: float, margin_fraction: float) -> str:
    """Why a better model that also fits here was not taken (empty when none was passed over)."""
    for entry, wanted in rest:
        if entry.quality <= chosen.quality:
            continue
        for gpu in gpus:
            if model_blocker(hw, entry, gpu, need_bbox):
                continue
            other = judge(hw, entry, _concrete(wanted, gpu), gpu, need_bbox=need_bbox, margin_gb=margin_gb,
                          margin_fraction=margin_fraction)
            if other.fits:
                return (f"ranked above {entry.id} at {other.precision}, which also fits: rank = quality less "
                        f"quantisation cost (int8 {QUANTIZATION_COST['int8']}, int4 {QUANTIZATION_COST['int4']}), "
                        f"{rank(chosen, verdict.precision)} against {rank(entry, other.precision)}, as quantised "
                        "weights lose exact characters and decode slower")
    return ""


def _candidates(catalog: dict[str, ModelEntry], service: str, model: str | None) -> list[ModelEntry]:
    families = SERVICE_FAMILIES[service]
    if model is None:
        return sorted((e for e in catalog.values() if e.family in families), key=lambda e: -e.quality)
    entry = find_model(catalog, model)
    if entry is None:
        raise UsageError(f"--model {model!r} is not in the model catalog ({', '.join(catalog)})")
    if entry.family not in families:
        raise UsageError(f"--ocr-service {service} cannot run {entry.id} ({entry.family})")
    return [entry]


def _selection(hw: Hardware, entry: ModelEntry, verdict: Verdict, gpu: GPU, label: str,
               tried: list[Verdict], note: str = "") -> Selection:
    passed_over = "; ".join(f"{v.precision} needs {v.need_gb:.1f} GB" for v in tried if v.need_gb is not None)
    reason = f"{label}: {verdict.why}" + (f"; {passed_over}" if passed_over else "") + (f"; {note}" if note else "")
    attn = "flash_attention_2" if flash_attn_usable(hw, gpu) else "sdpa"
    return Selection(entry, verdict.precision, gpu.index, gpu.device, reason, verdict.estimate_gb, attn)


def judge_all(hw: Hardware, catalog: dict[str, ModelEntry], *, need_bbox: bool = False,
              margin_gb: float = MARGIN_GB, margin_fraction: float = MARGIN_FRACTION) -> list[Verdict]:
    """Every model x catalog precision on its best GPU (the first that fits, else the roomiest)."""
    verdicts = []
    gpus = sorted(hw.visible_gpus(), key=lambda g: (-g.vram_free_gb, g.index))
    for entry in catalog.values():
        for precision in CATALOG_PRECISIONS:
            if entry.vram_for(precision) is None:
                continue
            if not gpus:
                reason = environment_blockers(hw)[0]
                verdicts.append(Verdict(entry.id, precision, None, False, entry.vram_for(precision), None, None,
                                        reason))
                continue
            judged = []
            for gpu in gpus:
                shown = "bf16" if precision == "fp16" and gpu.compute_capability >= BF16_CAPABILITY else precision
                judged.append(judge(hw, entry, shown, gpu, need_bbox=need_bbox, margin_gb=margin_gb,
                                    margin_fraction=margin_fraction))
            verdicts.append(next((v for v in judged if v.fits), judged[0]))
    return verdicts
