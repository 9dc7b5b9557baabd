"""A first name OCR misread, read back as the given name it is one slip from.

Given names are few (given_names.txt); surnames are not. A first name the list lacks is read
back only where exactly one listed name is one of these slips away: one letter read as a
letter that looks like it in print ('Лгорь' for 'Игорь', 'Талина' for 'Галина', 'Ралентина' for
'Валентина'), or its first letter lost to a speck or a stamp's ring ('Онстантин', 'Орис'). A
name the list lacks and no listed name is that close to (a rare name read right) stays as read.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# Pairs of Cyrillic letters OCR reads one for the other in print (in small letters; 'ё' is 'е').
LOOKALIKE_PAIRS = {frozenset(pair) for pair in (
    "ил", "ин", "нп", "иц", "вр", "бв", "бс", "гт", "ес", "зэ", "шщ", "цщ", "кж", "дл", "оа", "ьъ",
)}
SHORTEST_HEADLESS = 4  # letters left of a name whose first letter was lost ('Орис'): fewer are too alike


def read_back(name: str | None) -> str | None:
    """`name` (one word, as normalised) or the listed given name it is one slip from."""
    if not name or " " in name or not name.isalpha():
        return name
    key = _fold(name)
    names = _given_names()
    if key in names:
        return name
    readings = set()
    for listed in names:
        if len(listed) == len(key):
            slips = [i for i, (a, b) in enumerate(zip(key, listed)) if a != b]
            if len(slips) == 1 and frozenset((key[slips[0]], listed[slips[0]])) in LOOKALIKE_PAIRS:
                i = slips[0]
                letter = listed[i].upper() if name[i].isupper() else listed[i]
                readings.add(name[:i] + letter + name[i + 1:])
        elif len(listed) == len(key) + 1 and len(key) >= SHORTEST_HEADLESS and listed[1:] == key:
            head = listed[0].upper() if name[0].isupper() else listed[0]
            readings.add(head + (name[0].lower() if not name.isupper() else name[0]) + name[1:])
    return readings.pop() if len(readings) == 1 else name


def is_listed(name: str) -> bool:
    """Whether `name` (one word, any case) is a listed given name."""
    return _fold(name) in _given_names()


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


@cache
def _given_names() -> frozenset[str]:
    text = (Path(__file__).with_name("given_names.txt")).read_text(encoding="utf-8")
    return frozenset(_fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#"))
