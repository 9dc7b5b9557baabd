"""An invalid value read again in its own box (obligations.reading.invalid_values): only a valid
re-reading that changes the value replaces it."""

from __future__ import annotations

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.choice import Found
from obligations.reading.invalid_values import reread_invalid

INN = load_doctypes()["inn"]
BOX = (400, 300, 560, 330)


def _reread(first: Found, reread_as: str) -> Found:
    page = PageText(1, 2000, 2800, 300, "ocr", [Word(first.raw or "", BOX, 60.0, 1)])
    found = {"last_name": first}
    reread_invalid(INN, [page], found, lambda regions: {
        number: [[Word(reread_as, BOX, 95.0, 1)] for _ in requests] for number, requests in regions.items()})
    return found["last_name"]


def test_a_name_misread_is_taken_from_its_box_read_again():
    first = Found("Pодиoнова", "Pодиoнова", False, 0.3, 1, BOX, "label", "last_name: mixes Cyrillic and Latin")
    assert _reread(first, "Родионова").value == "Родионова"


def test_a_name_invalid_where_it_stands_stays_invalid_when_read_alike():
    """'Федеральная', a word the form prints, taken for a surname: read again, it is the same
    word, valid as a name but no less the form's."""
    first = Found("Федеральная", "ФЕДЕРАЛЬНАЯ", False, 0.92, 1, BOX, "group",
                  "last_name: 'Федеральная' is a word the form prints, not a name")
    again = _reread(first, "ФЕДЕРАЛЬНАЯ")
    assert again is first and not again.valid
