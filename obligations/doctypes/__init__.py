"""Document types as data: one TOML file each, built in or dropped into --doctypes-dir.

A file names the type, the phrases that identify its pages, and its fields:
labels to anchor on, the value pattern, how to normalise and validate, and the
questions/prompts that the VLM backends ask. See snils.toml for a commented one.

Every file is checked against the schema below as it loads: a misspelt key (at any level),
a value of the wrong type, a pattern that is not a regular expression or an unknown
normaliser/validator is a UsageError (exit code 2) naming the file, the field and the key.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from ..errors import UsageError
from ..fields.mrz import ELEMENTS as MRZ_ELEMENTS
from ..fields.normalize import NORMALIZERS
from ..fields.validate import VALIDATORS

BUILTIN_DIR = Path(__file__).parent
STRATEGIES = ("label", "top_lines", "lines_after")
PICKS = ("first", "last", "largest")
DEFAULT_PIXEL_BUDGET = 1280 * 28 * 28  # about a megapixel: enough for an ID card's print
# Model families a field's `prompts.<family>` may name (catalog families, and "qwen" for any
# Qwen model, local or remote).
PROMPT_FAMILIES = ("qwen", "qwen2-vl", "qwen2.5-vl", "qwen3-vl", "got-ocr2", "deepseek-ocr", "dots-ocr")


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
    exclude: tuple[str, ...] = ()  # patterns cut out of the value (a date before a place), or never matched
    group: str | None = None  # several fields printed after one label, e.g. Ф.И.О.
    index: int = 0  # this field's word in its group
    vertical: bool = False  # may run vertically along a page edge
    after: str | None = None  # lines_after: the field whose rows this one follows
    above: str | None = None  # with no label found: the rows right above this field's (fields/positional.py)
    beside: str | None = None  # a date with its label lost: the one on this field's value's row (fields/chronology.py)
    letterhead: bool = False  # with no label found: read from the rows over the document's title (a bill's supplier)
    tax_office_of: str | None = None  # a KPP: the INN field whose region code its own repeats (fields.tax_office)
    stop: str | None = None  # lines_after / top_lines: a row matching this ends the value
    prefer: str | None = None  # top_lines: a row matching this is the value
    skip: str | None = None  # top_lines: rows matching this are never the value
    section: tuple[str, ...] = ()  # headers of the block the field belongs to ("Продавец")
    section_labels: tuple[str, ...] = ()  # labels that count only inside that block ("ИНН")
    words: tuple[str, ...] = ()  # words its values print, read back where OCR misread a letter (fields.spelling)
    mrz: str | None = None  # the element of the document's machine-readable zone that repeats it (fields.mrz)
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
    chronology: tuple[str, ...] = ()  # date fields, earliest event first (fields/chronology.py)
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
        _check_file(data)
        return _build(data, path)
    except _SchemaError as exc:
        raise UsageError(f"doc type file {path}: {exc}") from None
    except (KeyError, TypeError, ValueError, re.error) as exc:  # what the schema does not catch
        raise UsageError(f"doc type file {path}: {exc}") from None


# ---------------------------------------------------------------------- the schema
#
# A hand-written schema (key -> kind) rather than pydantic: every `obligations run` loads the
# doc types, and importing pydantic and defining one model costs 95-140 ms here (a tenth of a
# second of start-up on each run) against 0.6 ms for this check of the five built-in files; it
# would also make the server extra's dependency a core one.

_COUNT, _INDEX, _NUMBER, _BOOL, _STR = "count", "index", "number", "bool", "str"
_STRS, _REGEX, _REGEXES, _TABLE, _TABLES = "strs", "regex", "regexes", "table", "tables"
_KEYWORDS, _WEIGHTED = "keywords", "weighted regexes"

_TOP = {
    "id": _STR, "title": _STR, "max_pages": _COUNT, "pixel_budget": _COUNT, "stop_labels": _STRS,
    "ocr_lang": _STR, "classify": _TABLE, "prompts": _TABLE, "groups": _TABLES, "fields": _TABLES,
    "chronology": _STRS,
}
_CLASSIFY = {"keywords": _KEYWORDS, "min_score": _NUMBER, "first_page": _REGEXES, "patterns": _WEIGHTED}
_DOC_PROMPTS = {"system": _STR}
_GROUP = {"id": _STR, "labels": _STRS, "lines": _COUNT}
_FIELD = {
    "id": _STR, "labels": _STRS, "pattern": _REGEX, "normalize": _STR, "validate": _STR,
    "validate_params": _TABLE, "strategy": _STR, "lines": _COUNT, "anywhere": _BOOL, "pick": _STR,
    "exclude": _REGEXES, "group": _STR, "index": _INDEX, "vertical": _BOOL, "after": _STR, "above": _STR, "beside": _STR, "letterhead": _BOOL, "tax_office_of": _STR,
    "stop": _REGEX,
    "prefer": _REGEX, "skip": _REGEX, "section": _STRS, "section_labels": _STRS, "words": _STRS, "question": _STR,
    "prompts": _TABLE, "mrz": _STR,
}
_FIELD_PROMPTS = dict.fromkeys(PROMPT_FAMILIES, _STR)
_REQUIRED = {"top": ("id", "classify", "fields"), "classify": ("keywords",), "group": ("id", "labels"),
             "field": ("id",)}
_EXPECTED = {
    _COUNT: "a whole number of 1 or more", _INDEX: "a whole number of 0 or more", _NUMBER: "a number",
    _BOOL: "true or false", _STR: "a string", _STRS: "a list of strings", _REGEX: "a regular expression (a string)",
    _REGEXES: "a list of regular expressions", _TABLE: "a table", _TABLES: "an array of tables ([[...]])",
    _KEYWORDS: 'a list of phrases or [phrase, weight] pairs', _WEIGHTED: "a list of [regular expression, weight] pairs",
}


class _SchemaError(Exception):
    pass


class _BadRegex(Exception):
    def __init__(self, text: str, error: re.error):
        super().__init__(f"{text!r} is not a valid regular expression ({error})")


def _check_file(data: dict) -> None:
    _check_table(data, _TOP, "", _REQUIRED["top"])
    _check_table(data["classify"], _CLASSIFY, "[classify] ", _REQUIRED["classify"])
    _check_table(data.get("prompts", {}), _DOC_PROMPTS, "[prompts] ")
    for number, group in enumerate(data.get("groups", []), 1):
        _check_table(group, _GROUP, f"group {group.get('id', f'#{number}')!r}: ", _REQUIRED["group"])
    seen = set()
    for number, raw in enumerate(data["fields"], 1):
        where = f"field {raw.get('id', f'#{number}')!r}: "
        _check_table(raw, _FIELD, where, _REQUIRED["field"])
        if raw["id"] in seen:
            raise _SchemaError(f"field {raw['id']!r} is defined twice")
        seen.add(raw["id"])
        _check_table(raw.get("prompts", {}), _FIELD_PROMPTS, f"{where}prompts: ")
        _check_choice(raw, "normalize", NORMALIZERS, "normaliser", where)
        _check_choice(raw, "validate", VALIDATORS, "validator", where)
        _check_choice(raw, "strategy", STRATEGIES, "strategy", where)
        _check_choice(raw, "pick", PICKS, "pick", where)
        _check_choice(raw, "mrz", MRZ_ELEMENTS, "machine-readable zone element", where)
        _check_validate_params(raw, where)


def _check_table(table: dict, schema: dict, where: str, required: tuple[str, ...] = ()) -> None:
    for key, value in table.items():
        if key not in schema:
            raise _SchemaError(f"{where}unknown key {key!r}{_did_you_mean(key, schema)}")
        try:
            problem = _type_problem(value, schema[key])
        except _BadRegex as exc:
            raise _SchemaError(f"{where}key {key!r}: {exc}") from None
        if problem:
            raise _SchemaError(f"{where}key {key!r} must be {_EXPECTED[schema[key]]}, not {problem}")
    for key in required:
        if key not in table:
            raise _SchemaError(f"{where}missing key {key!r}")


def _type_problem(value, kind: str) -> str | None:
    """What is wrong with `value` as a `kind` (None: nothing)."""
    def shown(v) -> str:
        return f"{type(v).__name__} {v!r}" if not isinstance(v, (dict, list)) else type(v).__name__

    def regex(v) -> str | None:
        if not isinstance(v, str):
            return shown(v)
        try:
            re.compile(v)
        except re.error as exc:
            raise _BadRegex(v, exc) from None
        return None

    def number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if kind == _STR:
        return None if isinstance(value, str) else shown(value)
    if kind == _BOOL:
        return None if isinstance(value, bool) else shown(value)
    if kind in (_COUNT, _INDEX):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= (1 if kind == _COUNT else 0)
        return None if ok else shown(value)
    if kind == _NUMBER:
        return None if number(value) else shown(value)
    if kind == _TABLE:
        return None if isinstance(value, dict) else shown(value)
    if kind == _REGEX:
        return regex(value)
    if not isinstance(value, list):
        return shown(value)
    for item in value:
        if kind == _TABLES and not isinstance(item, dict):
            return f"a list holding {shown(item)}"
        if kind == _STRS and not isinstance(item, str):
            return f"a list holding {shown(item)}"
        if kind == _REGEXES and regex(item):
            return f"a list holding {shown(item)}"
        if kind == _KEYWORDS and not (isinstance(item, str) or (
                isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and number(item[1]))):
            return f"a list holding {shown(item) if not isinstance(item, list) else repr(item)}"
        if kind == _WEIGHTED:
            if not (isinstance(item, list) and len(item) == 2 and number(item[1])):
                return f"a list holding {shown(item) if not isinstance(item, list) else repr(item)}"
            if regex(item[0]):
                return f"a list holding {shown(item[0])}"
    return None


def _check_choice(raw: dict, key: str, known, what: str, where: str) -> None:
    if key in raw and raw[key] not in known:
        raise _SchemaError(f"{where}key {key!r}: unknown {what} {raw[key]!r}{_did_you_mean(raw[key], known)}; "
                           f"known: {', '.join(sorted(known))}")


def _check_validate_params(raw: dict, where: str) -> None:
    """validate_params: the keyword arguments of the field's validator, each of its default's type."""
    params = raw.get("validate_params", {})
    parameters = inspect.signature(VALIDATORS[raw.get("validate", "text")]).parameters
    known = {name: p for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY or
             (p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty)}
    validator = raw.get("validate", "text")
    for key, value in params.items():
        if key not in known:
            choices = ", ".join(known) or "none"
            raise _SchemaError(f"{where}validate_params: unknown key {key!r}{_did_you_mean(key, known)} "
                               f"for validator {validator!r} (its keys: {choices})")
        default = known[key].default
        if isinstance(default, bool):
            problem = _type_problem(value, _BOOL)
            expected = _EXPECTED[_BOOL]
        elif isinstance(default, int):
            problem = None if isinstance(value, int) and not isinstance(value, bool) else repr(value)
            expected = "a whole number"
        else:
            continue
        if problem:
            raise _SchemaError(f"{where}validate_params: key {key!r} must be {expected}, not {problem}")


def _did_you_mean(key, known) -> str:
    import difflib  # only on a mistake

    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------------- building


def _build(data: dict, path: Path) -> DocType:
    classify = data.get("classify", {})
    fields = []
    for raw in data["fields"]:
        raw = dict(raw)
        for key in ("labels", "exclude", "section", "section_labels", "words"):
            raw[key] = tuple(raw.get(key, ()))
        spec = FieldSpec(**raw)
        _check_field(spec)
        fields.append(spec)
    groups = tuple(
        GroupSpec(g["id"], tuple(g["labels"]), g.get("lines", 3)) for g in data.get("groups", [])
    )
    known_groups = {g.id for g in groups}
    known_fields = {spec.id for spec in fields}
    for spec in fields:
        if spec.group and spec.group not in known_groups:
            raise ValueError(f"field {spec.id!r}: key 'group': group {spec.group!r} is not defined")
        for key in ("after", "above", "beside", "tax_office_of"):
            if getattr(spec, key) and getattr(spec, key) not in known_fields:
                raise ValueError(f"field {spec.id!r}: key {key!r}: field {getattr(spec, key)!r} is not defined")
    for field_id in data.get("chronology", ()):
        if field_id not in known_fields:
            raise ValueError(f"key 'chronology': field {field_id!r} is not defined")
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
        chronology=tuple(data.get("chronology", ())),
        prompts=dict(data.get("prompts", {})),
        ocr_lang=data.get("ocr_lang"),
        pixel_budget=int(data.get("pixel_budget", DEFAULT_PIXEL_BUDGET)),
        path=path,
    )


def _check_field(spec: FieldSpec) -> None:
    """What the schema cannot say: keys that go together."""
    if bool(spec.section) != bool(spec.section_labels):
        raise ValueError(f"field {spec.id!r}: keys 'section' and 'section_labels' go together")
    if spec.strategy == "label" and not spec.labels and not spec.group and not spec.anywhere:
        raise ValueError(f"field {spec.id!r}: a label field needs labels, a group or anywhere = true")
