"""Engines behind one protocol (see base.py). `select_backend` picks one and says why."""

from __future__ import annotations

from ..errors import MissingDependency, UsageError
from .base import Backend, BackendInfo
from .tesseract import TesseractBackend
from .text_layer import TextLayerBackend

SERVICES = ("auto", "text", "tesseract")


def select_backend(service: str, lang: str) -> tuple[Backend | None, str]:
    """The OCR engine for pages without a text layer (None: text layers only), and the reason.

    `auto` takes Tesseract when it and its languages are installed; GPU backends join here.
    """
    if service == "text":
        return None, "--ocr-service text: PDF text layers only, no OCR"
    if service not in ("auto", "tesseract"):
        raise UsageError(f"unknown --ocr-service {service!r}: choose from {', '.join(SERVICES)}")
    backend = TesseractBackend(lang=lang)
    try:
        backend.check()
    except MissingDependency as exc:
        if service == "tesseract":
            raise
        return None, f"auto: no GPU backend, and Tesseract is unusable ({exc.message}); text layers only"
    reason = "--ocr-service tesseract" if service == "tesseract" else "auto: no GPU backend available; Tesseract on CPU"
    backend.reason = reason
    return backend, reason


__all__ = ["Backend", "BackendInfo", "SERVICES", "TesseractBackend", "TextLayerBackend", "select_backend"]
