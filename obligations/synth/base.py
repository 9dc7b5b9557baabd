"""What a document module returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from .render import Canvas


def collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Doc:
    doc_type: str
    canvas: Canvas
    fields: dict[str, str]  # normalised ground truth
    printed: dict[str, str]  # as printed (lines joined with single spaces)
    layout: str
    font: str
    extra: dict = field(default_factory=dict)

    def check(self, field_ids: tuple[str, ...]) -> Doc:
        """Every field has a value, a printed form and a drawn box."""
        for fid in field_ids:
            if not self.fields.get(fid) or not self.printed.get(fid):
                raise AssertionError(f"{self.doc_type}: field {fid} has no value")
            if fid not in self.canvas.boxes:
                raise AssertionError(f"{self.doc_type}/{self.layout}: field {fid} was not drawn")
        return self
