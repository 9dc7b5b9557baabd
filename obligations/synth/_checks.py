"""Check digits of Russian identifiers (private to the generator).

The validators used by the extractor live elsewhere; the generator keeps its
own copy so that synthetic ground truth never depends on the code under test.
"""

from __future__ import annotations

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def snils_check(digits9: str) -> str:
    """Two check digits of a SNILS given its first nine digits."""
    s = _weighted(digits9, (9, 8, 7, 6, 5, 4, 3, 2, 1))
    if s < 100:
        check = s
    elif s in (100, 101):
        check = 0
    else:
        check = s % 101
        if check == 100:
            check = 0
    return f"{check:02d}"


def inn10_check(digits9: str) -> str:
    """Check digit of a 10-digit (organisation) INN given its first nine digits."""
    return str(_weighted(digits9, _INN10_WEIGHTS) % 11 % 10)


def inn12_checks(digits10: str) -> str:
    """Two check digits of a 12-digit (person) INN given its first ten digits."""
    c11 = str(_weighted(digits10, _INN12_WEIGHTS_11) % 11 % 10)
    c12 = str(_weighted(digits10 + c11, _INN12_WEIGHTS_12) % 11 % 10)
    return c11 + c12

