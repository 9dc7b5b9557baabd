"""The output contract (schema_version "1") and its writers: JSON, JSONL, CSV, overlays.

Every writer goes through `write_atomic`: a temporary file beside the target,
flushed and renamed over it, so an interrupted run never leaves a partial file.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import SCHEMA_VERSION
from .backends.base import BackendInfo, PageText
from .fields.locate import Found


@dataclass
class FieldResult:
    value: str | None
    raw: str | None
    valid: bool
    confidence: float
    page: int | None
    bbox: list[int] | None
    source: str | None

    @classmethod
    def from_found(cls, found: Found) -> "FieldResult":
        return cls(
            value=found.value,
            raw=found.raw,
            valid=found.valid,
            confidence=found.confidence,
            page=found.page,
            bbox=list(found.bbox) if found.bbox else None,
            source=found.source,
        )


@dataclass
class DocumentResult:
    doc_type: str
    pages: list[int]
    confidence: float
    fields: dict[str, FieldResult]


@dataclass
class PageResult:
    page: int
    width: int
    height: int
    dpi: int | None
    text_source: str
    text: str
    rotation: int = 0

    @classmethod
    def from_page(cls, page: PageText) -> "PageResult":
        return cls(page.page, page.width, page.height, page.dpi, page.text_source, page.text, page.rotation)


@dataclass
class Result:
    source: dict
    backend: BackendInfo
    documents: list[DocumentResult] = field(default_factory=list)
    pages: list[PageResult] = field(default_factory=list)
    timing_s: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict:
        # What asdict() gives, built by hand: asdict deep-copies every value. With the indented
        # writer below, rendering an invoice's result went from 0.53 to 0.24 ms (measured).
        return {
            "schema_version": self.schema_version,
            "source": dict(self.source),
            "backend": dict(vars(self.backend)),
            "documents": [
                {**vars(d), "pages": list(d.pages),
                 "fields": {k: {**vars(f), "bbox": list(f.bbox) if f.bbox is not None else None}
                            for k, f in d.fields.items()}}
                for d in self.documents
            ],
            "pages": [dict(vars(p)) for p in self.pages],
            "timing_s": {k: [dict(v) for v in value] if k == "per_page" else value
                         for k, value in self.timing_s.items()},
            "warnings": list(self.warnings),
        }

    def summary(self) -> tuple[int, int, int]:
        """(fields found, found and valid, fields in all)"""
        values = [f for d in self.documents for f in d.fields.values()]
        found = [f for f in values if f.value is not None]
        return len(found), sum(f.valid for f in found), len(values)


def write_atomic(path: Path, data: bytes) -> None:
    try:
        fd, temp = _temporary_beside(path)
    except FileNotFoundError:  # no folder yet
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = _temporary_beside(path)
    try:
        with memoryview(data) as view:
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
        os.close(fd)
        fd = -1
        # rename is atomic: readers see the old file or the whole new one. No fsync: it cost
        # ~15 ms a file, and a batch survives a crash anyway through --skip-existing.
        os.replace(temp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(temp).unlink(missing_ok=True)
        raise


# A temporary file as tempfile.mkstemp makes one (created only if new, mode 0600: the output
# keeps it), named by this process and a counter rather than drawn at random: mkstemp's name
# and checks cost as much as the file itself (a batch writes thousands).
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_temp_numbers = itertools.count()


def _temporary_beside(path: Path) -> tuple[int, str]:
    temp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_temp_numbers)}.tmp")
    try:
        return os.open(temp, _TEMP_FLAGS, 0o600), temp
    except FileExistsError:  # left by an earlier process of the same id
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def render_json(result: Result) -> bytes:
    return (_indented(result.to_dict()) + "\n").encode("utf-8")


# json.dumps(indent=...) runs the pure-Python encoder, 5x slower than the C one that compact
# output uses; the indented layout is built here instead, with the C encoder for the leaves.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _indented(value, indent: str = "\n") -> str:
    """JSON indented by two spaces, as json.dumps(indent=2) gives, except that a list of plain
    values (a bbox) stays on one line."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        return "{" + ",".join(f"{inner}{_compact(str(k))}: {_indented(v, inner)}" for k, v in value.items()) + indent + "}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value):
        return "[" + ",".join(inner + _indented(v, inner) for v in value) + indent + "]"
    return _compact(value)


def render_jsonl(result: Result) -> bytes:
    return (json.dumps(result.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")


CSV_COLUMNS = ["file", "document", "doc_type", "field", "value", "raw", "valid", "confidence", "page", "bbox", "source"]


def render_csv(result: Result, header: bool = True) -> bytes:
    """One row per field of every document: the flat view spreadsheets want."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for number, document in enumerate(result.documents, start=1):
        for field_id, f in document.fields.items():
            bbox = " ".join(map(str, f.bbox)) if f.bbox else ""
            writer.writerow(
                [result.source["path"], number, document.doc_type, field_id, f.value or "", f.raw or "",
                 str(f.valid).lower(), f.confidence, f.page or "", bbox, f.source or ""]
            )
    return buffer.getvalue().encode("utf-8")


RENDERERS = {"json": render_json, "jsonl": render_jsonl, "csv": render_csv}
SUFFIX = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv"}


def draw_overlay(image, document_fields: list[tuple[str, FieldResult]]):
    """The page with each located field's box and id drawn: green valid, red invalid."""
    from PIL import ImageDraw, ImageFont

    canvas = image.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    size = max(14, canvas.height // 90)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    for field_id, f in document_fields:
        if not f.bbox:
            continue
        colour = (0, 160, 0) if f.valid else (220, 0, 0)
        draw.rectangle(f.bbox, outline=colour, width=max(2, size // 6))
        draw.text((f.bbox[0], max(0, f.bbox[1] - size - 2)), field_id, fill=colour, font=font)
    return canvas


class BatchWriter:
    """Where each input's result goes: `<stem>.<fmt>` in the output directory (`<name>.<fmt>`
    when two inputs share a stem), or standard output for `-`."""

    def __init__(self, out: str, fmt: str, inputs: list[Path], overlay: bool = False):
        self.to_stdout = out == "-"
        self.directory = Path(out)
        self.fmt, self.overlay = fmt, overlay
        stems: dict[str, int] = {}
        for path in inputs:
            stems[path.stem] = stems.get(path.stem, 0) + 1
        self._clashing = {stem for stem, count in stems.items() if count > 1}
        self._csv_header_done = False

    def target(self, path: Path) -> Path:
        base = path.name if path.stem in self._clashing else path.stem
        return self.directory / (base + SUFFIX[self.fmt])

    def exists(self, path: Path) -> bool:
        return not self.to_stdout and self.target(path).exists()

    def describe(self) -> str:
        return "standard output" if self.to_stdout else str(self.directory)

    def write(self, path: Path, result: Result, pipeline) -> str:
        if self.to_stdout:
            if self.fmt == "csv":
                data = render_csv(result, header=not self._csv_header_done)
                self._csv_header_done = True
            else:
                data = RENDERERS[self.fmt](result)
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return "stdout"
        target = self.target(path)
        write_atomic(target, RENDERERS[self.fmt](result))
        if self.overlay:
            self._write_overlays(target, result, pipeline)
        return str(target)

    def _write_overlays(self, target: Path, result: Result, pipeline) -> None:
        from .sources import open_source, upright_raster

        source = open_source(Path(result.source["path"]), password=pipeline.options.password,
                             max_pixels=pipeline.options.max_pixels)
        for page in result.pages:
            fields = [(fid, f) for d in result.documents for fid, f in d.fields.items() if f.page == page.page]
            image = upright_raster(source, page.page, page.dpi, page.rotation)
            buffer = io.BytesIO()
            draw_overlay(image, fields).save(buffer, format="PNG")
            stem = target.name[: -len(SUFFIX[self.fmt])]
            write_atomic(target.with_name(f"{stem}.p{page.page}.png"), buffer.getvalue())
