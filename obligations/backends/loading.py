"""Loading Hugging Face models the way every model backend needs it: weights found on disk or
in the Hugging Face cache (never a surprise download, never a hang), the precision really
applied (bitsandbytes for int8/int4, verified on the loaded modules), an attention kernel
that the card and the installed packages support, and VRAM accounting.

torch and transformers are imported inside the functions: they belong to the `gpu` extra,
and the CPU path must not pay for importing them.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependency, UsageError

PRECISIONS = ("auto", "bf16", "fp16", "fp32", "int8", "int4")
ATTENTIONS = ("auto", "flash_attention_2", "sdpa", "eager")
HUB_ENDPOINT = "https://huggingface.co"  # huggingface_hub's default; HF_ENDPOINT names a mirror
TRUE_VALUES = {"1", "ON", "YES", "TRUE"}  # how huggingface_hub reads its boolean variables


@dataclass(frozen=True)
class ModelRequest:
    """What to load and how; `precision` and `attn` are concrete here (no 'auto')."""

    model_id: str  # catalog id, or the repo when the model is not in the catalog
    repo: str
    family: str
    precision: str
    attn: str
    device: str  # "cuda:0" or "cpu"
    model_path: Path | None = None
    trust_remote_code: bool = False
    max_pixels: int | None = None


def require_torch() -> None:
    """A clear error, not an ImportError, when the `gpu` extra is missing."""
    from ..hardware import pin_device_order

    pin_device_order()  # before torch first touches CUDA: cuda:N in NVML's (PCI bus) order
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependency(
            f"model backends need {' and '.join(missing)}: pip install 'obligations[gpu]' "
            "(or use --ocr-service tesseract)")


def resolve_weights(repo: str, model_path: Path | None = None) -> str:
    """A local directory holding the model: `model_path`, else the Hugging Face cache, else a
    download when the hub answers. Offline, a missing model is an error naming the command
    that downloads it."""
    if model_path is not None:
        if not (Path(model_path) / "config.json").is_file():
            raise UsageError(f"--model-path {model_path}: no config.json there (expected a saved model directory)")
        return str(model_path)
    require_torch()
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(repo, local_files_only=True)
    except Exception:
        pass
    hint = f"download it with: huggingface-cli download {repo}  (or pass --model-path DIR)"
    if hub_offline():
        raise MissingDependency(f"model {repo} is not in the Hugging Face cache and HF_HUB_OFFLINE is set; {hint}")
    if not hub_reachable():
        raise MissingDependency(f"model {repo} is not in the Hugging Face cache and the hub ({hub_endpoint()}) "
                                f"is not reachable{_proxy_note()}; {hint}")
    try:
        return snapshot_download(repo)
    except Exception as exc:
        raise MissingDependency(f"model {repo} could not be downloaded ({type(exc).__name__}: {exc}); {hint}") from None


def weights_cached(repo: str) -> bool:
    """Whether the Hugging Face cache holds `repo` (its config.json), without any network."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    return isinstance(try_to_load_from_cache(repo, "config.json"), str)


def hub_offline() -> bool:
    """HF_HUB_OFFLINE (or transformers' TRANSFORMERS_OFFLINE) set true, as huggingface_hub reads it."""
    return any(os.environ.get(name, "").strip().upper() in TRUE_VALUES for name in ("HF_HUB_OFFLINE",
                                                                                     "TRANSFORMERS_OFFLINE"))


def hub_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or HUB_ENDPOINT).rstrip("/")


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """Whether the hub a download would use answers: HF_ENDPOINT (a mirror) or huggingface.co,
    over HTTP through the proxy the environment names (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
    NO_PROXY), as huggingface_hub's own requests go. Any HTTP answer counts, an error status too:
    it is the route that is asked about, not the model."""
    import urllib.error
    import urllib.request

    try:
        request = urllib.request.Request(hub_endpoint() + "/api/models?limit=1", method="HEAD")
        # A fresh opener reads the proxy variables now (urlopen's shared one read them once).
        with urllib.request.build_opener().open(request, timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):  # URLError, a timeout, a refused proxy, a malformed HF_ENDPOINT
        return False


def _proxy_note() -> str:
    import urllib.request

    proxies = urllib.request.getproxies()
    scheme = hub_endpoint().partition(":")[0]
    proxy = proxies.get(scheme) or proxies.get("all")
    return f" through the proxy {proxy}" if proxy else ""


def torch_dtype(precision: str, device: str):
    """The dtype the unquantised layers compute in."""
    import torch

    if device == "cpu" and precision in ("fp16", "int8", "int4"):
        return torch.float32  # half-precision matmuls on CPU are slow or missing
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}.get(precision, torch.bfloat16)


def quantization_config(precision: str, compute_dtype=None):
    """bitsandbytes settings for int8 / int4 (nf4 with double quantisation), else None."""
    if precision not in ("int8", "int4"):
        return None
    from transformers import BitsAndBytesConfig

    if precision == "int8":
        # Vision towers lose accuracy in 8 bits and are small: keep them in full precision.
        return BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=["visual", "vision_tower", "lm_head"])
    import torch

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute_dtype or torch.bfloat16,
        llm_int8_skip_modules=["visual", "vision_tower", "lm_head"],
    )


# Families whose transformers implementation has no sdpa attention (loading with it raises).
EAGER_ONLY = ("got-ocr2",)


def choose_attention(attn: str, device: str, family: str = "") -> str:
    """flash_attention_2 when asked or, for `auto`, when it is installed and the card is Ampere
    or newer; sdpa otherwise (eager when asked, or for a family without sdpa)."""
    if attn not in ATTENTIONS:
        raise UsageError(f"--attn {attn!r}: choose from {', '.join(ATTENTIONS)}")
    flash_ok = device.startswith("cuda") and importlib.util.find_spec("flash_attn") is not None and _capability(device) >= (8, 0)
    if attn == "flash_attention_2" and not flash_ok:
        raise MissingDependency(
            "--attn flash_attention_2 needs flash-attn installed and an Ampere or newer GPU "
            "(pip install flash-attn --no-build-isolation)")
    if attn == "auto":
        if family in EAGER_ONLY:
            return "eager"
        return "flash_attention_2" if flash_ok else "sdpa"
    return attn


def check_quantized(model, precision: str) -> int:
    """The number of bitsandbytes layers in `model`; raises when int8/int4 was asked and none
    were made (a silently unquantised model would not fit where the user expects it to)."""
    if precision not in ("int8", "int4"):
        return 0
    wanted = "Linear8bitLt" if precision == "int8" else "Linear4bit"
    count = sum(1 for module in model.modules() if type(module).__name__ == wanted)
    if count == 0:
        raise MissingDependency(f"--precision {precision} was asked, but no {wanted} layers were loaded")
    return count


def load_kwargs(request: ModelRequest) -> dict:
    """Keyword arguments for `from_pretrained` that apply the request."""
    dtype = torch_dtype(request.precision, request.device)
    kwargs = {"dtype": dtype, "attn_implementation": request.attn, "trust_remote_code": request.trust_remote_code}
    quant = quantization_config(request.precision, dtype)
    if quant is not None:
        if not request.device.startswith("cuda"):
            raise UsageError(f"--precision {request.precision} needs a CUDA GPU (bitsandbytes); use bf16 or fp32 on CPU")
        if importlib.util.find_spec("bitsandbytes") is None:
            raise MissingDependency(f"--precision {request.precision} needs bitsandbytes: pip install bitsandbytes")
        kwargs["quantization_config"] = quant
        kwargs["device_map"] = {"": request.device}
    elif importlib.util.find_spec("accelerate") is not None:
        # Weights go from the file straight to the device: no full copy in RAM first, then `.to()`.
        kwargs["device_map"] = {"": request.device}
    return kwargs


def place(model, request: ModelRequest, kwargs: dict):
    """The loaded model on its device (already there when `device_map` placed it), in eval mode."""
    if "device_map" not in kwargs:
        model.to(request.device)
    return model.eval()


def describe_model_dir(path: Path) -> str:
    """What a saved model directory holds, from its own files: the architecture (config.json's
    model_type) and the parameter count (the safetensors headers, else the index's total size
    at the config's dtype), e.g. 'qwen2_vl, 0.01 B parameters, from /models/tiny'."""
    path = Path(path)
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    model_type = config.get("model_type") or "unknown architecture"
    count = parameter_count(path, config)
    size = (f"{count / 1e9:.2f} B parameters" if count >= 1e7 else f"{count / 1e6:.2f} M parameters") if count \
        else "size unknown"
    return f"{model_type}, {size}, from {path}"


_DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1, "uint8": 1}


def parameter_count(path: Path, config: dict | None = None) -> int | None:
    """Parameters stored in a model directory's safetensors files (their JSON headers only, the
    tensors are not read); None when there are none to read."""
    files = sorted(Path(path).glob("*.safetensors"))
    total = 0
    for file in files:
        try:
            with open(file, "rb") as handle:
                length = struct.unpack("<Q", handle.read(8))[0]
                header = json.loads(handle.read(length))
        except (OSError, ValueError, struct.error):
            return None
        for name, tensor in header.items():
            if name != "__metadata__" and isinstance(tensor, dict):
                total += math.prod(tensor.get("shape") or [1])
    if files:
        return total
    try:  # an index without its shards: bytes over the bytes of the saved dtype
        index = json.loads((Path(path) / "model.safetensors.index.json").read_text(encoding="utf-8"))
        size = index["metadata"]["total_size"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    dtype = (config or {}).get("dtype") or (config or {}).get("torch_dtype") or "bfloat16"
    return int(size) // _DTYPE_BYTES.get(str(dtype), 2)


def peak_memory_gb(device: str) -> float | None:
    if not device.startswith("cuda"):
        return None
    import torch

    return round(torch.cuda.max_memory_allocated(device) / 2**30, 3)


def free_memory(device: str) -> None:
    import gc

    gc.collect()
    if device.startswith("cuda"):
        import torch

        torch.cuda.empty_cache()


def _capability(device: str) -> tuple[int, int]:
    import torch

    return torch.cuda.get_device_capability(device)
