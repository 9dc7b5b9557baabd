"""Benchmark datasets: VLMHyperBench `annotation.csv` folders and `obligations synth` folders.

A VLMHyperBench dataset is a folder with `annotation.csv` (UTF-8 with BOM, `;`, header
`data_index;split;image_path;question;answer;doc_class;question_type;answer_bbox`, one row per
image x question) and the images it names (usually under `images/`; PDFs are allowed too).
A sample's `id` is its row in that file (0-based, header not counted): model answers join on it,
never on `data_index`, which VLMHyperBench repeats for every question of one image.

A folder without `annotation.csv` is read as `obligations synth` writes it: one `<stem>.json`
ground truth per document beside its image. It gives the same rows `synth` writes to its
`annotation.csv`, in file-name order.

VLMHyperBench names doc classes and question types in its own words ("passport",
"Серия и номер паспорта"); `to_doc_type` and `to_field_id` map them to our doc type and
field ids (our ids themselves, the alias tables of obligations.prompts, or a printed label only
one field carries) so that answers can be normalised and validated like our own.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from ..doctypes import DocType, load_doctypes
from ..errors import UsageError

ANNOTATION_FILE = "annotation.csv"
ANNOTATION_COLUMNS = (
    "data_index", "split", "image_path", "question", "answer", "doc_class", "question_type", "answer_bbox",
)
REQUIRED_COLUMNS = ("image_path", "question", "answer", "doc_class", "question_type")
DOCUMENT_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".pdf")

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Sample:
    """One question about one image, with its reference answer."""

    id: int  # row of annotation.csv, 0-based: the key answers join on
    image_path: Path
    question: str
    answer: str
    doc_class: str  # as the dataset spells it ("passport", "СНИЛС")
    question_type: str  # as the dataset spells it ("Фамилия", "last_name")
    field_id: str | None  # our field id, None when the question matches none of the doc type's fields
    doc_type: str | None  # our doc type id, None for a class we do not know
    bbox: BBox | None = None
    split: str = ""


@dataclass
class Dataset:
    """The samples of one dataset folder, in file order."""

    root: Path
    samples: list[Sample] = field(default_factory=list)
    doctypes: Mapping[str, DocType] | None = field(default=None, repr=False)  # None: the built-in ones

    @property
    def name(self) -> str:
        return self.root.name

    def __len__(self) -> int:
        return len(self.samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    def by_id(self) -> dict[int, Sample]:
        return {s.id: s for s in self.samples}

    def images(self) -> dict[Path, list[Sample]]:
        """Samples grouped by image, images in order of first appearance: a reader asks all
        questions of one image together."""
        groups: dict[Path, list[Sample]] = {}
        for sample in self.samples:
            groups.setdefault(sample.image_path, []).append(sample)
        return groups

    def missing_images(self) -> list[Path]:
        return [path for path in self.images() if not path.is_file()]

    def filter(self, doc_class: str | Sequence[str] | None = None,
               question_type: str | Sequence[str] | None = None) -> Dataset:
        """Samples of the given doc class(es) and question type(s) (None: all). A filter value
        matches the dataset's own spelling or, through the aliases, our doc type / field id:
        `snils` selects rows of class "СНИЛС", `last_name` rows asking "Фамилия"."""
        classes = _as_list(doc_class)
        questions = _as_list(question_type)
        doctypes = self.doctypes if self.doctypes is not None else _builtin_doctypes()

        def class_ok(sample: Sample) -> bool:
            return not classes or any(
                _same(value, sample.doc_class)
                or (sample.doc_type is not None and to_doc_type(value, doctypes) == sample.doc_type)
                for value in classes)

        def question_ok(sample: Sample) -> bool:
            return not questions or any(
                _same(value, sample.question_type)
                or (sample.field_id is not None
                    and to_field_id(sample.doc_type, value, doctypes) == sample.field_id)
                for value in questions)

        return Dataset(self.root, [s for s in self.samples if class_ok(s) and question_ok(s)], self.doctypes)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def load_dataset(path: Path, doctypes: Mapping[str, DocType] | None = None) -> Dataset:
    """The dataset in folder `path` (or the folder of the annotation.csv given as `path`)."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        return _load_annotation(path, path.parent, doctypes)
    if not path.is_dir():
        raise UsageError(f"dataset {path}: no such folder")
    if (path / ANNOTATION_FILE).is_file():
        return _load_annotation(path / ANNOTATION_FILE, path, doctypes)
    return _load_synth_folder(path, doctypes)


def _load_annotation(csv_path: Path, root: Path, doctypes: Mapping[str, DocType] | None) -> Dataset:
    doctypes = doctypes if doctypes is not None else _builtin_doctypes()
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{csv_path}: cannot read: {exc}") from None
    lines = text.splitlines()
    header = lines[0] if lines else ""
    # VLMHyperBench writes `;`; a file saved by a spreadsheet may come back with `,`.
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or ()]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise UsageError(f"{csv_path}: missing column(s) {', '.join(missing)}; "
                         f"expected header {';'.join(ANNOTATION_COLUMNS)}")
    reader.fieldnames = columns
    samples = []
    for row_number, row in enumerate(reader):
        if row.get(None):
            raise UsageError(f"{csv_path}: row {row_number + 2}: more cells than columns "
                             f"(a `{delimiter}` inside a value must be quoted)")
        cell = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if not cell["image_path"]:
            raise UsageError(f"{csv_path}: row {row_number + 2}: image_path is empty")
        try:
            bbox = parse_bbox(cell.get("answer_bbox", ""))
        except ValueError as exc:
            raise UsageError(f"{csv_path}: row {row_number + 2}, column answer_bbox: {exc}") from None
        doc_type = to_doc_type(cell["doc_class"], doctypes)
        samples.append(Sample(
            id=row_number,
            image_path=_resolve_image(root, cell["image_path"]),
            question=cell["question"],
            answer=cell["answer"],
            doc_class=cell["doc_class"],
            question_type=cell["question_type"],
            field_id=to_field_id(doc_type, cell["question_type"], doctypes),
            doc_type=doc_type,
            bbox=bbox,
            split=cell.get("split", ""),
        ))
    return Dataset(root, samples, doctypes)


def _resolve_image(root: Path, name: str) -> Path:
    """`name` under the dataset folder; VLMHyperBench writes `images/1.jpg`, synth `snils_0000.png`,
    and a bare name may mean the `images/` folder."""
    direct = root / name
    if not direct.exists() and (root / "images" / name).exists():
        return root / "images" / name
    return direct


def _load_synth_folder(root: Path, doctypes: Mapping[str, DocType] | None) -> Dataset:
    doctypes = doctypes if doctypes is not None else _builtin_doctypes()
    truths = []
    for json_path in sorted(root.glob("*.json"), key=_natural_key):
        try:
            truth = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{json_path}: not a ground-truth JSON: {exc}") from None
        if isinstance(truth, dict) and isinstance(truth.get("fields"), dict) and "doc_type" in truth:
            truths.append((json_path, truth))
    if not truths:
        raise UsageError(f"dataset {root}: neither {ANNOTATION_FILE} nor ground-truth JSON files "
                         f"(as written by `obligations synth`) found")
    samples = []
    for json_path, truth in truths:
        image = _document_of(json_path, truth)
        doc_type = str(truth["doc_type"])
        boxes = truth.get("bbox") or {}
        for field_id, answer in truth["fields"].items():
            box = boxes.get(field_id)
            samples.append(Sample(
                id=len(samples),
                image_path=image,
                question=_question_for(doc_type, field_id, doctypes),
                answer="" if answer is None else str(answer),
                doc_class=doc_type,
                question_type=field_id,
                field_id=field_id if doc_type in doctypes and field_id in doctypes[doc_type].field_ids else None,
                doc_type=doc_type if doc_type in doctypes else None,
                bbox=tuple(box) if box else None,
                split="test",  # what synth writes to its annotation.csv
            ))
    return Dataset(root, samples, doctypes)


def _document_of(json_path: Path, truth: dict) -> Path:
    if truth.get("image"):
        return json_path.parent / str(truth["image"])
    for suffix in DOCUMENT_SUFFIXES:
        candidate = json_path.with_suffix(suffix)
        if candidate.exists():
            return candidate
    raise UsageError(f"{json_path}: no document file {json_path.stem}.png/.jpg/.pdf beside it")


def _question_for(doc_type: str, field_id: str, doctypes: Mapping[str, DocType]) -> str:
    """The question synth writes for this field, else the doc type file's, else the field id."""
    from ..synth import QUESTIONS  # imported here: it pulls in the renderers

    question = QUESTIONS.get(doc_type, {}).get(field_id)
    if question:
        return question
    if doc_type in doctypes and field_id in doctypes[doc_type].field_ids:
        return doctypes[doc_type].field(field_id).question or field_id
    return field_id


def _natural_key(path: Path) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def parse_bbox(text: str) -> BBox | None:
    """`[x0, y0, x1, y1]` (ints or floats, brackets optional) -> a tuple; empty -> None."""
    text = text.strip()
    if not text:
        return None
    inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    parts = [p for p in re.split(r"[,\s]+", inner.strip()) if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"{text!r} is not [x0, y0, x1, y1]") from None
    if len(numbers) != 4:
        raise ValueError(f"{text!r} has {len(numbers)} numbers, expected 4")
    return tuple(int(n) if n.is_integer() else n for n in numbers)  # type: ignore[return-value]


# --------------------------------------------------------------------------
# VLMHyperBench names -> our ids
# --------------------------------------------------------------------------

# The alias tables live with the prompt collections (obligations.prompts), which key prompts by
# the same VLMHyperBench names; this adds only spellings found in VLMHyperBench data and not there.
_EXTRA_QUESTION_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "snils": {"number": ("номер снилса",)},  # metric_evaluator's snils annotation
}


@lru_cache(maxsize=1)
def _doc_class_aliases() -> dict[str, str]:
    """alias key -> doc type id."""
    from ..prompts import _DOC_CLASS_ALIASES

    return {alias_key(alias): doc_type for doc_type, aliases in _DOC_CLASS_ALIASES.items() for alias in aliases}


@lru_cache(maxsize=1)
def _question_aliases() -> dict[str, dict[str, str]]:
    """doc type id -> alias key -> field id."""
    from ..prompts import _QUESTION_ALIASES

    table: dict[str, dict[str, str]] = {}
    for source in (_QUESTION_ALIASES, _EXTRA_QUESTION_ALIASES):
        for doc_type, fields_ in source.items():
            for field_id, aliases in fields_.items():
                for alias in aliases:
                    table.setdefault(doc_type, {}).setdefault(alias_key(alias), field_id)
    return table


def alias_key(text: str) -> str:
    """What two spellings must share to be the same name: case, ё/е, punctuation,
    underscores and repeated spaces do not count ("Счёт-фактура" == "счет фактура")."""
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def to_doc_type(doc_class: str, doctypes: Mapping[str, DocType] | None = None) -> str | None:
    """Our doc type id for a dataset's doc class (its id, title or a known alias), else None."""
    doctypes = doctypes if doctypes is not None else _builtin_doctypes()
    key = alias_key(doc_class)
    if not key:
        return None
    for doctype in doctypes.values():
        if key in (alias_key(doctype.id), alias_key(doctype.title)):
            return doctype.id
    known = _doc_class_aliases().get(key)
    return known if known in doctypes else None


def to_field_id(doc_type: str | None, question_type: str,
                doctypes: Mapping[str, DocType] | None = None) -> str | None:
    """Our field id of `doc_type` that a question type names (the id itself, a known alias, or a
    label only that field carries), else None."""
    doctypes = doctypes if doctypes is not None else _builtin_doctypes()
    doctype = doctypes.get(doc_type) if doc_type else None
    key = alias_key(question_type)
    if doctype is None or not key:
        return None
    ids = doctype.field_ids
    for field_id in ids:
        if key == alias_key(field_id):
            return field_id
    aliased = _question_aliases().get(doctype.id, {}).get(key)
    if aliased in ids:
        return aliased
    # A printed label names a field when no other field of the type shares it
    # ("Дата и место рождения" labels both birth_date and birth_place).
    owners = {spec.id for spec in doctype.fields if key in {alias_key(label) for label in spec.labels}}
    return owners.pop() if len(owners) == 1 else None


@lru_cache(maxsize=1)
def _builtin_doctypes() -> Mapping[str, DocType]:
    return load_doctypes()


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]


def _same(a: str, b: str) -> bool:
    return alias_key(a) == alias_key(b) != ""
