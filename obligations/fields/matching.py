"""Comparing printed labels with noisy OCR text.

OCR of rus+eng mixes Latin and Cyrillic lookalikes ("Фамилия" with a Latin "a"),
splits or glues words and drops punctuation, so labels are compared in a folded
form: lower case, ё as е, Latin lookalikes as Cyrillic, letters and digits only.
Zero folds to о and the signs ®/© Tesseract reads for a small Ф fold to ф, so that
"Ф.И.О." read as "®. И. 0." still reads as its label.
"""

from __future__ import annotations

from rapidfuzz import fuzz

_LOOKALIKES = str.maketrans("aeopcxykmthb0®©", "аеорсхукмтнвофф")


def fold(text: str) -> str:
    return text.lower().replace("ё", "е").translate(_LOOKALIKES)


def squash(text: str) -> str:
    """Folded letters, digits and '№' only: 'Ф. И. О.:' -> 'фио'."""
    return "".join(ch for ch in fold(text) if ch.isalnum() or ch == "№")


def similar(label: str, text: str) -> float:
    """0..100: how well squashed `text` reads as squashed `label`. Short labels must be exact,
    so 'Имя' never matches 'Именуемый' and 'Пол' never matches 'Подпись'."""
    if len(label) <= 4:
        return 100.0 if label == text else 0.0
    if abs(len(label) - len(text)) > max(2, 0.2 * len(label)):
        return 0.0  # 'месторождения' is not a misread 'датаиместорождения'
    return fuzz.ratio(label, text)


def phrase_in_text(phrase: str, text: str, cutoff: float = 86.0) -> bool:
    """Whether a folded phrase occurs in folded text, tolerating a few OCR errors."""
    if len(phrase) <= 5:
        return f" {phrase} " in f" {text} "
    return fuzz.partial_ratio(phrase, text, score_cutoff=cutoff) > 0
