"""Document types as data: one TOML file each, built in or dropped into --doctypes-dir.

A file names the type, the phrases that identify its pages, and its fields:
labels to anchor on, the value pattern, how to normalise and validate, and the
questions/prompts that the VLM backends ask. See snils.toml for a commented one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from ..errors import UsageError
from ..fields.normalize import NORMALIZERS
from ..fields.validate import VALIDATORS

BUILTIN_DIR = Path(__file__).parent
STRATEGIES = ("label", "top_lines", "lines_after")
PICKS = ("first", "last", "largest")
DEFAULT_PIXEL_BUDGET = 1280 * 28 * 28  # about a megapixel: enough for an ID card's print


@dataclass(frozen=True)
class FieldSpec:
    id: str
    labels: tuple[str, ...] = ()
    pattern: str | None = None  # a value must match this (searched in the text near the label)
    normalize: str = "text"
    validate: str = "text"
    validate_params: dict = field(default_factory=dict)
    strategy: str = "label"
    lines: int = 1  # rows a value may span
    anywhere: bool = False  # with no label found, take a pattern match from anywhere on the page
    pick: str = "first"  # which pattern match on a row: first, last or the largest amount
    exclude: tuple[str, ...] = ()  # patterns cut out of the value (a date printed before a place)
    group: str | None = None  # several fields printed after one label, e.g. Ф.И.О.
    index: int = 0  # this field's word in its group
    vertical: bool = False  # may run vertically along a page edge
    after: str | None = None  # lines_after: the field whose rows this one follows
    stop: str | None = None  # lines_after / top_lines: a row matching this ends the value
    prefer: str | None = None  # top_lines: a row matching this is the value
    skip: str | None = None  # top_lines: rows matching this are never the value
    section: tuple[str, ...] = ()  # headers of the block the field belongs to ("Продавец")
    section_labels: tuple[str, ...] = ()  # labels that count only inside that block ("ИНН")
    question: str = ""
    prompts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GroupSpec:
    id: str
    labels: tuple[str, ...]
    lines: int = 3


@dataclass(frozen=True)
class DocType:
    id: str
    title: str
    keywords: tuple[tuple[str, float], ...]
    min_score: float
    max_pages: int  # pages one document can span; 1 means every page is its own document
    fields: tuple[FieldSpec, ...]
    groups: tuple[GroupSpec, ...] = ()
    stop_labels: tuple[str, ...] = ()  # printed text that ends any value (headings, captions)
    first_page: tuple[re.Pattern, ...] = ()  # what opens a document (its title), on folded text
    patterns: tuple[tuple[re.Pattern, float], ...] = ()  # classify: weighted value shapes, on the text as read
    prompts: dict = field(default_factory=dict)
    ocr_lang: str | None = None  # the language of its values, for re-reading one that failed
    pixel_budget: int = DEFAULT_PIXEL_BUDGET  # largest image (in pixels) a vision-language model is shown
    path: Path | None = None

    @property
    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]

    def field(self, field_id: str) -> FieldSpec:
        return next(f for f in self.fields if f.id == field_id)


def load_doctypes(extra_dir: Path | None = None) -> dict[str, DocType]:
    """Built-in types, then the user's (a user file with a built-in id replaces it)."""
    paths = sorted(BUILTIN_DIR.glob("*.toml"))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise UsageError(f"--doctypes-dir {extra_dir}: not a directory")
        paths += sorted(extra_dir.glob("*.toml"))
    doctypes = {}
    for path in paths:
        doctype = load_doctype(path)
        doctypes[doctype.id] = doctype
    return doctypes


def load_doctype(path: Path) -> DocType:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"doc type file {path}: {exc}") from None
    try:
        return _build(data, path)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise UsageError(f"doc type file {path}: {exc}") from None


def _build(data: dict, path: Path) -> DocType:
    classify = data.get("classify", {})
    fields = []
    for raw in data["fields"]:
        raw = dict(raw)
        unknown = set(raw) - set(FieldSpec.__dataclass_fields__) - {"validate_params"}
        if unknown:
            raise ValueError(f"field {raw.get('id')!r}: unknown keys {sorted(unknown)}")
        for key in ("labels", "exclude", "section", "section_labels"):
            raw[key] = tuple(raw.get(key, ()))
        spec = FieldSpec(**raw)
        _check_field(spec)
        fields.append(spec)
    groups = tuple(
        GroupSpec(g["id"], tuple(g["labels"]), g.get("lines", 3)) for g in data.get("groups", [])
    )
    known_groups = {g.id for g in groups}
    for spec in fields:
        if spec.group and spec.group not in known_groups:
            raise ValueError(f"field {spec.id!r}: group {spec.group!r} is not defined")
    keywords = tuple((k[0], float(k[1])) if isinstance(k, list) else (k, 1.0) for k in classify["keywords"])
    return DocType(
        id=data["id"],
        title=data.get("title", data["id"]),
        keywords=keywords,
        min_score=float(classify.get("min_score", 2.0)),
        max_pages=int(data.get("max_pages", 1)),
        first_page=tuple(re.compile(p) for p in classify.get("first_page", ())),
        patterns=tuple((re.compile(p), float(w)) for p, w in classify.get("patterns", ())),
        fields=tuple(fields),
        groups=groups,
        stop_labels=tuple(data.get("stop_labels", ())),
        prompts=dict(data.get("prompts", {})),
        ocr_lang=data.get("ocr_lang"),
        pixel_budget=int(data.get("pixel_budget", DEFAULT_PIXEL_BUDGET)),
        path=path,
    )


def _check_field(spec: FieldSpec) -> None:
    if spec.normalize not in NORMALIZERS:
        raise ValueError(f"field {spec.id!r}: unknown normaliser {spec.normalize!r}")
    if spec.validate not in VALIDATORS:
        raise ValueError(f"field {spec.id!r}: unknown validator {spec.validate!r}")
    if spec.strategy not in STRATEGIES:
        raise ValueError(f"field {spec.id!r}: strategy must be one of {STRATEGIES}")
    if spec.pick not in PICKS:
        raise ValueError(f"field {spec.id!r}: pick must be one of {PICKS}")
    for pattern in (spec.pattern, spec.stop, spec.prefer, spec.skip, *spec.exclude):
        if pattern is not None:
            re.compile(pattern)
    if bool(spec.section) != bool(spec.section_labels):
        raise ValueError(f"field {spec.id!r}: section and section_labels go together")
    if spec.strategy == "label" and not spec.labels and not spec.group and not spec.anywhere:
        raise ValueError(f"field {spec.id!r}: a label field needs labels, a group or anywhere = true")
