"""Engines behind one protocol (see base.py). `select_backend` picks one and says why.

`auto`: a remote server that answers its health check (QWEN_REMOTE_URL / --remote-url: this
project's server, or an OpenAI-compatible one when the URL ends in /v1), else a vLLM server
that lists its models (VLLM_URL), else the best catalog model that fits this machine's GPU
(catalog.py), else Tesseract on the CPU, else PDF text layers only. Explicit services skip the
parts they do not name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingDependency, UsageError

if TYPE_CHECKING:
    from .base import Backend, BackendInfo
    from .tesseract import TesseractBackend
    from .text_layer import TextLayerBackend

# The engines load when first named (`from obligations.backends import TesseractBackend`), not
# with this package: the command line needs only SERVICES to build its options, and Pillow
# (through base.py) is a tenth of what `obligations --help` or `doctor` would otherwise import.
_LAZY = {"Backend": ".base", "BackendInfo": ".base", "TesseractBackend": ".tesseract",
         "TextLayerBackend": ".text_layer"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# torch numbers cards fastest first unless told otherwise, NVML (hardware.py, doctor) and
# nvidia-smi in PCI bus order: this process, its workers and the jobs it starts use PCI bus order,
# so that GPU N in a report, CUDA_VISIBLE_DEVICES=N and a selection's cuda:N name the same card
# (hardware.pin_device_order, set here as the command line imports this package first).
os.environ["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID"

SERVICES = ("auto", "text", "tesseract", "qwen", "qwen_local", "qwen_remote", "openai", "got", "deepseek", "dots",
            "deepseek_ocr2", "glm_ocr", "paddleocr_vl")
# Which catalog families each model service may load.
SERVICE_FAMILIES = {
    "qwen": ("qwen3-vl", "qwen2.5-vl", "qwen2-vl"),
    "qwen_local": ("qwen3-vl", "qwen2.5-vl", "qwen2-vl"),
    "got": ("got-ocr2",),
    "deepseek": ("deepseek-ocr",),
    "dots": ("dots-ocr",),
    "deepseek_ocr2": ("deepseek-ocr2",),
    "glm_ocr": ("glm-ocr",),
    "paddleocr_vl": ("paddleocr-vl",),
}
# config.json model_type -> family, for --model-path without --model.
MODEL_TYPES = {
    "qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl", "qwen3_vl": "qwen3-vl", "got_ocr2": "got-ocr2",
    "deepseek_vl_v2": "deepseek-ocr", "deepseekocr": "deepseek-ocr", "dots_ocr": "dots-ocr",
    "deepseek_ocr2": "deepseek-ocr2", "glm_ocr": "glm-ocr", "paddleocr_vl": "paddleocr-vl",
}


def select_backend(options) -> tuple[Backend | None, str]:
    """The engine for pages without a text layer (None: text layers only), and the reason.
    `options` is a pipeline.RunOptions."""
    service = options.service
    if service not in SERVICES:
        raise UsageError(f"unknown --ocr-service {service!r}: choose from {', '.join(SERVICES)}")
    if service == "text":
        return None, "--ocr-service text: PDF text layers only, no OCR"
    if service == "tesseract":
        return _tesseract("--ocr-service tesseract", options.lang, required=True)
    if service == "openai":
        return _openai(options)
    if service in ("auto", "qwen", "qwen_remote"):
        remote = _own_remote(options, required=service == "qwen_remote")
        if remote is not None:
            return remote, remote.reason
    if service == "auto" and options.model is None and options.model_path is None:
        served = _vllm_remote(options)
        if served is not None:
            return served, served.reason
    if service == "auto" and options.model is None and options.model_path is None:
        backend = _local_model(options, "auto", required=False)
        if isinstance(backend, str):  # why no model was taken
            return _tesseract(f"auto: {backend}; Tesseract on CPU", options.lang, required=False)
        return backend, backend.reason
    # A model named (--model, --model-path) under `auto` runs whatever its family is.
    local_service = service if service != "qwen" and (service != "auto" or options.model or options.model_path) \
        else "qwen_local"
    backend = _local_model(options, local_service, required=True)
    return backend, backend.reason


# ---------------------------------------------------------------------- engines


def _tesseract(reason: str | None, lang: str, required: bool) -> tuple[Backend | None, str]:
    from .tesseract import TesseractBackend

    backend = TesseractBackend(lang=lang)
    try:
        backend.check()
    except MissingDependency as exc:
        if required:
            raise
        return None, f"auto: no model backend, and Tesseract is unusable ({exc.message}); text layers only"
    backend.reason = reason or "auto: no remote server and no GPU model fits this machine; Tesseract on CPU"
    return backend, backend.reason


def _own_remote(options, required: bool):
    from .remote import RemoteModel, health, own_server_url

    url = own_server_url(options.remote_url)
    status = health(url, api_key=options.api_key or os.environ.get("OBLIGATIONS_API_KEY"))
    if status is None:
        if required:
            raise MissingDependency(f"--ocr-service qwen_remote: no server answers at {url}/health "
                                    "(start one with `obligations serve`, or set QWEN_REMOTE_URL)")
        return None
    if isinstance(status.get("data"), list):  # an OpenAI-compatible listing: --remote-url .../v1
        return _served_model(url, status, options, options.api_key or os.environ.get("OPENAI_API_KEY"),
                             f"{options.service}: OpenAI-compatible server at {url}")
    model = status.get("model") or "remote"
    reason = f"{options.service}: server at {url} is healthy ({status.get('service', '?')}, {model})"
    served = status.get("service")
    family = {"dots": "dots-ocr", "tesseract": "tesseract", "got": "got-ocr2", "deepseek": "deepseek-ocr",
              "deepseek_ocr2": "deepseek-ocr2", "glm_ocr": "glm-ocr", "paddleocr_vl": "paddleocr-vl"}.get(served, "qwen")
    return RemoteModel(url, model, "qwen_remote", family, reason, options.api_key or os.environ.get("OBLIGATIONS_API_KEY"),
                       options.concurrency, max_pixels=options.vlm_max_pixels)


def vllm_url() -> str | None:
    """VLLM_URL as the OpenAI API's base (…/v1), or None when unset."""
    url = (os.environ.get("VLLM_URL") or "").strip().rstrip("/")
    if not url:
        return None
    return url if url.endswith("/v1") else url + "/v1"


def _vllm_remote(options):
    """The model a vLLM server at VLLM_URL serves, when it answers its model listing; `auto`
    prefers it to a local model as it prefers this project's own server."""
    from .remote import health

    url = vllm_url()
    if url is None:
        return None
    api_key = options.api_key or os.environ.get("VLLM_API_KEY") or os.environ.get("OPENAI_API_KEY")
    status = health(url, api_key=api_key)
    if status is None or not isinstance(status.get("data"), list):
        return None
    return _served_model(url, status, options, api_key, f"auto: vLLM server at {url} (VLLM_URL)")


def _served_model(url: str, listing: dict, options, api_key: str | None, where: str):
    """A RemoteModel for the model an OpenAI-compatible server lists (--remote-model when it is
    among them, else the first), read or asked as its family wants (vllm.served_family)."""
    from .remote import RemoteModel
    from .vllm import served_family

    models = [m for m in listing["data"] if isinstance(m, dict) and m.get("id")]
    if not models:
        return None
    chosen = next((m for m in models if m["id"] == options.remote_model), models[0])
    family = served_family(chosen["id"], chosen.get("root"))
    kind = "answerer (field questions)" if family == "qwen" else f"reader ({family})"
    reason = f"{where} serves {chosen['id']}: {kind}; preferred to a local model"
    return RemoteModel(url, chosen["id"], "openai", family, reason, api_key, options.concurrency,
                       max_pixels=options.vlm_max_pixels)


def _openai(options):
    from .remote import RemoteModel

    if not options.remote_url:
        raise UsageError("--ocr-service openai needs --remote-url (e.g. http://host:8000/v1)")
    if not options.remote_model:
        raise UsageError("--ocr-service openai needs --remote-model (the server's model name)")
    from .vllm import served_family

    api_key = options.api_key or os.environ.get("OPENAI_API_KEY")
    family = served_family(options.remote_model)
    path = "answerer (field questions)" if family == "qwen" else f"reader ({family} page prompt)"
    reason = f"--ocr-service openai: {options.remote_model} at {options.remote_url} as {path}"
    backend = RemoteModel(options.remote_url, options.remote_model, "openai", family, reason, api_key,
                          options.concurrency, max_pixels=options.vlm_max_pixels)
    return backend, reason


def _local_model(options, service: str, required: bool):
    """A catalog model on this machine's GPU, or (asked for by name) on the CPU. Not required
    (`auto`), it is a model whose weights are already on disk, or else a line saying why none."""
    from ..catalog import find_model, load_catalog, select_local
    from ..hardware import probe
    from .loading import ModelRequest, choose_attention, describe_model_dir, parameter_count, weights_cached

    catalog = load_catalog()
    entry = None
    family = None
    if options.model is not None:
        entry = find_model(catalog, options.model)
        if entry is None and "/" not in options.model:
            raise UsageError(f"--model {options.model!r}: not a catalog id ({', '.join(catalog)}) "
                             "nor a Hugging Face repo (owner/name)")
    if options.model_path is not None and entry is None:
        family = _family_on_disk(Path(options.model_path))
        # Its loader and memory figures: the entry of its family nearest in size.
        count = parameter_count(Path(options.model_path))
        same = [e for e in catalog.values() if e.family == family]
        entry = min(same, key=lambda e: abs(e.params_b - count / 1e9)) if same and count else \
            next(iter(same), None)
    families = SERVICE_FAMILIES.get(service)
    if entry is not None and families and entry.family not in families:
        raise UsageError(f"--ocr-service {service} cannot run {entry.id} ({entry.family})")

    hardware = probe(full=False)
    choose = dict(service=service, model=entry.id if entry else None, precision=options.precision,
                  need_bbox=options.need_bbox)
    selection, reasons = select_local(hardware, catalog, **choose)
    if not required:
        # `auto` never starts a download of many gigabytes: it takes the best model already on disk.
        if selection is None:
            return f"no remote server and no GPU model fits this machine ({reasons[0] if reasons else 'no GPU'})"
        if not weights_cached(selection.entry.repo):
            best = selection
            cached = {k: e for k, e in catalog.items() if weights_cached(e.repo)}
            selection, reasons = select_local(hardware, cached, **choose)
            if selection is None:
                return (f"no remote server; {best.entry.id} at {best.precision} would fit but is not downloaded "
                        f"(huggingface-cli download {best.entry.repo})")
    if selection is not None:
        entry, precision, device, reason = selection.entry, selection.precision, selection.device, selection.reason
    elif entry is not None or options.model is not None or options.model_path is not None:
        # Named explicitly: run it on the CPU, slowly, rather than refuse.
        if entry is None:
            entry = next(e for e in catalog.values() if e.family == "qwen2-vl")
        precision = options.precision if options.precision in ("bf16", "fp32") else "fp32"
        device = "cpu"
        why = "; ".join(reasons[-2:]) if reasons else "no usable GPU"
        reason = f"--ocr-service {service}: {options.model or options.model_path} on the CPU ({why})"
    else:
        raise MissingDependency(f"--ocr-service {service}: no model fits this machine: {'; '.join(reasons)}. "
                                "Name one with --model to run it on the CPU, or use --ocr-service tesseract")
    repo = options.model if options.model and "/" in options.model and find_model(catalog, options.model) is None \
        else entry.repo
    model_id = options.model or entry.id
    if options.model_path is not None:
        # What is on disk, never the id of a catalog entry it may not be (a tiny test model is no 7B).
        model_id = describe_model_dir(Path(options.model_path))
        if options.model:
            model_id = f"{options.model}: {model_id}"
        if selection is None:
            reason = reason.replace(str(options.model_path), model_id, 1)
        else:
            reason = (f"--ocr-service {service}: {model_id} at {precision} on {device} "
                      f"(memory judged by the catalog's {entry.family} figures for {entry.params_b:g} B)")
    request = ModelRequest(
        model_id=model_id, repo=repo, family=family or entry.family, precision=precision,
        attn=choose_attention(options.attn, device, family or entry.family), device=device,
        model_path=Path(options.model_path) if options.model_path else None,
        trust_remote_code=entry.trust_remote_code, max_pixels=options.vlm_max_pixels,
    )
    return build_model_backend(entry.loader, request, reason, answers=options.mode == "json")


def build_model_backend(loader: str, request, reason: str, answers: bool = False):
    """The backend class for a catalog loader and family. `answers`: a model whose card documents
    asking a document's fields in one JSON answer (GLM-OCR) answers them (--mode json) instead
    of reading the page for the locator."""
    if loader == "transformers_vlm":
        from .transformers_vlm import GotReader, QwenAnswerer

        cls = GotReader if request.family == "got-ocr2" else QwenAnswerer
    elif loader == "deepseek_ocr":
        from .deepseek_ocr import DeepSeekReader as cls
    elif loader == "dots_ocr":
        from .dots_ocr import DotsReader as cls
    elif loader == "deepseek_ocr2":
        from .deepseek_ocr2 import DeepSeekOcr2Reader as cls
    elif loader == "glm_ocr":
        from .glm_ocr import GlmOcrAnswerer, GlmOcrReader

        cls = GlmOcrAnswerer if answers else GlmOcrReader
    elif loader == "paddleocr_vl":
        from .paddleocr_vl import PaddleOcrVlReader as cls
    else:
        raise UsageError(f"model catalog: unknown loader {loader!r}")
    backend = cls(request, reason)
    backend.family = request.family
    return backend


def _family_on_disk(path: Path) -> str:
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"--model-path {path}: no readable config.json there") from None
    model_type = config.get("model_type", "")
    if model_type not in MODEL_TYPES:
        raise UsageError(f"--model-path {path}: model_type {model_type!r} is not one Obligations can run "
                         f"({', '.join(sorted(MODEL_TYPES))}); name it with --model")
    return MODEL_TYPES[model_type]


__all__ = ["Backend", "BackendInfo", "SERVICES", "TesseractBackend", "TextLayerBackend", "build_model_backend",
           "select_backend"]
