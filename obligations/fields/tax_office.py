"""A KPP read against its INN: the first four figures of both are a tax office's code.

An organisation's INN begins with the code of the office that gave it, and its KPP with the
code of the office it is registered with, most often the same one; the first two figures of
either are the region's. A KPP whose region reads one figure off its INN's, the two figures
ones OCR mistakes for each other in a print ('6507' for '6307' in a condensed sans; '5684' for
'6684' on a fax), was misread: the INN's check digits vouch for its own figures. A KPP
registered in another region than its INN's (a branch, a move) differs in more than one figure
or in figures no print confuses, and is kept as read. Offices within a region are not
compared: a company moved across a city keeps its INN and gets its new office's KPP.
"""

from __future__ import annotations

from dataclasses import replace

from ..doctypes import DocType
from .choice import Found

REGION_FIGURES = 2
# Figures Tesseract reads for each other (their shapes differ by an open or a closed stroke).
LOOKALIKE_FIGURES = {frozenset(pair) for pair in ("35", "38", "56", "58", "68", "89", "08", "06", "09", "17")}
FROM_INN_CONF = 0.6  # a figure taken from another field: no reading of the KPP gave it


def region_from_inn(doctype: DocType, results: dict[str, Found]) -> None:
    """Each KPP field (`FieldSpec.tax_office_of` names its INN's) whose region code reads one
    lookalike figure off its valid INN's, given the INN's figure, doubted, in place."""
    for spec in doctype.fields:
        inn = results.get(spec.tax_office_of or "")
        kpp = results[spec.id]
        if inn is None or not (inn.value and inn.valid and kpp.value and kpp.valid):
            continue
        read, given = kpp.value[:REGION_FIGURES], inn.value[:REGION_FIGURES]
        apart = [(a, b) for a, b in zip(read, given) if a != b]
        if len(apart) == 1 and frozenset(apart[0]) in LOOKALIKE_FIGURES:
            results[spec.id] = replace(
                kpp, value=given + kpp.value[REGION_FIGURES:], confidence=min(kpp.confidence, FROM_INN_CONF),
                warning=f"{spec.id}: its region code read {read}, not its INN's {given}: taken as the INN's")
