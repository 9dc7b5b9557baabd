"""Fields with no printed label, found by their place in the page's layout."""

from __future__ import annotations

import re

from ..backends.base import Word
from ..doctypes import FieldSpec
from .candidates import Candidate
from .choice import Found, found_in, join_words
from .layout import PageModel


def top_lines(spec: FieldSpec, models: list[PageModel]) -> Found | None:
    """A value printed as one of the first rows of the document (a receipt's company)."""
    if not models:
        return None
    model = models[0]
    rows = [r for r in model.rows if not r.standalone and _letters(r.words) >= 3][: spec.lines]
    rows = [r for r in rows if not (spec.skip and re.search(spec.skip, _text(r.words)))]
    if not rows:
        return None
    preferred = [r for r in rows if spec.prefer and re.search(spec.prefer, _text(r.words))]
    row = preferred[0] if preferred else rows[0]
    text, spans = join_words(row.words)
    return found_in(spec, Candidate(row.words, model.page.page, "layout"), text, spans, (0, len(text)))


def lines_after(spec: FieldSpec, models: list[PageModel], anchor: Found | None) -> Found | None:
    """Rows right below another field's value, up to a row matching `stop` (a receipt's address)."""
    if anchor is None or anchor.bbox is None or not models:
        return None
    model = next((m for m in models if m.page.page == anchor.page), models[0])
    words: list[Word] = []
    taken = 0
    for row in model.rows:
        centre = (row.words[0].bbox[1] + row.words[0].bbox[3]) / 2
        if row.standalone or centre <= anchor.bbox[3]:
            continue
        text = _text(row.words)
        if spec.skip and re.search(spec.skip, text):
            continue
        stop = re.search(spec.stop, text) if spec.stop else None
        if stop:
            keep = [w for w, (a, _) in zip(row.words, join_words(row.words)[1]) if a < stop.start()]
            words += keep
            break
        words += row.words
        taken += 1
        if taken >= spec.lines:
            break
    if not words:
        return None
    text, spans = join_words(words)
    return found_in(spec, Candidate(words, model.page.page, "layout"), text, spans, (0, len(text)))


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _letters(words: list[Word]) -> int:
    return sum(ch.isalpha() for w in words for ch in w.text)
