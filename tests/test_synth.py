"""Tests of the synthetic document generator (fast: layout only where possible)."""

from __future__ import annotations

import csv
import json
import random
import re
from datetime import date
from functools import lru_cache

import numpy as np
import pymupdf
import pytest
from PIL import Image

from obligations import synth
from obligations.synth import render
from obligations.synth.degrade import degrade

@lru_cache(maxsize=None)
def docs(doc_type: str, n: int = 12) -> tuple:
    """Laid-out documents (no rasters), shared by the tests."""
    if n > 12:
        return docs(doc_type) + tuple(
            synth.render_document(doc_type, random.Random(f"test/{seed}")) for seed in range(12, n)
        )
    return tuple(synth.render_document(doc_type, random.Random(f"test/{seed}")) for seed in range(n))


def collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- check digits (reference)


def snils_ok(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    s = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1)))
    check = s if s < 100 else 0 if s in (100, 101) else s % 101 % 100
    return int(digits[:9]) > 1_001_998 and f"{check:02d}" == digits[9:]


def inn_ok(inn: str) -> bool:
    def c(digits, weights):
        return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)

    w10 = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    if len(inn) == 10:
        return c(inn, w10) == inn[9]
    return len(inn) == 12 and c(inn, [7] + w10) == inn[10] and c(inn, [3, 7] + w10) == inn[11]


def test_reference_check_digits_agree_with_known_numbers():
    assert snils_ok("112-233-445 95")
    assert not snils_ok("112-233-445 96")
    assert inn_ok("7707083893") and inn_ok("500100732259")
    assert not inn_ok("7707083894") and not inn_ok("500100732258")


def test_generated_identifiers_have_valid_check_digits():
    for doc in docs("snils"):
        assert re.fullmatch(r"\d{3}-\d{3}-\d{3} \d{2}", doc.fields["number"])
        assert snils_ok(doc.fields["number"])
    for doc in docs("inn"):
        assert re.fullmatch(r"\d{12}", doc.fields["inn"]) and inn_ok(doc.fields["inn"])
    for doc in docs("invoice"):
        for side in ("seller", "buyer"):
            inn, kpp = doc.fields[f"{side}_inn"], doc.fields[f"{side}_kpp"]
            assert re.fullmatch(r"\d{10}", inn) and inn_ok(inn)
            assert re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp)


# --------------------------------------------------------------------------- ground truth contract

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMATS = {
    "series_number": r"\d{4} \d{6}",
    "division_code": r"\d{3}-\d{3}",
    "gender": r"male|female",
    "total": r"\d+\.\d{2}",
}


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_every_field_has_a_value_a_box_and_a_normalised_form(doc_type):
    for doc in docs(doc_type):
        assert set(doc.fields) == set(synth.FIELDS[doc_type])
        for fid in synth.FIELDS[doc_type]:
            value, printed = doc.fields[fid], doc.printed[fid]
            assert value and value == value.strip() and printed
            assert doc.canvas.field_box(fid) is not None
            if fid in FORMATS:
                assert re.fullmatch(FORMATS[fid], value), (fid, value)
            if "date" in fid:
                assert ISO.fullmatch(value), (fid, value)
            if fid.endswith("_name") and doc_type in ("snils", "inn", "passport"):
                assert value == value[:1].upper() + value[1:].lower(), value
            if fid in ("birth_place", "issued_by", "seller_name", "buyer_name", "company", "address"):
                assert value == collapse(printed)


@pytest.mark.parametrize("doc_type", ["snils", "inn", "passport"])
def test_dates_are_plausible(doc_type):
    for doc in docs(doc_type):
        birth = date.fromisoformat(doc.fields["birth_date"])
        assert date(1940, 1, 1) <= birth <= date(2005, 12, 31)
        for fid in ("issue_date", "registration_date"):
            if fid in doc.fields:
                d = date.fromisoformat(doc.fields[fid])
                assert d.year - birth.year >= 14 and d < date(2025, 1, 1)


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_documents_vary(doc_type):
    seen = docs(doc_type, 30)
    layouts = {d.layout.split("/")[0] for d in seen}
    assert len(layouts) >= 3, layouts
    assert len({d.font for d in seen}) >= 3


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_no_text_overlaps_and_everything_is_on_the_page(doc_type):
    def overlap(a, b, tol=2):
        return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol

    for doc in docs(doc_type, 30):
        c = doc.canvas
        boxes = c.text_boxes()
        for i, (a, text) in enumerate(boxes):
            assert 0 <= a[0] and 0 <= a[1] and a[2] <= c.width and a[3] <= c.height, (doc.layout, text)
            for b, other in boxes[i + 1:]:
                assert not overlap(a, b), (doc.layout, text, other)


def test_text_is_big_enough_and_dark_on_light():
    for doc_type in synth.DOC_TYPES:
        for doc in docs(doc_type):
            for op in doc.canvas.ops:
                if isinstance(op, render.Text):
                    assert op.font.size >= 38, (doc_type, op.text, op.font.size)
                    assert sum(op.color) / 3 < 130, (doc_type, op.text, op.color)
            assert min(doc.canvas.paper) >= 200


def test_passport_number_is_only_vertical():
    for doc in docs("passport"):
        printed = doc.printed["series_number"]
        texts = [op for op in doc.canvas.ops if isinstance(op, render.Text) and printed in op.text]
        assert texts and all(op.rotate in (90, 270) for op in texts)
        assert ("series_number#2" in doc.canvas.boxes) == (len(texts) == 2)
        for box in doc.canvas.boxes["series_number"]:
            assert box[3] - box[1] > 3 * (box[2] - box[0])  # tall and narrow


# --------------------------------------------------------------------------- files


def test_generate_is_deterministic(tmp_path):
    a = synth.generate("receipt", 2, tmp_path / "a", seed=5)
    b = synth.generate("receipt", 2, tmp_path / "b", seed=5)
    c = synth.generate("receipt", 1, tmp_path / "c", seed=6)
    assert [p.name for p in a] == ["receipt_0000.png", "receipt_0001.png"]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes()
        assert pa.with_suffix(".json").read_text() == pb.with_suffix(".json").read_text()
    assert c[0].read_bytes() != a[0].read_bytes()


def test_truth_json(tmp_path):
    (path,) = synth.generate("passport", 1, tmp_path, seed=1)
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert truth["doc_type"] == "passport" and truth["dpi"] == 300 and truth["degrade"] == "none"
    assert set(truth["fields"]) == set(synth.FIELDS["passport"]) == set(truth["bbox"])
    assert truth["layout"] and truth["font"]
    with Image.open(path) as img:
        assert list(img.size) == truth["size"]


def test_annotation_csv_appends_with_running_index(tmp_path):
    synth.generate("snils", 1, tmp_path, seed=1)
    synth.generate("receipt", 2, tmp_path, seed=1)
    synth.generate("snils", 1, tmp_path, seed=1)  # numbering continues: snils_0001
    raw = (tmp_path / "annotation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    with (tmp_path / "annotation.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["data_index", "split", "image_path", "question", "answer", "doc_class",
                       "question_type", "answer_bbox"]
    body = rows[1:]
    n_snils, n_receipt = len(synth.FIELDS["snils"]), len(synth.FIELDS["receipt"])
    assert len(body) == 2 * n_snils + 2 * n_receipt
    assert [int(r[0]) for r in body] == list(range(len(body)))
    assert {r[2] for r in body} == {"snils_0000.png", "snils_0001.png", "receipt_0000.png", "receipt_0001.png"}
    for r in body:
        assert r[1] == "test" and r[3] and r[4] and (tmp_path / r[2]).exists()
        assert r[6] in synth.FIELDS[r[5]]
        assert re.fullmatch(r"\[\d+, \d+, \d+, \d+\]", r[7])
    truth = json.loads((tmp_path / "snils_0001.json").read_text(encoding="utf-8"))
    assert {r[6]: r[4] for r in body if r[2] == "snils_0001.png"} == truth["fields"]


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_digital_pdf_has_a_text_layer_with_the_values(tmp_path, doc_type):
    (path,) = synth.generate(doc_type, 1, tmp_path, fmt="digital-pdf", seed=2)
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    with pymupdf.open(path) as pdf:
        assert len(pdf) == 1
        page = pdf[0]
        text = collapse(page.get_text())
        assert page.get_text("words")
        assert page.rect.width == pytest.approx(truth["size"][0] * 72 / 300)
    for fid, printed in truth["printed"].items():
        assert collapse(printed) in text or all(w in text for w in printed.split()), (fid, printed)


def test_raster_pdf_and_jpg(tmp_path):
    (pdf_path,) = synth.generate("receipt", 1, tmp_path, fmt="pdf", degrade="scan", seed=3)
    (jpg_path,) = synth.generate("receipt", 1, tmp_path, fmt="jpg", seed=3)
    with pymupdf.open(pdf_path) as pdf:
        assert pdf[0].get_text().strip() == "" and pdf[0].get_images()
    with Image.open(jpg_path) as img:
        assert img.format == "JPEG"


def test_degradation_changes_pixels_and_keeps_boxes_on_ink(tmp_path):
    clean = synth.generate("receipt", 1, tmp_path / "clean", seed=4)[0]
    poor = synth.generate("receipt", 1, tmp_path / "poor", degrade="poor", seed=4)[0]
    t_clean = json.loads(clean.with_suffix(".json").read_text(encoding="utf-8"))
    t_poor = json.loads(poor.with_suffix(".json").read_text(encoding="utf-8"))
    assert t_clean["fields"] == t_poor["fields"]  # same document, only the scan differs
    assert t_poor["degrade"] == "poor" and t_poor["rotation"] != 0
    img = np.asarray(Image.open(poor).convert("L"))
    assert img.shape != np.asarray(Image.open(clean).convert("L")).shape or (
        img != np.asarray(Image.open(clean).convert("L"))).any()
    h, w = img.shape
    for fid, (x0, y0, x1, y1) in t_poor["bbox"].items():
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        assert img[y0:y1, x0:x1].min() < img.mean() - 60, fid  # the box holds dark ink


def test_rotated_boxes_follow_the_pixels():
    img = Image.new("RGB", (1000, 700), "white")
    img.paste((0, 0, 0), (700, 100, 740, 130))
    for seed in range(4):
        d = degrade(img, "scan", random.Random(seed))
        x0, y0, x1, y1 = d.box((700, 100, 740, 130))
        ys, xs = np.nonzero(np.asarray(d.image.convert("L")) < 100)
        assert len(xs) > 500
        assert x0 - 4 <= xs.min() and xs.max() <= x1 + 4 and y0 - 4 <= ys.min() and ys.max() <= y1 + 4
        assert (x1 - x0) < 40 + 0.05 * 1000 and (y1 - y0) < 30 + 0.05 * 1000


def test_bundle_concatenates_pages(tmp_path):
    parts = (
        synth.generate("passport", 1, tmp_path, fmt="jpg", seed=1)
        + synth.generate("snils", 1, tmp_path, fmt="pdf", seed=1)
        + synth.generate("inn", 1, tmp_path, fmt="digital-pdf", seed=1)
    )
    out = tmp_path / "bundle.pdf"
    synth.bundle(out, parts)
    with pymupdf.open(out) as pdf:
        assert len(pdf) == 3
        assert "СВИДЕТЕЛЬСТВО" in pdf[2].get_text()
        with Image.open(parts[0]) as img:
            assert pdf[0].rect.width == pytest.approx(img.width * 72 / 300)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        synth.generate("visa", 1, tmp_path)
    with pytest.raises(ValueError):
        synth.generate("snils", 1, tmp_path, degrade="awful")
    with pytest.raises(ValueError):
        synth.generate("snils", 1, tmp_path, fmt="tiff")


def test_missing_fonts_give_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "FONT_DIRS", (tmp_path,))
    render.font_families.cache_clear()
    try:
        with pytest.raises(render.FontError, match="apt-get install fonts-dejavu-core"):
            synth.generate("snils", 1, tmp_path / "out")
    finally:
        render.font_families.cache_clear()
