"""Words a field's values print (a doc type's `words`), read back where OCR misread one letter of
one as a letter that looks like it: 'MALAYSTA' (T for I), 'TAHAN' (H for M), 'THN' (for TMN).

Only a word the list lacks is read back, only by one letter, only between letters that look
alike in print (`LOOKALIKES`), and only where one listed word is that close: a word read right
that the list lacks stays as it is unless one lookalike letter would make it a listed word.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Letters (and the figures and signs) OCR reads one for another in print: a narrow stroke, a
# letter with legs, a round letter, a letter of curves, and the pairs that differ by a stroke.
LOOKALIKES = ("IL1T|!J", "MHN", "O0DQUCG", "S5$B83", "EF", "YV", "A4", "Z2", "PR")
_CLASS = {ch: i for i, group in enumerate(LOOKALIKES) for ch in group}
SHORTEST = 3  # a word this long or longer is read back ('JIN' for JLN); shorter ones are too alike
_TOKEN = re.compile(r"[A-Z0-9|!$]+")


def respelled(value: str, words: tuple[str, ...]) -> str:
    """`value` (in capitals) with each word that is one lookalike letter off exactly one of
    `words` read as that word."""
    if not words:
        return value
    listed, near = _index(words)
    return _TOKEN.sub(lambda m: _respell(m.group(), listed, near), value)


def _respell(token: str, listed: frozenset[str], near: dict[str, set[str]]) -> str:
    if len(token) < SHORTEST or token in listed or not any(ch.isalpha() for ch in token):
        return token
    found = set()
    for k, ch in enumerate(token):
        group = _CLASS.get(ch)
        if group is not None:
            found |= near.get(_key(token, k, group), set())
    return found.pop() if len(found) == 1 else token


@lru_cache(maxsize=8)
def _index(words: tuple[str, ...]) -> tuple[frozenset[str], dict[str, set[str]]]:
    """The listed words, and each word's keys: the word with one of its letters replaced by the
    letter's lookalike group (two words sharing a key are one lookalike letter apart)."""
    near: dict[str, set[str]] = {}
    for word in words:
        for k, ch in enumerate(word):
            group = _CLASS.get(ch)
            if group is not None:
                near.setdefault(_key(word, k, group), set()).add(word)
    return frozenset(words), near


def _key(word: str, k: int, group: int) -> str:
    return f"{word[:k]}\0{group}\0{word[k + 1:]}"
