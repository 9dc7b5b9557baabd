"""The review page's data: the files a person checks, their results, corrections and saves.

Two kinds of items: uploads (read by the server's backend through the same queue as /extract,
kept in the workspace folder with the result saved beside them) and results already on disk
(`obligations review output/`: every result JSON below the folders named, beside the source
file it names, found again by its path and checked by its SHA-256).

A correction is normalised and validated by the code a run uses (fields.normalize,
fields.validate, with the document type's settings); the field then reads `source: "user"` and
keeps what the machine said in `machine_value` (with `machine_source`, `machine_confidence`).
Saving writes the whole result atomically (results.write_atomic): beside the original as
<stem>.reviewed.json, or over it when asked to. Opening a folder again shows a result's
reviewed file in its place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ObligationsError
from ..fields.normalize import normalize
from ..fields.validate import validate
from ..results import CSV_COLUMNS, write_atomic

log = logging.getLogger("obligations.server")

REVIEWED = ".reviewed.json"
LOW_CONFIDENCE = 0.6
MACHINE_KEYS = ("machine_value", "machine_source", "machine_confidence")


class ReviewError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Entry:
    id: str
    kind: str  # "upload" | "disk"
    name: str
    status: str = "done"  # queued | reading | done | failed
    result: dict | None = None
    source_path: Path | None = None
    json_path: Path | None = None  # the result read (disk) or last saved (upload)
    original_path: Path | None = None  # disk: the run's own file, which a save beside keeps
    pages_done: int = 0
    pages_total: int | None = None
    error: str | None = None
    unsaved: bool = False
    saved_as: str | None = None
    order: int = 0
    password: str | None = None
    images: OrderedDict = field(default_factory=OrderedDict)


class ReviewStore:
    def __init__(self, paths: list[Path] = (), workspace: Path | None = None, doctypes=None,
                 low_confidence: float = LOW_CONFIDENCE, password: str | None = None,
                 max_pixels: int = 120_000_000):
        self.low_confidence = low_confidence
        self.doctypes = doctypes or {}
        self.password = password
        self.max_pixels = max_pixels
        self._workspace = Path(workspace) if workspace else None
        self._temporary = workspace is None
        self._lock = threading.RLock()
        self._items: dict[str, Entry] = {}
        self._order = 0
        for path in paths:
            self.open_path(Path(path))

    # ------------------------------------------------------------------ listing

    def describe_workspace(self) -> str:
        if self._temporary:
            return "a temporary folder, removed when the server stops: download or save results elsewhere to keep them"
        return f"the folder {self._workspace.name!r} named when the server started"

    def listing(self) -> list[dict]:
        with self._lock:
            entries = list(self._items.values())
        return [self.summary(e) for e in sorted(entries, key=self._rank)]

    def _rank(self, entry: Entry) -> tuple:
        if entry.status in ("queued", "reading"):
            return (0, entry.order)
        counts = self.counts(entry)
        if entry.status == "failed" or counts["invalid"]:
            rank = 1
        elif counts["to_review"]:
            rank = 2
        elif counts["low_confidence"]:
            rank = 3
        else:
            rank = 4
        return (rank, -counts["invalid"], -counts["to_review"], -counts["low_confidence"], entry.order)

    def counts(self, entry: Entry) -> dict:
        counts = {"fields": 0, "found": 0, "invalid": 0, "low_confidence": 0, "to_review": 0, "corrected": 0}
        for document in (entry.result or {}).get("documents", []):
            for f in document.get("fields", {}).values():
                counts["fields"] += 1
                user = f.get("source") == "user"
                counts["corrected"] += user
                if f.get("value") is None:
                    continue
                counts["found"] += 1
                counts["invalid"] += f.get("valid") is False
                if not user:
                    counts["low_confidence"] += (f.get("confidence") or 0) < self.low_confidence
                    counts["to_review"] += bool(f.get("review"))
        return counts

    def summary(self, entry: Entry) -> dict:
        result = entry.result or {}
        return {
            "id": entry.id, "name": entry.name, "kind": entry.kind, "status": entry.status,
            "pages_done": entry.pages_done, "pages_total": entry.pages_total, "error": entry.error,
            "doc_types": [d.get("doc_type", "unknown") for d in result.get("documents", [])],
            "counts": self.counts(entry), "has_source": entry.source_path is not None,
            "unsaved": entry.unsaved, "saved_as": entry.saved_as,
        }

    def get(self, item_id: str) -> Entry:
        with self._lock:
            entry = self._items.get(item_id)
        if entry is None:
            raise ReviewError(404, f"no item {item_id!r} (the server may have restarted: reload the page)")
        return entry

    def result(self, item_id: str) -> dict:
        entry = self.get(item_id)
        if entry.result is None:
            raise ReviewError(409, f"{entry.name} has no result yet ({entry.status})")
        return entry.result

    def _add(self, entry: Entry) -> Entry:
        with self._lock:
            self._order += 1
            entry.order = self._order
            self._items[entry.id] = entry
        return entry

    # ------------------------------------------------------------------ results on disk

    def open_path(self, path: Path) -> int:
        """Every result JSON at or below `path`; how many were added."""
        path = path.expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if not p.name.endswith(REVIEWED)
                           and not p.name.startswith("."))
            root = path
        elif path.is_file():
            files, root = [path], path.parent
        else:
            raise ObligationsError(f"{path}: no such file or folder")
        added = 0
        for file in files:
            if file.name.endswith(REVIEWED):  # a reviewed file named itself: its original is the item
                original = file.with_name(file.name[: -len(REVIEWED)] + ".json")
                file = original if original.exists() else file
            entry = self._disk_entry(file, root)
            if entry is not None:
                self._add(entry)
                added += 1
        return added

    def _disk_entry(self, original: Path, root: Path) -> Entry | None:
        reviewed = original.with_name(original.name[: -len(".json")] + REVIEWED)
        current = reviewed if reviewed.exists() and reviewed != original else original
        try:
            result = json.loads(current.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("review: %s is not readable JSON (%s); left out", current, exc)
            return None
        if not isinstance(result, dict) or "documents" not in result or "pages" not in result:
            return None  # not an obligations result (a ground-truth file, a config)
        try:
            name = str(original.relative_to(root))
        except ValueError:
            name = original.name
        entry = Entry(id=_item_id(original), kind="disk", name=name, result=result, json_path=current,
                      original_path=original, password=self.password)
        if current != original:
            entry.saved_as = current.name
        entry.source_path = _find_source(result.get("source") or {}, original, root)
        return entry

    # ------------------------------------------------------------------ uploads

    def workspace(self) -> Path:
        with self._lock:
            if self._workspace is None:
                self._workspace = Path(tempfile.mkdtemp(prefix="obligations-review-"))
            self._workspace.mkdir(parents=True, exist_ok=True)
            return self._workspace

    def add_upload(self, filename: str, data: bytes) -> Entry:
        name = _safe_name(filename)
        item_id = uuid.uuid4().hex[:12]
        folder = self.workspace() / item_id
        folder.mkdir()
        path = folder / name
        path.write_bytes(data)
        return self._add(Entry(id=item_id, kind="upload", name=name, status="queued", source_path=path,
                               password=self.password))

    def close(self) -> None:
        if self._temporary and self._workspace is not None:
            shutil.rmtree(self._workspace, ignore_errors=True)

    # ------------------------------------------------------------------ corrections

    def edit(self, item_id: str, doc_index: int, field_id: str, value: str | None, accept: bool = False,
             revert: bool = False) -> tuple[dict, str | None, Entry]:
        entry = self.get(item_id)
        with self._lock:
            result = self.result(item_id)
            documents = result.get("documents", [])
            if not 0 <= doc_index < len(documents):
                raise ReviewError(404, f"{entry.name} has {len(documents)} document(s), no document {doc_index + 1}")
            document = documents[doc_index]
            fields = document.setdefault("fields", {})
            if field_id not in fields:
                raise ReviewError(404, f"document {doc_index + 1} ({document.get('doc_type')}) has no field "
                                       f"{field_id!r}")
            f = fields[field_id]
            spec = self._spec(document.get("doc_type"), field_id)
            warning = None
            if revert:
                if "machine_value" in f:
                    f["value"] = f.pop("machine_value")
                    f["source"] = f.pop("machine_source", None)
                    f["confidence"] = f.pop("machine_confidence", f.get("confidence"))
                    f["valid"], warning = _check(spec, f["value"])
            else:
                if "machine_value" not in f:
                    f["machine_value"] = f.get("value")
                    f["machine_source"] = f.get("source")
                    f["machine_confidence"] = f.get("confidence")
                if accept:
                    f["valid"], warning = _check(spec, f.get("value"))
                else:
                    typed = " ".join(value.split()) if isinstance(value, str) else None
                    typed = typed or None
                    normalised = _normalise(spec, typed)
                    f["value"] = normalised if normalised is not None else typed
                    if typed is not None and normalised is None:
                        f["valid"], warning = False, f"{typed!r} does not read as {spec[0] if spec else 'a value'}"
                    else:
                        f["valid"], warning = _check(spec, f["value"])
                    if f.get("page") is None and f["value"] is not None and document.get("pages"):
                        f["page"] = document["pages"][0]
                f["source"] = "user"
                f["confidence"] = 1.0
            entry.unsaved = True
        return f, warning, entry

    def _spec(self, doc_type: str | None, field_id: str) -> tuple | None:
        doctype = self.doctypes.get(doc_type or "")
        if doctype is None:
            return None
        try:
            spec = doctype.field(field_id)
        except StopIteration:
            return None
        return spec.normalize, spec.validate, dict(spec.validate_params)

    # ------------------------------------------------------------------ saving and export

    def save(self, item_id: str, overwrite: bool = False) -> Entry:
        entry = self.get(item_id)
        with self._lock:
            result = self.result(item_id)
            if entry.kind == "upload":
                assert entry.source_path is not None
                target = entry.source_path.with_name(_stem(entry.source_path.name) + ".json")
            elif overwrite:
                target = entry.original_path
            else:
                target = entry.original_path.with_name(entry.original_path.name[: -len(".json")] + REVIEWED)
            data = (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        try:
            write_atomic(target, data)
        except OSError as exc:
            raise ReviewError(500, f"cannot write {target.name}: {exc.strerror or type(exc).__name__}") from None
        with self._lock:
            entry.json_path = target
            entry.saved_as = target.name
            entry.unsaved = False
        log.info("review: saved %s", target)
        return entry

    def export(self, item_id: str, fmt: str) -> tuple[bytes, str, str]:
        entry = self.get(item_id)
        result = self.result(item_id)
        stem = _stem(Path(entry.name).name)
        if fmt == "json":
            return ((json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                    "application/json", f"{stem}.json")
        if fmt == "csv":
            return _csv(result), "text/csv; charset=utf-8", f"{stem}.csv"
        raise ReviewError(422, f"unknown format {fmt!r}: use json or csv")

    # ------------------------------------------------------------------ page images

    def page_image(self, item_id: str, page_number: int) -> bytes:
        """The page as a JPEG of exactly the size its boxes refer to (pages[] width x height)."""
        entry = self.get(item_id)
        result = self.result(item_id)
        page = next((p for p in result.get("pages", []) if p.get("page") == page_number), None)
        if page is None:
            raise ReviewError(404, f"{entry.name} has no page {page_number} in its result")
        if entry.source_path is None or not entry.source_path.exists():
            raise ReviewError(404, f"the source file of {entry.name} was not found beside its result")
        key = (page_number, page.get("width"), page.get("height"), page.get("rotation", 0))
        with self._lock:
            cached = entry.images.get(key)
        if cached is not None:
            return cached
        from PIL import Image

        from ..sources import open_source, upright_raster

        try:
            source = open_source(entry.source_path, {page_number}, entry.password, self.max_pixels)
            image = upright_raster(source, page_number, page.get("dpi"), page.get("rotation") or 0)
        except ObligationsError as exc:
            raise ReviewError(422, exc.reason if exc.reason != exc.message else "the source file cannot be read") \
                from None
        size = (int(page.get("width") or image.width), int(page.get("height") or image.height))
        if image.size != size:  # the boxes' frame is what counts
            image = image.resize(size, Image.Resampling.BILINEAR)
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82)
        data = buffer.getvalue()
        with self._lock:
            entry.images[key] = data
            while len(entry.images) > 4:
                entry.images.popitem(last=False)
        return data


# ---------------------------------------------------------------------- helpers


def _normalise(spec: tuple | None, typed: str | None) -> str | None:
    if typed is None:
        return None
    kind = spec[0] if spec else "text"
    try:
        return normalize(kind, typed)
    except ValueError:  # a kind this version does not know
        return typed


def _check(spec: tuple | None, value: str | None) -> tuple[bool | None, str | None]:
    if value is None:
        return None, None
    kind, params = (spec[1], spec[2]) if spec else ("text", {})
    try:
        check = validate(kind, value, **params)
    except (ValueError, TypeError):
        return None, None
    return check.valid, check.warning


def _csv(result: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, "machine_value"])
    path = (result.get("source") or {}).get("path", "")
    for number, document in enumerate(result.get("documents", []), start=1):
        for field_id, f in document.get("fields", {}).items():
            bbox = " ".join(map(str, f["bbox"])) if f.get("bbox") else ""
            valid = f.get("valid")
            writer.writerow([path, number, document.get("doc_type"), field_id, f.get("value") or "",
                             f.get("raw") or "", "" if valid is None else str(valid).lower(), f.get("confidence"),
                             f.get("page") or "", bbox, f.get("source") or "",
                             f.get("machine_value") or "" if "machine_value" in f else ""])
    return buffer.getvalue().encode("utf-8")


def _item_id(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def _safe_name(filename: str | None) -> str:
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[^\w.\-() ]+", "_", name).strip(" .")[:120]
    return name or "upload"


def _find_source(source: dict, result_file: Path, root: Path) -> Path | None:
    """The input a result was read from: by the path it records (absolute, from where the run
    started, beside the result, below the folder opened), the same bytes as its SHA-256 says."""
    recorded = source.get("path")
    if not recorded:
        return None
    recorded_path = Path(recorded)
    candidates = [recorded_path] if recorded_path.is_absolute() else [
        Path.cwd() / recorded_path, result_file.parent / recorded_path, root / recorded_path,
        root.parent / recorded_path]
    candidates += [result_file.parent / recorded_path.name, root / recorded_path.name]
    digest = source.get("sha256")
    seen = set()
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved in seen or not resolved.is_file():
            continue
        seen.add(resolved)
        if digest and _sha256(resolved) != digest:
            continue
        return resolved
    return None


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
