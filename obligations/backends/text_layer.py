"""A PDF's own text layer: exact words and boxes at no OCR cost, for digital PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .base import BackendInfo, Capabilities, PageText

if TYPE_CHECKING:
    from ..sources import Source


@dataclass
class TextLayerBackend:
    reason: str = "PDF text layer"
    service: str = "text"
    capabilities = Capabilities(text_source="text_layer")

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, None, "cpu", None, self.reason)

    def read_page(self, source: Source, page: int, dpi: int) -> PageText | None:
        """The page's words, or None when it has no usable text layer (a scan)."""
        from ..sources import text_layer  # sources imports this package's Word: import at call time

        layer = text_layer(source, page, dpi)
        if layer is None:
            return None
        words, width, height = layer
        return PageText(page, width, height, dpi, "text_layer", words)
