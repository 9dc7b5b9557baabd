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
from typing import TYPE_CHECKING

from . import SCHEMA_VERSION
from .backends.base import BackendInfo, PageText
from .errors import UsageError
from .fields.locate import Found

if TYPE_CHECKING:
    from .sources import Inputs


@dataclass
class FieldResult:
    value: str | None
    raw: str | None
    valid: bool | None  # None: no value to check
    confidence: float
    page: int | None
    bbox: list[int] | None
    source: str | None
    # A second reading's opinion (--verify-with, or OCR of a text layer whose values fail their
    # checks): each reading's {value, valid}, whether they agree, whether a person should look.
    # Absent from the output where there was no second reading.
    votes: dict | None = None
    agreement: bool | None = None
    review: bool | None = None

    @classmethod
    def from_found(cls, found: Found) -> "FieldResult":
        return cls(
            value=found.value,
            raw=found.raw,
            valid=found.valid if found.value is not None else None,
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
                 "fields": {k: _field_dict(f) for k, f in d.fields.items()}}
                for d in self.documents
            ],
            "pages": [dict(vars(p)) for p in self.pages],
            "timing_s": {k: [dict(v) for v in value] if k == "per_page" else value
                         for k, value in self.timing_s.items()},
            "warnings": list(self.warnings),
        }

    def to_review(self) -> int:
        """Fields a second reading disagreed on (or whose answer it changed)."""
        return sum(bool(f.review) for d in self.documents for f in d.fields.values())

    def summary(self) -> tuple[int, int, int]:
        """(fields found, found and valid, fields in all)"""
        values = [f for d in self.documents for f in d.fields.values()]
        found = [f for f in values if f.value is not None]
        return len(found), sum(f.valid for f in found), len(values)


_SECOND_OPINION = ("votes", "agreement", "review")


def _field_dict(field: FieldResult) -> dict:
    data = {**vars(field), "bbox": list(field.bbox) if field.bbox is not None else None}
    if field.votes is None:
        for key in _SECOND_OPINION:
            del data[key]
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """`data` in `path`, whole or not at all, with the permissions any file the user writes
    gets (0666 less the umask)."""
    # The temporary file's name is known before it is made: an interrupt (Ctrl-C, SIGTERM)
    # arriving just after it was made still finds it to remove.
    temp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_temp_numbers)}.tmp")
    fd = -1
    try:
        try:
            fd, temp = _temporary(temp, path)
        except FileNotFoundError:  # no folder yet
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = _temporary(temp, path)
        with memoryview(data) as view:
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
        os.fchmod(fd, FILE_MODE)
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


def _file_mode() -> int:
    umask = os.umask(0o022)  # reading the umask means setting it: put straight back
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()

# A temporary file as tempfile.mkstemp makes one (created only if new, mode 0600 until it is
# whole, then FILE_MODE), named by this process and a counter rather than drawn at random: mkstemp's name
# and checks cost as much as the file itself (a batch writes thousands).
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_temp_numbers = itertools.count()


def _temporary(temp: str, path: Path) -> tuple[int, str]:
    """The temporary file `temp` beside `path`, opened new; another if that name is taken."""
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
                 "" if f.valid is None else str(f.valid).lower(), f.confidence, f.page or "", bbox, f.source or ""]
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
    """Where each input's result goes: OUT/<name>.<fmt>, <name> as `sources.Inputs` names it
    (the input's path below the folder given, by stem), or standard output for `-`: one
    JSON document either way (an array when several inputs go to standard output)."""

    def __init__(self, out: str, fmt: str, inputs: Inputs, overlay: bool = False, force: bool = False):
        self.to_stdout = str(out) == "-"
        self.directory = Path(out)
        self.fmt, self.overlay, self.force = fmt, overlay, force
        self.names = inputs.names
        self._csv_header_done = False
        self._array = self.to_stdout and fmt == "json" and len(inputs.files) > 1
        self._written = 0
        if self.to_stdout and overlay:
            self.directory = Path.cwd()  # overlays only: the results themselves go to standard output

    def target(self, path: Path) -> Path:
        return self.directory / f"{self.names[path]}{SUFFIX[self.fmt]}"

    def exists(self, path: Path) -> bool:
        return not self.to_stdout and self.target(path).exists()

    def describe(self) -> str:
        if self.to_stdout:
            return "standard output" + (f" (overlays in {self.directory})" if self.overlay else "")
        return str(self.directory)

    def check(self, files: list[Path]) -> None:
        """Raise UsageError, before anything is read, if the outputs cannot be written as
        asked: OUT is a file or not writable, two inputs would share an output, or an output
        would replace a file this tool did not write (ground truth beside a synthetic set)
        and `force` is not set."""
        if self.to_stdout and not self.overlay:
            return
        where = self.directory
        if os.path.exists(where) and not os.path.isdir(where):
            raise UsageError(f"-o {where}: is a file, not a folder (give a folder, or - for standard output)")
        existing = next((p for p in [where, *where.parents] if os.path.exists(p)), None)
        if existing is not None and not os.path.isdir(existing):
            raise UsageError(f"-o {where}: {existing} is a file, not a folder")
        if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            raise UsageError(f"-o {where}: cannot write there (permission denied on {existing})")
        if self.to_stdout:
            return
        owners: dict[Path, Path] = {}
        for path in files:
            target = self.target(path)
            if target in owners:
                raise UsageError(f"{owners[target]} and {path} would both be written to {target}: "
                                 "run them into different -o folders")
            owners[target] = path
            if not self.force and target.exists() and not _written_by_us(target, self.fmt):
                raise UsageError(f"{target} exists and was not written by obligations (ground truth?): "
                                 "choose another -o folder, or --force to replace such files")

    def write(self, path: Path, result: Result, pipeline) -> str:
        if self.to_stdout:
            if self.fmt == "csv":
                data = render_csv(result, header=not self._csv_header_done)
                self._csv_header_done = True
            else:
                data = RENDERERS[self.fmt](result)
                if self._array:  # several results: one JSON array, not documents back to back
                    data = (b"[\n" if not self._written else b",\n") + data.rstrip(b"\n")
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            self._written += 1
            if self.overlay:
                self._write_overlays(self.directory / self.names[path], result, pipeline)
            return "stdout"
        target = self.target(path)
        write_atomic(target, RENDERERS[self.fmt](result))
        if self.overlay:
            self._write_overlays(target.with_name(target.name[: -len(SUFFIX[self.fmt])]), result, pipeline)
        return str(target)

    def close(self) -> None:
        """Ends what standard output was given: the array's closing bracket."""
        if self._array:
            sys.stdout.buffer.write(b"\n]\n" if self._written else b"[]\n")
            sys.stdout.flush()

    def _write_overlays(self, base: Path, result: Result, pipeline) -> None:
        """<base>.pN.png for each page."""
        from .sources import open_source, upright_raster

        source = open_source(Path(result.source["path"]), password=pipeline.options.password,
                             max_pixels=pipeline.options.max_pixels)
        for page in result.pages:
            fields = [(fid, f) for d in result.documents for fid, f in d.fields.items() if f.page == page.page]
            image = upright_raster(source, page.page, page.dpi, page.rotation)
            buffer = io.BytesIO()
            draw_overlay(image, fields).save(buffer, format="PNG")
            write_atomic(base.with_name(f"{base.name}.p{page.page}.png"), buffer.getvalue())


def _written_by_us(path: Path, fmt: str) -> bool:
    """Whether `path` starts as this tool's output of format `fmt` does."""
    try:
        with open(path, "rb") as file:
            head = file.read(256)
    except OSError:
        return False
    if fmt == "csv":
        return head.startswith(",".join(CSV_COLUMNS).encode())
    return head.lstrip(b"{ \n").startswith(b'"schema_version"')


class PartialPages:
    """The pages of a multi-page file read so far, kept in OUT/<name>.partial.jsonl until its
    result is written: a run interrupted in a long PDF goes on, when run again, from the pages it
    lacks. A first line names the file's sha256 and the run's reading options (`fingerprint`):
    a changed file, or pages read another way, start again. A line cut short by a kill is
    skipped, its page read again."""

    SUFFIX = ".partial.jsonl"

    def __init__(self, writer: BatchWriter, fingerprint: str):
        self.writer, self.fingerprint = writer, fingerprint

    def _side_file(self, path: Path) -> Path:
        return self.writer.directory / f"{self.writer.names[path]}{self.SUFFIX}"

    def _head(self, source) -> str:
        return json.dumps({"sha256": source.sha256, "reading": self.fingerprint})

    def load(self, path: Path, source) -> list[PageText]:
        try:
            lines = self._side_file(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        if not lines or lines[0] != self._head(source):
            self.drop(path)  # pages of another file or read another way: this run's go in afresh
            return []
        pages: dict[int, PageText] = {}
        for line in lines[1:]:
            try:
                page = page_from_record(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
            if page.page in source.pages:
                pages[page.page] = page
        return sorted(pages.values(), key=lambda p: p.page)

    def add(self, path: Path, source, page: PageText) -> None:
        """Keeps `page`; a page that cannot be kept is only read again if the run is cut short."""
        side = self._side_file(path)
        try:
            line = json.dumps(page_record(page), ensure_ascii=False, default=_plain) + "\n"
            side.parent.mkdir(parents=True, exist_ok=True)
            with open(side, "a", encoding="utf-8") as file:
                if file.tell() == 0:
                    file.write(self._head(source) + "\n")
                file.write(line)
        except (OSError, TypeError, ValueError):
            pass

    def drop(self, path: Path) -> None:
        self._side_file(path).unlink(missing_ok=True)


def page_record(page: PageText) -> dict:
    """A page as read, as plain JSON (PartialPages)."""
    import dataclasses

    def words(items):
        return [[w.text, list(w.bbox), w.conf, w.line] for w in items]

    conditioning = page.conditioning
    return {
        "page": page.page, "width": page.width, "height": page.height, "dpi": page.dpi,
        "text_source": page.text_source, "rotation": page.rotation, "seconds": page.seconds,
        "followed_up": page.followed_up, "words": words(page.words), "reference_words": words(page.reference_words),
        "figures_read_again": [[field_id, list(box), value] for field_id, box, value in page.figures_read_again],
        "conditioning": None if conditioning is None else {
            f.name: getattr(conditioning, f.name) for f in dataclasses.fields(conditioning) if f.init},
        "claimed": None if page.claimed is None else dataclasses.asdict(page.claimed),
    }


def _plain(value):
    """numpy's numbers and arrays as JSON's."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def page_from_record(record: dict) -> PageText:
    from .backends.base import Word

    def tuples(value):
        return tuple(tuples(v) for v in value) if isinstance(value, list) else value

    def words(items):
        return [Word(text, tuple(bbox), conf, tuples(line)) for text, bbox, conf, line in items]

    conditioning = record["conditioning"]
    if conditioning is not None:
        from .reading.condition import Conditioning

        conditioning = Conditioning(**{k: tuples(v) for k, v in conditioning.items()})
    claimed = record.get("claimed")
    if claimed is not None:
        from .classify import Classification

        claimed = Classification(**claimed)
    figures = [(field_id, tuple(box), value) for field_id, box, value in record.get("figures_read_again", [])]
    return PageText(record["page"], record["width"], record["height"], record["dpi"], record["text_source"],
                    words(record["words"]), record["rotation"], record["seconds"], words(record["reference_words"]),
                    record["followed_up"], figures, conditioning, claimed)
