"""What a document module returns."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from .render import Canvas


def collapse(text: str) -> str:
    return " ".join(text.split())


def side_random(rng: random.Random, salt: str) -> random.Random:
    """A generator seeded from rng's state that leaves rng untouched.

    A layout added later is decided with it, so that the documents of the older layouts
    (the same seeds, the same draws) stay exactly what they were."""
    digest = hashlib.sha256(f"{salt}/{rng.getstate()!r}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass
class Doc:
    doc_type: str
    canvas: Canvas
    fields: dict[str, str | None]  # normalised ground truth; None: the document does not carry it
    printed: dict[str, str | None]  # as printed (lines joined with single spaces)
    layout: str
    font: str
    extra: dict = field(default_factory=dict)

    def check(self, field_ids: tuple[str, ...]) -> Doc:
        """Every field has a value, a printed form and a drawn box, or is absent
        (None, printed None, not drawn)."""
        for fid in field_ids:
            if fid not in self.fields or fid not in self.printed:
                raise AssertionError(f"{self.doc_type}: field {fid} missing")
            if self.fields[fid] is None:
                if self.printed[fid] is not None or fid in self.canvas.boxes:
                    raise AssertionError(f"{self.doc_type}/{self.layout}: absent field {fid} was drawn")
                continue
            if not self.fields.get(fid) or not self.printed.get(fid):
                raise AssertionError(f"{self.doc_type}: field {fid} has no value")
            if fid not in self.canvas.boxes:
                raise AssertionError(f"{self.doc_type}/{self.layout}: field {fid} was not drawn")
        return self
