"""A second opinion per field: two readings of the same pages merged field by field.

Used by `--verify-with SERVICE` (a second engine on every page) and by the pipeline's
fallback (a text-layer page whose values fail their checks, read again by OCR). Each merged
field keeps both answers in `votes`, says whether they agree, and is marked `review` where they
do not (which includes every answer taken from the second reading).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from .results import DocumentResult, FieldResult, Result


def merge_field(first: FieldResult, second: FieldResult, first_name: str, second_name: str) -> FieldResult:
    """One field from two readings: the valid value, then the one both agree on, then the
    surer one (the first on a tie). `first_name` and `second_name` name the readings in `votes`."""
    if second_name == first_name:
        second_name += " (second)"
    votes = {first_name: {"value": first.value, "valid": first.valid},
             second_name: {"value": second.value, "valid": second.valid}}
    agreement = first.value == second.value
    if agreement:  # two readings saying one thing: as sure as the surer of them
        return replace(first, confidence=max(first.confidence, second.confidence), votes=votes, agreement=True,
                       review=False)
    chosen = max((first, second), key=_standing)
    return replace(chosen, votes=votes, agreement=False, review=True)


def _standing(field: FieldResult) -> tuple:
    """What a value stands on, best first in a max(): found and valid, found, confidence.
    (A tie keeps the first reading's: max() returns the first of equals.)"""
    return field.value is not None and field.valid is True, field.value is not None, field.confidence


def merge_fields(first: dict[str, FieldResult], second: dict[str, FieldResult], first_name: str,
                 second_name: str) -> tuple[dict[str, FieldResult], list[str]]:
    """Every field of a document merged (a field one reading lacks is taken as not found), and
    the warnings for the fields to review."""
    merged, warnings = {}, []
    for field_id, field in first.items():
        other = second.get(field_id) or FieldResult(None, None, None, 0.0, None, None, None)
        merged[field_id] = result = merge_field(field, other, first_name, second_name)
        if result.review:
            said = "; ".join(f"{name} {_shown(vote)}" for name, vote in result.votes.items())
            taken = first_name if result is field or result.value == field.value else second_name
            warnings.append(f"page {result.page or field.page or other.page}: {field_id}: the readings disagree "
                            f"({said}); took {taken}'s, to review")
    return merged, warnings


def _shown(vote: dict) -> str:
    if vote["value"] is None:
        return "found nothing"
    return f"{vote['value']!r}" + ("" if vote["valid"] else " (invalid)")


def on_pages(fields: dict[str, FieldResult], read: list, shown: list) -> dict[str, FieldResult]:
    """`fields` found on pages `read` at one resolution, their boxes put on the same pages as
    `shown` describes them (a text layer's pages at another: the output's pixels)."""
    sizes = {p.page: (p.width, p.height) for p in shown}
    read_sizes = {p.page: (p.width, p.height) for p in read}
    placed = {}
    for field_id, field in fields.items():
        if field.bbox is not None and field.page in sizes and field.page in read_sizes:
            (width, height), (read_width, read_height) = sizes[field.page], read_sizes[field.page]
            sx, sy = width / max(read_width, 1), height / max(read_height, 1)
            x0, y0, x1, y1 = field.bbox
            field = replace(field, bbox=[round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy)])
        placed[field_id] = field
    return placed


def merge_results(first: Result, second: Result) -> Result:
    """`first` with each document's fields merged with those of `second`'s document of the same
    type over the same first page; documents `second` does not have are kept as they are, with
    a warning that they were not verified."""
    first_name, second_name = first.backend.service, second.backend.service
    others = {(d.doc_type, d.pages[0]): d for d in second.documents if d.pages}
    documents, warnings = [], list(first.warnings)
    for document in first.documents:
        other = others.get((document.doc_type, document.pages[0])) if document.pages else None
        if other is None:
            if document.fields:
                warnings.append(f"page {document.pages[0]}: {document.doc_type}: the second reading ({second_name}) "
                                "did not find this document; its fields are not verified")
            documents.append(document)
            continue
        fields, disagreements = merge_fields(document.fields, other.fields, first_name, second_name)
        warnings += disagreements
        documents.append(DocumentResult(document.doc_type, document.pages, document.confidence, fields))
    timing = dict(first.timing_s)
    timing["verify"] = second.timing_s.get("total", 0.0)
    return replace(first, documents=documents, warnings=warnings, timing_s=timing)


def verified(first: Iterator, second: Iterator) -> Iterator:
    """Outcomes of two runs over the same files, in the same order (pipeline.FileOutcome),
    as one: each file's result merged, or the first run's failure (the second's, if only it
    failed, leaves the first's result unverified, with a warning)."""
    for one, two in zip(first, second):
        if one.error is None and two.error is None:
            one.result = merge_results(one.result, two.result)
        elif one.error is None:
            one.result.warnings.append(f"not verified: {two.error.message}")
        yield one
