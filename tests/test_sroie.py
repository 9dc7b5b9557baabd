"""Real English receipts (ICDAR 2019 SROIE: 40 scans in ../shared/data/sroie_dev, 100 more in
../shared/data/sroie_more): exact match per field after normalisation. Each set is skipped where
it is absent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.accuracy import Tally
from obligations.fields.normalize import normalize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SROIE = DATA / "sroie_dev" / "data"
SROIE_MORE = DATA / "sroie_more" / "data"
KINDS = {"company": "text", "date": "date", "address": "text", "total": "money"}
# Measured with Tesseract 5 (rus+eng) by `obligations run` on the folder. History: company 0.35 -> 0.50,
# address 0.025 -> 0.10/0.125 (receipt header rules). Then, the reading of the day giving date 0.75 and
# total 0.475 before: the total weighed against the receipt's other amounts (cash less change, rounding),
# dates as receipts print them, an address normaliser: total 0.475 -> 0.75, address 0.075 -> 0.125,
# company 0.50, date 0.75 (unchanged; the misses are OCR's).
# Then the address after registration and tax-number rows, below a skewed name, ending at a row set
# apart; a date glued to letters as an item's code; sums a rounding step apart (same reading, before ->
# after): company 0.475 -> 0.525, address 0.15 -> 0.225, date 0.85, total 0.725. The reading varies with
# the page conditioning of the day by a field or two: floors are one or two receipts below.
# Later (the reading grew better): company 0.70, date 0.925, total 0.825, address 0.275; then the cash row
# above the change read where its label was not (a punched hole): total 0.825 -> 0.875. Then address words
# read a lookalike letter off read back ('MALAYSTA'), a blue header kept (not taken for a stamp), an 'SDN'
# read short and unsure kept: company 0.70 -> 0.725, date 0.925 -> 0.95, address 0.275 -> 0.325.
FLOORS = {"receipt.company": 0.65, "receipt.date": 0.875, "receipt.total": 0.80, "receipt.address": 0.25}
# The same on sroie_more: before -> after the same changes: company 0.69 (the floor was 0.70 when
# the reading gave 0.75), date 0.83 -> 0.87, total 0.65 -> 0.83, address 0.343 -> 0.354.
# Then, with the changes above: company 0.75, date 0.93 -> 0.94, total 0.86 -> 0.87, address 0.384 -> 0.404.
# Then a Malay trade word opening a row starts the name, and 'BHPetro]' reads 'BHPETROL': company 0.76 -> 0.79.
# Then a registration number read with an open bracket after the legal form: company 0.79 -> 0.80.
MORE_FLOORS = {"receipt.company": 0.78, "receipt.date": 0.90, "receipt.total": 0.87, "receipt.address": 0.41}


def _exact_match(folder: Path, out: Path) -> Tally:
    proc = subprocess.run([sys.executable, "-m", "obligations", "run", str(folder / "img"), "--out", str(out),
                           "-q"], capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    tally = Tally()
    for key in sorted((folder / "key").glob("*.json")):
        truth = json.loads(key.read_text())
        # A key may lack a field (one receipt of sroie_more has no address): it is not scored.
        expected = {"doc_type": "receipt",
                    "fields": {f: normalize(kind, truth[f]) for f, kind in KINDS.items() if f in truth}}
        result = out / key.name
        tally.add(key.stem, json.loads(result.read_text()) if result.exists() else None, expected)
    return tally


@pytest.mark.slow
@pytest.mark.parametrize("folder, floors", [(SROIE, FLOORS), (SROIE_MORE, MORE_FLOORS)], ids=["sroie_dev", "sroie_more"])
def test_sroie_receipts_exact_match(tmp_path, folder, floors):
    if not (folder / "img").is_dir():
        pytest.skip(f"{folder.parent} is not present")
    tally = _exact_match(folder, tmp_path)
    print(f"\nSROIE ({folder.parent.name}) exact match per field:\n" + tally.report())
    per_field = tally.per_field()
    for field, floor in floors.items():
        assert per_field[field] >= floor, tally.report()
