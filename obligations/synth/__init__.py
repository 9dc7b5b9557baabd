"""Synthetic scans of documents of non-existent people, with ground truth.

    generate("passport", 10, Path("out"), degrade="scan", fmt="png", seed=0)

writes out/passport_0000.png + out/passport_0000.json (ground truth) ... and
appends one row per image and field to out/annotation.csv.  Each document
draws its own layout, font, sizes, label spellings, value case, date and
gender spellings and paper tint, so no two documents share one template.

Ground-truth boxes are [x0, y0, x1, y1] pixels of the written image (300 dpi
unless the degradation says otherwise: "dpi" in the JSON; possibly rotated or,
for a photo, in perspective): the tight ink box of the value, the union over
its lines (and over its mapped corners when the page is turned).  A field the
document does not carry (the KPP of a sole trader, the issue data on a
passport's data page alone) is null in "fields", "printed" and "bbox".  The
JSON records the degradation level in "degrade".
"""

from __future__ import annotations

import random
import secrets
from pathlib import Path

from PIL import Image

from . import inn, invoice, passport, receipt, snils
from .base import Doc
from .degrade import LEVELS
from .degrade import degrade as _degrade
from .output import (
    EXTENSIONS, annotation_rows, append_annotations, next_index, truth, write_image, write_truth,
)
from .render import FontError, font_families

DOC_TYPES = ("snils", "inn", "passport", "invoice", "receipt")
DEGRADATIONS = (*LEVELS, "mixed")  # mixed: each document draws one of LEVELS
FORMATS = ("png", "jpg", "pdf", "digital-pdf")

_MODULES = {m.DOC_TYPE: m for m in (snils, inn, passport, invoice, receipt)}
FIELDS: dict[str, tuple[str, ...]] = {name: _MODULES[name].FIELDS for name in DOC_TYPES}
QUESTIONS: dict[str, dict[str, str]] = {name: _MODULES[name].QUESTIONS for name in DOC_TYPES}

__all__ = [
    "DOC_TYPES", "DEGRADATIONS", "FORMATS", "FIELDS", "QUESTIONS", "FontError",
    "bundle", "generate", "render_clean", "render_document",
]


def _rng(seed: int | str, doc_type: str, index: int, purpose: str = "") -> random.Random:
    return random.Random(f"{seed}/{doc_type}/{index}{purpose}")


def render_document(doc_type: str, rng: random.Random) -> Doc:
    """Lay out one clean document (display list + ground truth)."""
    if doc_type not in _MODULES:
        raise ValueError(f"unknown doc type {doc_type!r}; expected one of {DOC_TYPES}")
    return _MODULES[doc_type].render(rng)


def render_clean(doc_type: str, seed: int = 0, index: int = 0) -> tuple[Image.Image, dict]:
    """The clean 300-dpi raster of a document and its ground truth (as in the JSON files)."""
    doc = render_document(doc_type, _rng(seed, doc_type, index))
    degraded = _degrade(doc.canvas.to_image(), "none", random.Random(0))
    return degraded.image, truth(doc, degraded, FIELDS[doc_type], seed=seed, index=index)


def draw_level(degrade: str, drng: random.Random) -> str:
    """The level a document gets: `degrade` itself, or for "mixed" one of LEVELS drawn
    from the document's degradation rng."""
    return drng.choice(LEVELS) if degrade == "mixed" else degrade


def generate(
    doc_type: str, count: int, out_dir: Path, degrade: str = "none", fmt: str = "png",
    seed: int | None = 0,
) -> list[Path]:
    """Write `count` documents of `doc_type` to out_dir; return the written image/PDF paths.

    Numbering continues after documents already in out_dir, and every
    document is a function of (seed, doc_type, number), so the same call on
    an empty directory always writes the same files.  The content of a
    document does not depend on `degrade` or `fmt`.  digital-pdf is a vector
    PDF with a text layer and is never degraded.
    """
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc type {doc_type!r}; expected one of {DOC_TYPES}")
    if degrade not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {degrade!r}; expected one of {DEGRADATIONS}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    font_families()  # fail early, with the install hint, when no fonts are installed
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if seed is None:
        seed = secrets.randbits(63)
    module = _MODULES[doc_type]
    start = next_index(out_dir, doc_type)
    paths, rows = [], []
    for index in range(start, start + count):
        doc = module.render(_rng(seed, doc_type, index))
        drng = _rng(seed, doc_type, index, "/degrade")
        level = "none" if fmt == "digital-pdf" else draw_level(degrade, drng)
        boxes = [box for f in module.FIELDS if (box := doc.canvas.field_box(f)) is not None]
        degraded = _degrade(doc.canvas.to_image(), level, drng, boxes=boxes)
        stem = f"{doc_type}_{index:04d}"
        path = out_dir / f"{stem}.{EXTENSIONS[fmt]}"
        write_image(path, doc, degraded, fmt)
        t = truth(doc, degraded, module.FIELDS, image=path.name, format=fmt, seed=seed, index=index)
        write_truth(out_dir / f"{stem}.json", t)
        rows += annotation_rows(t, path.name, module.QUESTIONS)
        paths.append(path)
    append_annotations(out_dir, rows)
    return paths


def bundle(out_path: Path, parts: list[Path]) -> None:
    """Concatenate generated PDFs and images into one multi-page PDF (images at the dpi
    their files carry, 300 when they carry none)."""
    import pymupdf

    from .render import DPI

    with pymupdf.open() as out:
        for part in map(Path, parts):
            if part.suffix.lower() == ".pdf":
                with pymupdf.open(part) as src:
                    out.insert_pdf(src)
                continue
            with Image.open(part) as img:
                width, height = img.size
                dpi = (img.info.get("dpi") or (DPI, DPI))[0]
            pt = 72 / (dpi or DPI)
            page = out.new_page(width=width * pt, height=height * pt)
            page.insert_image(page.rect, filename=str(part))
        out.save(Path(out_path), garbage=3, deflate=True)
