"""Which document type a page is, by the phrases printed on it, and which pages form one document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .backends.base import PageText
from .doctypes import DocType
from .fields.matching import fold, phrase_in_text

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float  # 0..1
    scores: dict[str, float]
    opens: bool = False  # the page prints its type's `first_page` title: a document starts here
    by_values: bool = False  # no type's phrases sufficed: the type whose values validate best
    doubted_as: str | None = None  # forced by --doc-type on a page that looks like this type (or unknown)

    def explain(self) -> str:
        ranked = sorted(self.scores.items(), key=lambda kv: -kv[1])
        return ", ".join(f"{name} {score:.1f}" for name, score in ranked)


def classify_page(text: str, doctypes: dict[str, DocType]) -> Classification:
    """Sum the weights of each type's phrases and value shapes found on the page; the best
    type over its `min_score` wins. Confidence grows with the margin over the runner-up."""
    folded = _words_only(text)
    scores = {
        doctype.id: sum(weight for phrase, weight in doctype.keywords if _phrase_found(_phrase(phrase), folded))
        + sum(weight for pattern, weight in doctype.patterns if pattern.search(text))
        for doctype in doctypes.values()
    }
    if not scores:
        return Classification(UNKNOWN, 0.0, scores)
    best = max(scores, key=scores.get)
    best_score = scores[best]
    if best_score < doctypes[best].min_score:
        return Classification(UNKNOWN, 0.0, scores)
    runner_up = max((s for name, s in scores.items() if name != best), default=0.0)
    total = sum(weight for _, weight in doctypes[best].keywords)
    coverage = min(1.0, best_score / max(total * 0.6, 1e-9))
    margin = (best_score - runner_up) / best_score
    opens = any(pattern.search(fold(text)) for pattern in doctypes[best].first_page)
    return Classification(best, round(max(0.05, coverage * (0.5 + 0.5 * margin)), 3), scores, opens)


def classify(page: PageText, doctypes: dict[str, DocType]) -> Classification:
    """A page's type by its phrases (`classify_page`); a readable page that no type's phrases
    claim (a low-resolution scan that lost its small captions, a passport's data page alone)
    takes the type whose fields, located as that type's, validate best (`by_values`)."""
    label = classify_page(page.text, doctypes)
    if label.doc_type != UNKNOWN or _sure_words(page) < MIN_READABLE_WORDS:
        return label
    return by_values(page, doctypes, label.scores)


MIN_READABLE_WORDS = 3  # sure words of three letters or digits: fewer is no page to guess at
# What a located value tells of its type: a number whose check digits pass, or one of a shape
# only that type prints, found anywhere; far more than a date or gender beside its label,
# which tell more than a name or text beside its label (several types print a person's).
IDENTIFYING = {"snils": 3.0, "inn": 3.0, "passport_number": 2.0, "division_code": 2.0, "kpp": 1.5}
CHECK_DIGITS = ("snils", "inn")  # one random number in a hundred (ten for a 10-digit INN) passes
SHAPED = 1.0  # any other validator (date, money, gender), for a value beside its label
LABELLED_TEXT = 0.5  # a name or text beside its label
WORDS = ("text", "name", "organization")  # the validators of words, which tell no type by their shape
MIN_VALUE_SCORE = 3.0  # with the weight of the type's phrases found
VALUE_GUESS_CONFIDENCE = 0.5  # the most a type guessed from values is trusted


def by_values(page: PageText, doctypes: dict[str, DocType], phrase_scores: dict[str, float]) -> Classification:
    """The type whose fields, located on `page` as that type's, validate best, with the weight
    of its phrases found; unknown unless the best has enough weight and two values that
    validate (one, with some of its phrases, or one with check digits where no other type
    has any evidence). Confidence at most VALUE_GUESS_CONFIDENCE, less the closer the
    runner-up."""
    from .fields.locate import locate_fields  # the locator is needed only for unclaimed pages

    scores: dict[str, float] = {}
    valid_values: dict[str, int] = {}
    checked: dict[str, bool] = {}  # whether a number whose check digits pass was found
    for doctype in doctypes.values():
        score, count, check_digits = 0.0, 0, False
        located = locate_fields(doctype, [page])
        for spec in doctype.fields:
            found = located[spec.id]
            if found.value is None or not found.valid:
                continue
            if spec.validate in IDENTIFYING:
                weight = IDENTIFYING[spec.validate]
                check_digits |= spec.validate in CHECK_DIGITS
            elif spec.validate not in WORDS:
                weight = SHAPED if found.source in ("label", "group", "vertical") else SHAPED / 2
            else:
                weight = LABELLED_TEXT if found.source in ("label", "group") else 0.0
            score += weight
            count += weight > 0 and spec.validate not in WORDS
        scores[doctype.id] = round(score + phrase_scores.get(doctype.id, 0.0), 2)
        valid_values[doctype.id] = count
        checked[doctype.id] = check_digits
    best = max(scores, key=scores.get, default=None)
    if best is None:
        return Classification(UNKNOWN, 0.0, scores)
    runner_up = max((s for name, s in scores.items() if name != best), default=0.0)
    # Two values that validate, or one and some of the type's phrases, or one whose check
    # digits pass on a page no other type has evidence of its own on (a SNILS card at 100 dpi
    # whose captions and title were lost: the number alone is still read). A date found
    # anywhere (SHAPED / 2: every type prints one) is no other type's evidence.
    alone = runner_up < SHAPED and checked[best]
    needed = 1 if phrase_scores.get(best, 0) > 0 or alone else 2
    if scores[best] < MIN_VALUE_SCORE or valid_values[best] < needed:
        return Classification(UNKNOWN, 0.0, scores)
    confidence = VALUE_GUESS_CONFIDENCE * (0.5 + 0.5 * (scores[best] - runner_up) / scores[best])
    return Classification(best, round(confidence, 3), scores, by_values=True)


def _sure_words(page: PageText) -> int:
    return sum(1 for w in page.words if w.conf >= 50 and sum(c.isalnum() for c in w.text) >= 3)


def _words_only(text: str) -> str:
    return re.sub(r"[^\w№/]+", " ", fold(text))


@cache  # every page compares the same phrases
def _phrase(phrase: str) -> str:
    return _words_only(phrase).strip()


def _phrase_found(phrase: str, folded: str) -> bool:
    """`phrase_in_text`, without scoring a long phrase printed exactly (as a text layer prints
    it): one found whole in the text is one its fuzzy match scores 100."""
    if len(phrase) > 5 and phrase in folded:
        return True
    return phrase_in_text(phrase, folded)


def forced(doc_type: str, seen: Classification) -> Classification:
    """`--doc-type`: the type asked for, trusted as far as the page itself bears it out. `seen`
    is the page's own classification by its phrases: a page that looks like the type keeps
    that confidence; one that does not gets at most FORCED_DOUBT, and `seen` names what it
    looks like (its warning says so)."""
    if seen.doc_type == doc_type:
        return Classification(doc_type, seen.confidence, seen.scores, seen.opens)
    return Classification(doc_type, FORCED_DOUBT, seen.scores, doubted_as=seen.doc_type)


FORCED_DOUBT = 0.2  # the confidence of a forced type on a page that does not look like it


def group_pages(
    labels: list[Classification], doctypes: dict[str, DocType]
) -> list[tuple[str, list[int], float]]:
    """Consecutive pages of one type form a document, up to the type's `max_pages`, unless a
    page prints the type's first-page title (a second invoice right after the first).

    An unrecognised page right after a multi-page document continues it (an invoice's
    second page of goods rarely repeats the title); elsewhere it stays a document of
    type 'unknown'. Returns (doc_type, page indexes, confidence) in page order.
    """
    documents: list[tuple[str, list[int], float]] = []
    for index, label in enumerate(labels):
        doc_type = label.doc_type
        if documents:
            last_type, last_pages, last_conf = documents[-1]
            limit = doctypes[last_type].max_pages if last_type in doctypes else 1
            continues = ((doc_type == last_type and not label.opens)
                         or (doc_type == UNKNOWN and last_type != UNKNOWN))
            if continues and len(last_pages) < limit and limit > 1:
                last_pages.append(index)
                continue
        documents.append((doc_type, [index], label.confidence))
    return documents


def classification_prompt(doctypes: dict[str, DocType]) -> str:
    """The question an answering model is asked when a page has no OCR text to score."""
    choices = "; ".join(f"{doctype.id} — {doctype.title}" for doctype in doctypes.values())
    return (f"What kind of document is this? Answer with one id only from this list: {choices}; "
            f"other — none of these.")


def classify_answer(answer: str, doctypes: dict[str, DocType]) -> Classification:
    """A model's answer to `classification_prompt` as a classification: the one type whose id
    (or title's first word) the answer names; anything else is unknown."""
    words = re.sub(r"[^\w]+", " ", fold(answer))
    folded = f" {words} "
    named = {
        doctype.id for doctype in doctypes.values()
        if f" {fold(doctype.id)} " in folded or f" {fold(doctype.title.split()[0])} " in folded
    }
    scores = {doc_id: float(doc_id in named) for doc_id in doctypes}
    if len(named) != 1:
        return Classification(UNKNOWN, 0.0, scores)
    return Classification(named.pop(), 0.6, scores)
