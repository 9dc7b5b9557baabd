"""Comparing printed labels with noisy OCR text.

OCR of rus+eng mixes Latin and Cyrillic lookalikes ("Фамилия" with a Latin "a"),
splits or glues words and drops punctuation, so labels are compared in a folded
form: lower case, ё as е, Latin lookalikes as Cyrillic, letters and digits only.
Zero folds to о and the signs ®/© Tesseract reads for a small Ф fold to ф, so that
"Ф.И.О." read as "®. И. 0." still reads as its label.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Iterator

from rapidfuzz import fuzz, process

_LOOKALIKES = str.maketrans("aeopcxykmthb0®©", "аеорсхукмтнвофф")


def fold(text: str) -> str:
    return text.lower().replace("ё", "е").translate(_LOOKALIKES)


@lru_cache(maxsize=1 << 16)  # a page's words are squashed for every label run; labels recur on every page
def squash(text: str) -> str:
    """Folded letters, digits and '№' only: 'Ф. И. О.:' -> 'фио'."""
    return "".join(ch for ch in fold(text) if ch.isalnum() or ch == "№")


def similar(label: str, text: str) -> float:
    """0..100: how well squashed `text` reads as squashed `label`. Short labels must be exact,
    so 'Имя' never matches 'Именуемый' and 'Пол' never matches 'Подпись'."""
    if len(label) <= 4:
        return 100.0 if label == text else 0.0
    if (abs(len(label) - len(text)) > _length_slack(label)
            and not _head_lost(label, text) and not _tail_lost(label, text)):
        return 0.0  # 'месторождения' is not a misread 'датаиместорождения'
    if _inflected(label, text):
        return 0.0  # '... прихода денег на р/с Поставщика.': the word in a sentence, no label
    return max(fuzz.ratio(label, text), _confused(label, text))


# Letters Tesseract reads for one another in Cyrillic print ('Пролавеи' for 'Продавец'):
# each such letter where the label has its pair costs half a letter read wrong.
_CONFUSED = {frozenset(pair) for pair in ("дл", "ци", "ин", "нп", "шщ", "ьъ", "зэ", "ес")}
MAX_CONFUSED = 2
CONFUSED_BONUS = 100.0 / 5  # the most they add to a ratio: a five-letter label's two halves


def _confused(label: str, text: str) -> float:
    """How well `text` reads as `label` with its confusable letters (at most MAX_CONFUSED,
    the same length) counted as half errors; 0 where that does not apply."""
    if len(label) != len(text):
        return 0.0
    swaps = [i for i, (a, b) in enumerate(zip(label, text)) if a != b and frozenset((a, b)) in _CONFUSED]
    if not swaps or len(swaps) > MAX_CONFUSED:
        return 0.0
    mapped = "".join(label[i] if i in swaps else c for i, c in enumerate(text))
    return fuzz.ratio(label, mapped) - 50.0 * len(swaps) / len(label)


# A label ending in a consonant, read with a case's ending after it ('поставщика'): the noun
# declined in a sentence of the form's small print. (A stem that changes as it declines,
# 'продавец' -> 'продавца', is left to the ratio.)
_CASE_ENDINGS = ("а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")


def _inflected(label: str, text: str) -> bool:
    return (text.startswith(label) and text[len(label):] in _CASE_ENDINGS
            and label[-1] not in "аеёиоуыэюяйь")


def _length_slack(label: str) -> float:
    return max(2, 0.2 * len(label))


# A label whose first few letters were lost (a speck over them, a fold, the scan's edge) and
# the rest read letter for letter: 'порт выдан' is 'Паспорт выдан'. No more letters than
# this, and a tail no shorter than HEAD_LOST_TAIL: 'месторождения' keeps no
# 'датаиместорождения' (five letters lost), 'выдачи' no 'датавыдачи'.
HEAD_LOST = 3
HEAD_LOST_TAIL = 8


def _head_lost(label: str, text: str) -> bool:
    return max(HEAD_LOST_TAIL, len(label) - HEAD_LOST) <= len(text) < len(label) and label.endswith(text)


# ... or its last few letters, a value printed over them (a card's 'Фамилия, имя, отче' under
# 'Казакова'): a long label only, read letter for letter up to there.
TAIL_LOST = 4
TAIL_LOST_LABEL = 16


def _tail_lost(label: str, text: str) -> bool:
    return len(label) >= TAIL_LOST_LABEL and len(label) - TAIL_LOST <= len(text) < len(label) and label.startswith(text)


def similar_pairs(labels: list[str], texts: list[str], cutoff: float) -> Iterator[tuple[int, int, float]]:
    """(i, j, score) for every label i and text j with similar(labels[i], texts[j]) >= cutoff.
    Each label is scored, in C, against the texts of about its length only (similar() takes
    no others): about as fast as rapidfuzz's cdist over all pairs (1.1 against 1.0 ms on an
    invoice), without importing numpy for it (a tenth of a second of every run's start)."""
    order = sorted(range(len(texts)), key=lambda j: len(texts[j]))
    lengths = [len(texts[j]) for j in order]
    by_length = [texts[j] for j in order]
    for i, label in enumerate(labels):
        slack = _length_slack(label)
        lost = max(slack, HEAD_LOST, TAIL_LOST if len(label) >= TAIL_LOST_LABEL else 0)
        lo, hi = bisect_left(lengths, len(label) - lost), bisect_right(lengths, len(label) + slack)
        # Confusable letters lift a ratio by CONFUSED_BONUS at most: the C pass looks that far below.
        for _, _, k in process.extract(label, by_length[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff - CONFUSED_BONUS,
                                       limit=None):
            score = similar(label, by_length[lo + k])
            if score >= cutoff:
                yield i, order[lo + k], score


def phrase_in_text(phrase: str, text: str, cutoff: float = 86.0) -> bool:
    """Whether a folded phrase occurs in folded text, tolerating a few OCR errors."""
    if len(phrase) <= 5:
        return f" {phrase} " in f" {text} "
    if len(text) < len(phrase):
        # partial_ratio looks for the shorter string in the longer: a page read as a few
        # letters ('~~', 'Дата') would hold every phrase that holds them.
        return fuzz.ratio(phrase, text, score_cutoff=cutoff) > 0
    return fuzz.partial_ratio(phrase, text, score_cutoff=cutoff) > 0
