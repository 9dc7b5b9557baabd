"""Field accuracy against synth ground truth, overall and per degradation level."""

from __future__ import annotations

import json
from pathlib import Path

from obligations.bench.accuracy import Tally, report_by, tally_directory


def _write(folder: Path, stem: str, truth: dict, got: dict | None, out: Path) -> None:
    (folder / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    if got is not None:
        fields = {k: {"value": v} for k, v in got.items()}
        document = {"doc_type": truth["doc_type"], "fields": fields}
        (out / f"{stem}.json").write_text(json.dumps({"documents": [document]}), encoding="utf-8")


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    truth_dir, out = tmp_path / "truth", tmp_path / "out"
    truth_dir.mkdir()
    out.mkdir()
    want = {"inn": "500100732259", "kpp": None}
    _write(truth_dir, "a", {"doc_type": "t", "degrade": "scan", "fields": want}, want, out)
    _write(truth_dir, "b", {"doc_type": "t", "degrade": "fax", "fields": want}, {"inn": "5001007322"}, out)
    _write(truth_dir, "c", {"doc_type": "t", "degrade": "photo", "fields": want}, None, out)  # no output
    _write(truth_dir, "d", {"doc_type": "t", "fields": want}, {"inn": "500100732259", "kpp": "500101001"}, out)
    (truth_dir / "annotation.json").write_text("[]", encoding="utf-8")  # not a truth file: skipped
    return truth_dir, out


def test_one_tally_per_degradation(tmp_path):
    truth_dir, out = _corpus(tmp_path)
    whole = tally_directory(truth_dir, out)
    assert isinstance(whole, Tally) and sum(whole.total.values()) == 8
    by = tally_directory(truth_dir, out, by="degradation")
    assert list(by) == ["none", "scan", "fax", "photo"]  # easiest first; no level recorded: none
    assert by["scan"].accuracy == 1.0
    assert by["fax"].per_field() == {"t.inn": 0.0, "t.kpp": 1.0}  # a null truth met by no value
    assert by["photo"].accuracy == 0.0
    assert by["none"].per_field() == {"t.inn": 1.0, "t.kpp": 0.0}  # a value where there is none
    assert sum(sum(t.correct.values()) for t in by.values()) == sum(whole.correct.values())


def test_report_has_a_table_per_level_and_a_summary(tmp_path):
    truth_dir, out = _corpus(tmp_path)
    text = report_by(tally_directory(truth_dir, out, by="degradation"))
    for level in ("none", "scan", "fax", "photo"):
        assert f"== degradation: {level}" in text
    summary = text.split("\n\n")[-1].splitlines()
    assert summary[0].split()[0] == "degradation"
    assert [line.split()[0] for line in summary[1:]] == ["none", "scan", "fax", "photo", "all"]
    assert summary[-1].split()[1:] == ["4/8", "50.0%"]


def test_other_groupings(tmp_path):
    truth_dir, out = _corpus(tmp_path)
    assert list(tally_directory(truth_dir, out, by="doc_type")) == ["t"]
    merged = Tally()
    for tally in tally_directory(truth_dir, out, by="degrade").values():
        merged.merge(tally)
    assert merged.accuracy == tally_directory(truth_dir, out).accuracy
