"""Real English receipts (ICDAR 2019 SROIE, 40 scans in ../shared/data/sroie_dev): exact match
per field after normalisation. Skipped where the development data is absent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.accuracy import Tally
from obligations.fields.normalize import normalize

SROIE = Path(__file__).resolve().parents[2] / "shared" / "data" / "sroie_dev" / "data"
# Measured with Tesseract 5 (rus+eng): company 0.35, date 0.825, total 0.60, address 0.025.
FLOORS = {"receipt.company": 0.25, "receipt.date": 0.6, "receipt.total": 0.45}


@pytest.mark.slow
@pytest.mark.skipif(not (SROIE / "img").is_dir(), reason="../shared/data/sroie_dev is not present")
def test_sroie_receipts_exact_match(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "obligations", "run", str(SROIE / "img"), "--out", str(tmp_path),
                           "-q"], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    tally = Tally()
    for key in sorted((SROIE / "key").glob("*.json")):
        truth = json.loads(key.read_text())
        expected = {"doc_type": "receipt", "fields": {
            "company": normalize("text", truth["company"]), "date": normalize("date", truth["date"]),
            "address": normalize("text", truth["address"]), "total": normalize("money", truth["total"])}}
        result = tmp_path / key.name
        tally.add(key.stem, json.loads(result.read_text()) if result.exists() else None, expected)
    print("\nSROIE exact match per field:\n" + tally.report())
    per_field = tally.per_field()
    for field, floor in FLOORS.items():
        assert per_field[field] >= floor, tally.report()
