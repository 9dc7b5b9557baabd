"""Scoring model answers against a dataset, and the ModelsAnswers / ModelsMetrics CSV files.

Answers file (`ModelsAnswers/<stem>.csv`, UTF-8 with BOM, `;`): `id;model_answer` as VLMHyperBench
writes it (id = the sample's row in annotation.csv), plus ours: `normalized` (the answer in the
field's canonical form, empty when it could not be read as one), `valid` (True/False: it passed
the field's check), `latency_s`, `page`, `bbox`. A plain VLMHyperBench `id;model_answer` file
reads too: the answers are then normalised and validated here.

Metrics files (`ModelsMetrics/<stem>_<aggregator>.csv`, same encoding) for the aggregators
`by_id`, `by_doc_question`, `by_doc_type` and `general`. Every metric comes twice: on the raw
answer (stripped of surrounding whitespace) and, suffixed `_norm`, on the normalised answer and
reference (normalised with the field's normaliser; for a question that names none of our fields,
whitespace collapsed). Answers join the samples by id, never by position.

Per answer (the `by_id` table):
    cer   character edits (Levenshtein) / reference characters
    wer   word edits / reference words (words split on whitespace)
    bleu  sacrebleu sentence BLEU (0..100) of the answer against the reference
    exact 1.0 when answer == reference, else 0.0
An empty reference is defined so that no division by zero hides an error: an empty answer to it
scores CER/WER 0 (nothing to read, nothing read), BLEU 100, exact 1; a non-empty answer to it
scores CER/WER 1.0 (the whole item is wrong, however long the answer), BLEU 0, exact 0. An empty
answer to a non-empty reference scores CER/WER 1.0 and BLEU 0.

Per group of answers (the other tables):
    cer_micro  total character edits / total reference characters (long values weigh more);
               when the group's references are all empty, the per-item rule above applies
    cer_macro  mean of the per-answer CERs (every answer weighs the same)
    wer_micro, wer_macro  the same on words
    bleu_micro sacrebleu corpus BLEU over the group (effective order, see corpus_bleu);
               bleu_macro mean sentence BLEU
    exact_match share of exact answers (micro and macro coincide)
    valid_rate share of answers that passed their field's check, among the answers that are not
               empty and whose field has a check (n_validated of them); on normalised values only,
               since a raw answer has no check of its own
    n, n_missing  answers in the group, and how many of them were missing from the answers file
                  (scored as empty answers)
"""

from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..doctypes import DocType, load_doctypes
from ..errors import MissingDependency, UsageError
from ..fields.normalize import normalize, normalize_text
from ..fields.validate import validate
from .dataset import BBox, Sample, parse_bbox

log = logging.getLogger("obligations.bench")

AGGREGATORS = ("by_id", "by_doc_question", "by_doc_type", "general")
ANSWER_COLUMNS = ("id", "model_answer", "normalized", "valid", "latency_s", "page", "bbox")
# Which columns each config metric name stands for.
METRIC_COLUMNS = {
    "CER": ("cer",), "WER": ("wer",), "BLEU": ("bleu",), "EXACT": ("exact",), "VALID": ("valid",),
}
_GROUP_KEYS = {
    "by_doc_question": ("doc_class", "question_type", "doc_type", "field_id"),
    "by_doc_type": ("doc_class", "doc_type"),
    "general": (),
}


# --------------------------------------------------------------------------
# Per-answer metrics
# --------------------------------------------------------------------------


def _levenshtein():
    try:
        from rapidfuzz.distance import Levenshtein
    except ImportError:
        raise MissingDependency("CER/WER need rapidfuzz: .venv/bin/pip install rapidfuzz") from None
    return Levenshtein


def _sacrebleu():
    try:
        import sacrebleu
    except ImportError:
        raise MissingDependency("BLEU needs sacrebleu: .venv/bin/pip install sacrebleu") from None
    return sacrebleu


def rate(edits: int, length: int) -> float:
    """Edits per reference unit; with an empty reference, 0 for no edits and 1 for any."""
    if length:
        return edits / length
    return 0.0 if edits == 0 else 1.0


def char_edits(hyp: str, ref: str) -> int:
    return _levenshtein().distance(ref, hyp)


def word_edits(hyp: str, ref: str) -> int:
    return _levenshtein().distance(ref.split(), hyp.split())


def cer(hyp: str, ref: str) -> float:
    """Character error rate of answer `hyp` against reference `ref` (empty cases: module docstring)."""
    return rate(char_edits(hyp, ref), len(ref))


def wer(hyp: str, ref: str) -> float:
    """Word error rate of `hyp` against `ref`, words split on whitespace."""
    return rate(word_edits(hyp, ref), len(ref.split()))


def bleu(hyp: str, ref: str) -> float:
    """sacrebleu sentence BLEU (0..100): the hypothesis first, its reference in a list."""
    if not ref.strip() or not hyp.strip():
        return 100.0 if ref.strip() == hyp.strip() else 0.0
    return min(100.0, float(_sacrebleu().sentence_bleu(hyp, [ref]).score))  # float noise: 100.00000000000004


def corpus_bleu(hyps: Sequence[str], refs: Sequence[str]) -> float:
    """sacrebleu corpus BLEU of answers `hyps` against one reference each, with effective order
    (n-gram orders no answer is long enough for are left out, as sentence BLEU does): field values
    are often one or two words, and plain 4-gram corpus BLEU is 0 for any set of one-word answers."""
    if not any(r.strip() for r in refs) and not any(h.strip() for h in hyps):
        return 100.0
    scorer = _sacrebleu().metrics.BLEU(effective_order=True)
    return min(100.0, float(scorer.corpus_score(list(hyps), [list(refs)]).score))


def exact(hyp: str, ref: str) -> float:
    return 1.0 if hyp == ref else 0.0


# --------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One line of a ModelsAnswers file."""

    id: int
    model_answer: str
    normalized: str | None = None
    valid: bool | None = None
    latency_s: float | None = None
    page: int | None = None
    bbox: BBox | None = None


@dataclass(frozen=True)
class ScoredAnswer:
    """A sample, the answer given to it and that answer's metrics (raw and normalised)."""

    sample: Sample
    model_answer: str  # raw, stripped
    reference_norm: str
    answer_norm: str
    missing: bool  # no line for this id in the answers file
    char_edits: int
    char_len: int
    word_edits: int
    word_len: int
    char_edits_norm: int
    char_len_norm: int
    word_edits_norm: int
    word_len_norm: int
    bleu: float
    bleu_norm: float
    valid: bool | None  # None: not counted (no check for this field, or no answer)
    latency_s: float | None

    @property
    def reference(self) -> str:
        return self.sample.answer.strip()

    @property
    def cer(self) -> float:
        return rate(self.char_edits, self.char_len)

    @property
    def wer(self) -> float:
        return rate(self.word_edits, self.word_len)

    @property
    def cer_norm(self) -> float:
        return rate(self.char_edits_norm, self.char_len_norm)

    @property
    def wer_norm(self) -> float:
        return rate(self.word_edits_norm, self.word_len_norm)

    @property
    def exact(self) -> float:
        return exact(self.model_answer, self.reference)

    @property
    def exact_norm(self) -> float:
        return exact(self.answer_norm, self.reference_norm)


def score_answers(samples: Iterable[Sample], answers: Iterable[AnswerRow] | Mapping[int, AnswerRow | str],
                  doctypes: Mapping[str, DocType] | None = None) -> list[ScoredAnswer]:
    """Every sample scored against the answer with its id. A sample without an answer is scored as
    answered with nothing and marked `missing` (and logged); answers to ids that are not samples
    are ignored with a warning."""
    doctypes = doctypes if doctypes is not None else load_doctypes()
    by_id = _answers_by_id(answers)
    samples = list(samples)
    known = {s.id for s in samples}
    extra = sorted(set(by_id) - known)
    if extra:
        log.warning("%d answer(s) to ids that are not in the dataset ignored: %s", len(extra), _ids_text(extra))
    missing = [s.id for s in samples if s.id not in by_id]
    if missing:
        log.warning("%d sample(s) have no answer, scored as empty: %s", len(missing), _ids_text(missing))
    return [_score(s, by_id.get(s.id), doctypes) for s in samples]


def _answers_by_id(answers) -> dict[int, AnswerRow]:
    if isinstance(answers, Mapping):
        return {int(k): v if isinstance(v, AnswerRow) else AnswerRow(int(k), "" if v is None else str(v))
                for k, v in answers.items()}
    by_id: dict[int, AnswerRow] = {}
    for row in answers:
        if row.id in by_id:
            raise UsageError(f"answers: id {row.id} appears more than once")
        by_id[row.id] = row
    return by_id


def _score(sample: Sample, answer: AnswerRow | None, doctypes: Mapping[str, DocType]) -> ScoredAnswer:
    spec = None
    if sample.doc_type in doctypes and sample.field_id in doctypes[sample.doc_type].field_ids:
        spec = doctypes[sample.doc_type].field(sample.field_id)
    hyp = (answer.model_answer if answer else "").strip()
    ref = sample.answer.strip()
    kind = spec.normalize if spec else None
    ref_norm = _normalized(kind, ref) or normalize_text(ref) or ""
    if answer is not None and answer.normalized is not None:
        hyp_norm = answer.normalized.strip()
    else:
        hyp_norm = _normalized(kind, hyp) or ""
    valid: bool | None = None
    if spec is not None and spec.validate != "none" and hyp_norm:
        if answer is not None and answer.valid is not None:
            valid = answer.valid
        else:
            valid = validate(spec.validate, hyp_norm, **spec.validate_params).valid
    return ScoredAnswer(
        sample=sample, model_answer=hyp, reference_norm=ref_norm, answer_norm=hyp_norm, missing=answer is None,
        char_edits=char_edits(hyp, ref), char_len=len(ref),
        word_edits=word_edits(hyp, ref), word_len=len(ref.split()),
        char_edits_norm=char_edits(hyp_norm, ref_norm), char_len_norm=len(ref_norm),
        word_edits_norm=word_edits(hyp_norm, ref_norm), word_len_norm=len(ref_norm.split()),
        bleu=bleu(hyp, ref), bleu_norm=bleu(hyp_norm, ref_norm),
        valid=valid, latency_s=answer.latency_s if answer else None,
    )


def _normalized(kind: str | None, text: str) -> str | None:
    if not text:
        return None
    return normalize(kind, text) if kind else normalize_text(text)


def _ids_text(ids: list[int], shown: int = 10) -> str:
    text = ", ".join(str(i) for i in ids[:shown])
    return text + (f" ... ({len(ids) - shown} more)" if len(ids) > shown else "")


# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


def aggregate(rows: Sequence[ScoredAnswer], by: str, metrics: Sequence[str] | None = None) -> list[dict]:
    """The metrics table for aggregator `by` (one of AGGREGATORS); `metrics` (config names such as
    CER, BLEU) keeps only those metrics' columns. Groups are in order of first appearance."""
    if by not in AGGREGATORS:
        raise UsageError(f"unknown metrics aggregator {by!r}; known: {', '.join(AGGREGATORS)}")
    if by == "by_id":
        table = [_id_row(r) for r in rows]
    else:
        keys = _GROUP_KEYS[by]
        groups: dict[tuple, list[ScoredAnswer]] = {}
        for r in rows:
            groups.setdefault(tuple(getattr(r.sample, k) for k in keys), []).append(r)
        table = [{**dict(zip(keys, key)), **_group_row(members)} for key, members in groups.items()]
    return _keep_metrics(table, metrics)


def _id_row(r: ScoredAnswer) -> dict:
    s = r.sample
    return {
        "id": s.id, "image_path": s.image_path.name, "doc_class": s.doc_class, "question_type": s.question_type,
        "doc_type": s.doc_type, "field_id": s.field_id, "answer": r.reference, "model_answer": r.model_answer,
        "answer_norm": r.reference_norm, "model_answer_norm": r.answer_norm, "missing": r.missing,
        "cer": r.cer, "wer": r.wer, "bleu": r.bleu, "exact": r.exact,
        "cer_norm": r.cer_norm, "wer_norm": r.wer_norm, "bleu_norm": r.bleu_norm, "exact_norm": r.exact_norm,
        "valid": r.valid, "char_edits": r.char_edits, "char_len": r.char_len,
        "char_edits_norm": r.char_edits_norm, "char_len_norm": r.char_len_norm, "latency_s": r.latency_s,
    }


def _group_row(members: list[ScoredAnswer]) -> dict:
    n = len(members)
    checked = [r.valid for r in members if r.valid is not None]
    row: dict = {"n": n, "n_missing": sum(r.missing for r in members)}
    for suffix, hyp, ref in (("", "model_answer", "reference"), ("_norm", "answer_norm", "reference_norm")):
        ce, cl = f"char_edits{suffix}", f"char_len{suffix}"
        we, wl = f"word_edits{suffix}", f"word_len{suffix}"
        row[f"cer_micro{suffix}"] = rate(sum(getattr(r, ce) for r in members), sum(getattr(r, cl) for r in members))
        row[f"cer_macro{suffix}"] = sum(getattr(r, f"cer{suffix}") for r in members) / n
        row[f"wer_micro{suffix}"] = rate(sum(getattr(r, we) for r in members), sum(getattr(r, wl) for r in members))
        row[f"wer_macro{suffix}"] = sum(getattr(r, f"wer{suffix}") for r in members) / n
        row[f"bleu_micro{suffix}"] = corpus_bleu([getattr(r, hyp) for r in members], [getattr(r, ref) for r in members])
        row[f"bleu_macro{suffix}"] = sum(getattr(r, f"bleu{suffix}") for r in members) / n
        row[f"exact_match{suffix}"] = sum(getattr(r, f"exact{suffix}") for r in members) / n
    row["valid_rate"] = sum(checked) / len(checked) if checked else None
    row["n_validated"] = len(checked)
    return row


def _keep_metrics(table: list[dict], metrics: Sequence[str] | None) -> list[dict]:
    if metrics is None:
        return table
    unknown = [m for m in metrics if m.upper() not in METRIC_COLUMNS]
    if unknown:
        raise UsageError(f"unknown metric(s) {', '.join(unknown)}; known: {', '.join(METRIC_COLUMNS)}")
    every = {p for prefixes in METRIC_COLUMNS.values() for p in prefixes}
    wanted = {p for m in metrics for p in METRIC_COLUMNS[m.upper()]}

    def keep(column: str) -> bool:
        prefix = column.split("_")[0]
        return prefix not in every or prefix in wanted

    return [{k: v for k, v in row.items() if keep(k)} for row in table]


def evaluate(samples: Iterable[Sample], answers: Iterable[AnswerRow] | Mapping[int, AnswerRow | str],
             aggregators: Sequence[str] = AGGREGATORS, metrics: Sequence[str] | None = None,
             doctypes: Mapping[str, DocType] | None = None) -> dict[str, list[dict]]:
    """score_answers, then one table per aggregator: what write_metrics writes."""
    rows = score_answers(samples, answers, doctypes)
    return {by: aggregate(rows, by, metrics) for by in aggregators}


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def write_answers(path: Path, rows: Iterable[AnswerRow]) -> None:
    """A ModelsAnswers CSV (written to a temporary file first, so a crash leaves no half file)."""
    lines = [[
        r.id, r.model_answer, "" if r.normalized is None else r.normalized, _cell(r.valid), _cell(r.latency_s),
        _cell(r.page), "" if r.bbox is None else "[" + ", ".join(_cell(v) for v in r.bbox) + "]",
    ] for r in rows]
    _write_csv(Path(path), list(ANSWER_COLUMNS), lines)


def read_answers(path: Path) -> list[AnswerRow]:
    """A ModelsAnswers CSV: ours, or VLMHyperBench's plain `id;model_answer`."""
    path = Path(path)
    header, rows = _read_csv(path)
    for column in ("id", "model_answer"):
        if column not in header:
            raise UsageError(f"{path}: no {column} column (an answers file has id;model_answer)")
    answers = []
    for line, row in rows:
        def bad(column: str, problem: str) -> UsageError:
            return UsageError(f"{path}: row {line}, column {column}: {problem}")

        try:
            answer_id = int(row["id"])
        except ValueError:
            raise bad("id", f"{row['id']!r} is not a row number") from None
        try:
            valid = _parse_optional_bool(row.get("valid", ""))
        except ValueError as exc:
            raise bad("valid", str(exc)) from None
        try:
            latency = float(row["latency_s"]) if row.get("latency_s", "").strip() else None
        except ValueError:
            raise bad("latency_s", f"{row['latency_s']!r} is not a number") from None
        try:
            page = int(row["page"]) if row.get("page", "").strip() else None
        except ValueError:
            raise bad("page", f"{row['page']!r} is not a page number") from None
        try:
            bbox = parse_bbox(row.get("bbox", ""))
        except ValueError as exc:
            raise bad("bbox", str(exc)) from None
        normalized = row["normalized"] if row.get("normalized", "") != "" else None
        answers.append(AnswerRow(answer_id, row["model_answer"], normalized, valid, latency, page, bbox))
    return answers


def metrics_path(directory: Path, stem: str, aggregator: str) -> Path:
    return Path(directory) / f"{stem}_{aggregator}.csv"


def write_metrics(directory: Path, stem: str, tables: Mapping[str, list[dict]]) -> list[Path]:
    """One `<stem>_<aggregator>.csv` per table, in `directory`."""
    written = []
    for aggregator, table in tables.items():
        if aggregator not in AGGREGATORS:
            raise UsageError(f"unknown metrics aggregator {aggregator!r}; known: {', '.join(AGGREGATORS)}")
        columns: list[str] = []
        for row in table:
            columns += [k for k in row if k not in columns]
        path = metrics_path(directory, stem, aggregator)
        _write_csv(path, columns, [[_cell(row.get(c)) for c in columns] for row in table])
        written.append(path)
    return written


def read_metrics(path: Path) -> list[dict]:
    """A metrics CSV back as dicts: numbers as int/float, True/False as bool, empty cells as None."""
    _, rows = _read_csv(Path(path))
    return [{k: _parse_cell(v) for k, v in row.items()} for _, row in rows]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def _parse_cell(text: str):
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _parse_optional_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValueError(f"{text!r} is not True/False")


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
            f.write(buffer.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise UsageError(f"{path}: empty file") from None
    rows = []
    for cells in reader:
        if not cells:
            continue
        if len(cells) != len(header):
            raise UsageError(f"{path}: row {reader.line_num}: {len(cells)} cells for {len(header)} columns")
        rows.append((reader.line_num, dict(zip(header, cells))))
    return header, rows
