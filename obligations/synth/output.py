"""Writing generated documents: image/PDF files, ground-truth JSON, annotation.csv."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from PIL import Image

from .base import Doc
from .degrade import Degraded, jpeg_bytes, jpeg_roundtrip
from .render import DPI

ANNOTATION = "annotation.csv"
CSV_HEADER = (
    "data_index", "split", "image_path", "question", "answer", "doc_class", "question_type", "answer_bbox",
)
EXTENSIONS = {"png": "png", "jpg": "jpg", "pdf": "pdf", "digital-pdf": "pdf"}
CLEAN_JPEG_QUALITY = 92


def next_index(out_dir: Path, doc_type: str) -> int:
    """First free document number for doc_type in out_dir (never overwrite)."""
    pattern = re.compile(rf"{re.escape(doc_type)}_(\d+)\.json$")
    numbers = [int(m[1]) for p in out_dir.iterdir() if (m := pattern.match(p.name))]
    return max(numbers, default=-1) + 1


def truth(doc: Doc, degraded: Degraded, field_ids, **meta) -> dict:
    return {
        "doc_type": doc.doc_type,
        "fields": {f: doc.fields[f] for f in field_ids},
        "printed": {f: doc.printed[f] for f in field_ids},
        "bbox": {f: _as_list(degraded.box(doc.canvas.field_box(f))) for f in field_ids},
        # fields printed more than once (the passport number on both pages): every copy
        "bbox_copies": {f: [_as_list(degraded.box(doc.canvas.field_box(key))) for key in keys]
                        for f in field_ids if len(keys := _copies(doc, f)) > 1},
        "layout": doc.layout,
        "font": doc.font,
        "degrade": degraded.level,
        "dpi": round(degraded.dpi),  # resolution of the written image (of the page in a photo)
        # what the file itself says (None: nothing; phones and fax-to-mail often write 72)
        "dpi_metadata": [round(v) for v in degraded.dpi_metadata] if degraded.dpi_metadata else None,
        "size": list(degraded.image.size),
        "rotation": round(degraded.angle, 3),  # degrees counter-clockwise applied by the scan
        **meta,
        "extra": doc.extra,
    }


def _copies(doc: Doc, fid: str) -> list[str]:
    return [fid] + sorted(k for k in doc.canvas.boxes if k.startswith(fid + "#"))


def _as_list(box) -> list[int] | None:
    return list(box) if box is not None else None


def write_image(path: Path, doc: Doc, degraded: Degraded, fmt: str) -> None:
    """Save the document in one of FORMATS."""
    import pymupdf

    img, quality = degraded.image, degraded.jpeg_quality
    meta = degraded.dpi_metadata
    dpi = {"dpi": meta} if meta else {}
    if fmt == "jpg":
        img.save(path, "JPEG", quality=quality or CLEAN_JPEG_QUALITY, **dpi)
    elif fmt == "png":
        (jpeg_roundtrip(img, quality) if quality else img).save(path, "PNG", compress_level=1, **dpi)
    elif fmt == "pdf":
        with pymupdf.open() as pdf:  # a PDF page has a size: the page's true resolution sets it
            pt = 72 / degraded.dpi
            page = pdf.new_page(width=img.width * pt, height=img.height * pt)
            page.insert_image(page.rect, stream=_raster_bytes(img, quality, meta))
            pdf.save(path, deflate=True)
    elif fmt == "digital-pdf":
        with pymupdf.open() as pdf:
            doc.canvas.to_pdf_page(pdf)
            pdf.subset_fonts()
            pdf.save(path, garbage=3, deflate=True)
    else:
        raise ValueError(fmt)


def _raster_bytes(img: Image.Image, quality: int | None, dpi=(DPI, DPI)) -> bytes:
    if quality:
        return jpeg_bytes(img, quality, dpi)
    import io

    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def annotation_rows(truth_: dict, image_path: str, questions: dict[str, str]) -> list[list[str]]:
    rows = []
    for fid, answer in truth_["fields"].items():
        box = truth_["bbox"].get(fid)
        rows.append([
            "test", image_path, questions[fid], answer, truth_["doc_type"], fid,
            f"[{', '.join(str(v) for v in box)}]" if box else "",
        ])
    return rows


def append_annotations(out_dir: Path, rows: list[list[str]]) -> None:
    """Append rows to annotation.csv, numbering data_index after the existing rows."""
    path = out_dir / ANNOTATION
    start = 0
    if path.exists() and path.stat().st_size:
        with path.open(encoding="utf-8-sig", newline="") as f:
            indices = [int(r[0]) for r in csv.reader(f, delimiter=";") if r and r[0].isdigit()]
        start = max(indices, default=-1) + 1
        mode, encoding = "a", "utf-8"
    else:
        mode, encoding = "w", "utf-8-sig"
    with path.open(mode, encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        if mode == "w":
            writer.writerow(CSV_HEADER)
        writer.writerows([start + i, *row] for i, row in enumerate(rows))


def write_truth(path: Path, truth_: dict) -> None:
    path.write_text(json.dumps(truth_, ensure_ascii=False, indent=2), encoding="utf-8")
