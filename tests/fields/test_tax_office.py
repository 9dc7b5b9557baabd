from __future__ import annotations

import pytest

from obligations.doctypes import load_doctypes
from obligations.fields.choice import Found
from obligations.fields.tax_office import region_from_inn

INVOICE = load_doctypes()["invoice"]


def kpp_after(inn: str, kpp: str, inn_valid: bool = True) -> Found:
    results = {spec.id: Found() for spec in INVOICE.fields}
    results["seller_inn"] = Found(value=inn, raw=inn, valid=inn_valid, confidence=0.96)
    results["seller_kpp"] = Found(value=kpp, raw=kpp, valid=True, confidence=0.95)
    region_from_inn(INVOICE, results)
    return results["seller_kpp"]


@pytest.mark.parametrize("inn, read, want", [
    ("6307998439", "650701002", "630701002"),  # '3' read '5' in a condensed sans
    ("6684314726", "568402001", "668402001"),  # '6' read '5' on a fax
])
def test_a_kpp_whose_region_reads_one_lookalike_figure_off_its_inns_takes_the_inns(inn, read, want):
    got = kpp_after(inn, read)
    assert got.value == want and got.raw == read
    assert got.confidence <= 0.6 and "seller_kpp" in got.warning


@pytest.mark.parametrize("inn, kpp, valid", [
    ("6307998439", "630701002", True),  # the same office
    ("7701234567", "770701001", True),  # another office of the region (a move across the city)
    ("7707083893", "507501001", True),  # a branch in another region: two figures apart
    ("6307998439", "640701002", True),  # one figure apart, but no print confuses '3' and '4'
    ("6307998438", "650701002", False),  # the INN itself misread: it vouches for nothing
])
def test_a_kpp_is_kept_as_read_otherwise(inn, kpp, valid):
    got = kpp_after(inn, kpp, inn_valid=valid)
    assert (got.value, got.confidence, got.warning) == (kpp, 0.95, None)
