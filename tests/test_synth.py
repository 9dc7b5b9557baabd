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
    for doc in docs("invoice", 30):
        for side in ("seller", "buyer"):
            inn, kpp = doc.fields[f"{side}_inn"], doc.fields[f"{side}_kpp"]
            assert inn_ok(inn), inn
            if kpp is None:  # a sole trader: 12 digits, no KPP, only on the official form
                assert re.fullmatch(r"\d{12}", inn) and doc.layout.startswith("official/")
            else:
                assert re.fullmatch(r"\d{10}", inn) and re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp)
                assert kpp[:4] == inn[:4]


# --------------------------------------------------------------------------- ground truth contract

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMATS = {
    "series_number": r"\d{4} \d{6}",
    "division_code": r"\d{3}-\d{3}",
    "gender": r"male|female",
    "total": r"\d+\.\d{2}",
}


# Fields a document may lack: the KPP of a sole trader, the upper page of a passport's data page alone.
ABSENT = {"invoice": {"seller_kpp", "buyer_kpp"}, "passport": {"issued_by", "issue_date", "division_code"}}


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_every_field_has_a_value_a_box_and_a_normalised_form(doc_type):
    for doc in docs(doc_type, 30):
        assert set(doc.fields) == set(synth.FIELDS[doc_type])
        for fid in synth.FIELDS[doc_type]:
            value, printed = doc.fields[fid], doc.printed[fid]
            if value is None:
                assert fid in ABSENT.get(doc_type, ()), (doc.layout, fid)
                assert printed is None and doc.canvas.field_box(fid) is None
                continue
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
            if doc.fields.get(fid):
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
        if printed is None:
            continue
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


# --------------------------------------------------------------------------- the levels of issue E

NEW_LEVELS = ("lowres", "speckle", "fax", "photo", "stamp")
BLOCK = (600, 500, 900, 620)  # a black block on the test page, clean 300-dpi pixels


@lru_cache(maxsize=None)
def page(ink: int = 0) -> Image.Image:
    """A small light page (A6 at 300 dpi) with one dark block and a line of text."""
    img = Image.new("RGB", (1240, 1748), (250, 249, 245))
    img.paste((ink, ink, ink), BLOCK)
    fam = render.font_families()[0]
    render.Canvas(1, 1)  # the fonts load
    from PIL import ImageDraw
    ImageDraw.Draw(img).text((150, 1000), "ИВАНОВ ИВАН 12.03.1985", font=render.font(fam.regular, 48).pil,
                             fill=(20, 20, 20), anchor="ls")
    return img


@lru_cache(maxsize=None)
def degraded(level: str, seed: int = 0, ink: int = 0):
    return degrade(page(ink), level, random.Random(seed), boxes=[BLOCK])


def gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.float32)


@pytest.mark.parametrize("level", NEW_LEVELS)
def test_new_levels_are_deterministic_for_a_seed(level):
    a = degrade(page(), level, random.Random(3), boxes=[BLOCK])
    b = degrade(page(), level, random.Random(3), boxes=[BLOCK])
    c = degraded(level, seed=4)
    assert a.level == level and a.image.tobytes() == b.image.tobytes() and a.matrix == b.matrix
    assert a.image.size != c.image.size or a.image.tobytes() != c.image.tobytes()


@pytest.mark.parametrize("level", NEW_LEVELS)
@pytest.mark.parametrize("seed", [0, 1])
def test_boxes_follow_the_pixels(level, seed):
    d = degraded(level, seed)
    x0, y0, x1, y1 = d.box(BLOCK)
    g = gray(d.image)
    assert 0 <= x0 < x1 <= g.shape[1] and 0 <= y0 < y1 <= g.shape[0]
    # The mapped box holds the block: its core is dark...
    cx0, cy0 = d.point(BLOCK[0] + 60, BLOCK[1] + 30)
    cx1, cy1 = d.point(BLOCK[2] - 60, BLOCK[3] - 30)
    core = g[round(min(cy0, cy1)):round(max(cy0, cy1)), round(min(cx0, cx1)):round(max(cx0, cx1))]
    assert core.size and core.mean() < 90, (level, core.mean())
    # ... and the block does not reach past the box: a band just outside it is light.
    m = max(4, round(8 * d.dpi / 300))
    for band in (g[y0:y1, max(0, x0 - 3 * m):x0 - m], g[y0:y1, x1 + m:x1 + 3 * m],
                 g[max(0, y0 - 3 * m):y0 - m, x0:x1], g[y1 + m:y1 + 3 * m, x0:x1]):
        assert band.size and band.mean() > core.mean() + 80, (level, band.mean(), core.mean())
    # A box that does not move stays the size of the block, scaled to the written resolution.
    scale = d.dpi / 300
    assert (x1 - x0) < (BLOCK[2] - BLOCK[0]) * scale * 1.25 + 20


def test_photo_puts_the_page_on_a_table_and_boxes_follow_the_perspective():
    for seed in range(3):
        dark, light = degraded("photo", seed, ink=0), degrade(page().point(lambda v: 255), "photo",
                                                             random.Random(seed), boxes=[BLOCK])
        assert dark.matrix[6:8] != (0.0, 0.0)  # a true perspective, not an affine map
        w, h = page().size
        quad = [dark.point(x, y) for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
        area = 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(quad, quad[1:] + quad[:1])))
        fw, fh = dark.image.size
        assert 0.45 < area / (fw * fh) < 0.9, area / (fw * fh)
        assert all(0 <= x <= fw and 0 <= y <= fh for x, y in quad)
        # Outside the page the frame is the table, whatever the page shows; inside, the page.
        a, b = gray(dark.image), gray(light.image)
        xs, ys = [x for x, _ in quad], [y for _, y in quad]
        outside = np.ones(a.shape, bool)
        outside[max(0, round(min(ys)) - 12):round(max(ys)) + 12, max(0, round(min(xs)) - 12):round(max(xs)) + 12] = False
        assert outside.sum() > 1000 and (a[outside] == b[outside]).all()
        x0, y0, x1, y1 = dark.box(BLOCK)
        assert b[y0:y1, x0:x1].mean() - a[y0:y1, x0:x1].mean() > 60
        assert dark.jpeg_quality and dark.dpi < 300 and dark.dpi_metadata in ((72, 72), None)


def test_lowres_is_written_with_few_pixels(tmp_path):
    for seed in range(4):
        d = degraded("lowres", seed)
        assert 75 <= d.dpi <= 150 and 30 <= d.jpeg_quality <= 60
        w, h = page().size
        assert d.image.width < w * d.dpi / 300 * 1.1 and d.image.height < h * d.dpi / 300 * 1.1
        assert d.dpi_metadata in ((72, 72), None, (d.dpi, d.dpi))
    (path,) = synth.generate("snils", 1, tmp_path, degrade="lowres", seed=2)
    t = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    clean = synth.render_clean("snils", seed=2)[0]
    with Image.open(path) as img:
        assert t["degrade"] == "lowres" and list(img.size) == t["size"] and t["dpi"] <= 150
        assert img.width * img.height < clean.width * clean.height / 3.5
        meta = img.info.get("dpi")
        assert (round(meta[0]) if meta else None) == (t["dpi_metadata"][0] if t["dpi_metadata"] else None)


def test_fax_is_two_valued_and_anisotropic_sampling_is_undone(tmp_path):
    for seed in range(4):
        d = degraded("fax", seed)
        values = set(np.unique(np.asarray(d.image)))
        assert values <= {0, 255} and values == {0, 255}
        assert 195 <= d.dpi <= 205
        assert d.image.width == pytest.approx(page().width * d.dpi / 300, abs=40)  # square pixels again
    (path,) = synth.generate("inn", 1, tmp_path, degrade="fax", seed=2)
    with Image.open(path) as img:
        assert set(np.unique(np.asarray(img.convert("L")))) <= {0, 255}


def test_speckle_adds_specks_to_a_blank_page():
    blank = Image.new("RGB", (1200, 1200), (250, 250, 250))
    clean = gray(degrade(blank, "scan", random.Random(1)).image)
    for seed in range(3):
        d = degrade(blank, "speckle", random.Random(seed))
        g = gray(d.image)
        assert 200 <= d.dpi <= 300 and d.jpeg_quality is None
        assert (g < 100).sum() > 300 and (clean < 100).sum() < 50


def test_stamp_is_coloured_and_lies_over_a_value():
    for seed in range(3):
        d = degraded("stamp", seed)
        a = np.asarray(d.image.convert("RGB"), dtype=np.int16)
        blue = (a[..., 2] - a[..., 0] > 30) & (a[..., 2] - a[..., 1] > 20)  # blue or violet ink
        assert blue.sum() > 1500, blue.sum()
        ys, xs = np.nonzero(blue)
        x0, y0, x1, y1 = d.box(BLOCK)  # the seal was put next to the only value box
        cx, cy = xs.mean(), ys.mean()
        assert abs(cx - (x0 + x1) / 2) < 450 * d.dpi / 300 and abs(cy - (y0 + y1) / 2) < 350 * d.dpi / 300


def test_stamp_overlaps_values_of_a_real_document(tmp_path):
    (path,) = synth.generate("passport", 1, tmp_path, degrade="stamp", seed=7)
    t = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    a = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    blue = (a[..., 2] - a[..., 0] > 30) & (a[..., 2] - a[..., 1] > 20)
    touched = [f for f, b in t["bbox"].items() if b and blue[b[1]:b[3], b[0]:b[2]].any()]
    assert t["degrade"] == "stamp" and touched


def test_mixed_draws_every_level(tmp_path):
    drawn = {synth.draw_level("mixed", random.Random(f"0/receipt/{i}/degrade")) for i in range(200)}
    assert drawn == set(synth.degrade.LEVELS) and set(NEW_LEVELS) <= set(synth.DEGRADATIONS)
    paths = synth.generate("receipt", 3, tmp_path, degrade="mixed", seed=1)
    levels = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["degrade"] for p in paths]
    assert all(level in synth.degrade.LEVELS for level in levels)


# --------------------------------------------------------------------------- the layouts of issue E


def find(doc_type: str, prefix: str, want=lambda d: True, tries: int = 300):
    for seed in range(tries):
        doc = synth.render_document(doc_type, random.Random(f"find/{seed}"))
        if doc.layout.startswith(prefix) and want(doc):
            return doc
    raise AssertionError(f"no {doc_type} {prefix} in {tries} documents")


AMOUNT = re.compile(r"\d{1,3}(?: \d{3})*(?:[,.-]\d{2})(?: руб\.)?|\d+[,.-]\d{2}(?: руб\.)?")


def amount(text: str) -> str:
    digits = re.sub(r"[^\d]", "", text)
    return f"{int(digits[:-2])}.{digits[-2:]}"


def total_row(doc) -> list[str]:
    """The texts on the "Всего к оплате" row, left to right."""
    texts = doc.canvas.text_boxes()
    (label,) = [b for b, t in texts if t == "Всего к оплате"]
    return [t for b, t in sorted(texts) if abs(b[3] - label[3]) < 12 and b[0] > label[2]]


@pytest.mark.parametrize("kind", ["organisation", "sole-trader"])
def test_official_invoice_form(kind):
    doc = find("invoice", f"official/{kind}")
    texts = [t for _, t in doc.canvas.text_boxes()]
    for code in ("(1)", "(1а)", "(2)", "(2а)", "(2б)", "(3)", "(6)", "(6б)", "(7)"):
        assert code in texts, code
    assert {"1", "1а", "2", "2а", "3", "4", "5", "7", "8", "9"} <= set(texts)  # the numbered column row
    assert any(re.fullmatch(r"(СЧЕТ|СЧЁТ|Счет)-ФАКТУРА № .+ от .+", t, re.I) for t in texts)
    row = total_row(doc)
    assert len(row) == 4 and row[1] == "X"  # without tax, X, tax, with tax
    assert amount(row[-1]) == doc.fields["total"] and doc.printed["total"] == row[-1]
    net = amount(row[0])
    tax = "0.00" if row[2] in ("без НДС", "Без налога (НДС)", "X") else amount(row[2])
    assert round(float(net) + float(tax), 2) == float(doc.fields["total"])
    seller_inn, seller_kpp = doc.fields["seller_inn"], doc.fields["seller_kpp"]
    assert inn_ok(seller_inn) and inn_ok(doc.fields["buyer_inn"])
    if kind == "sole-trader":
        assert len(seller_inn) == 12 and seller_kpp is None and "seller_kpp" not in doc.canvas.boxes
    else:
        assert len(seller_inn) == 10 and seller_kpp[:4] == seller_inn[:4]


def test_official_invoice_amount_formats_vary():
    seen = set()
    for seed in range(200):
        doc = synth.render_document("invoice", random.Random(f"find/{seed}"))
        if doc.layout.startswith("official"):
            p = doc.printed["total"]
            seen.add("dash" if re.search(r"-\d\d", p) else "dot" if re.search(r"\.\d\d", p) else
                     "space" if " " in p.replace(" руб.", "") else "plain")
            seen.add("руб." if p.endswith("руб.") else "")
            assert amount(p) == doc.fields["total"]
    assert {"dash", "dot", "space", "plain", "руб.", ""} <= seen, seen


def test_passport_data_page_alone():
    doc = find("passport", "data-page/")
    texts = [t for _, t in doc.canvas.text_boxes()]
    assert not any("выдан" in t.lower() or "подразделения" in t.lower() for t in texts)
    for fid in ("issued_by", "issue_date", "division_code"):
        assert doc.fields[fid] is None and doc.printed[fid] is None and fid not in doc.canvas.boxes
    for fid in ("series_number", "last_name", "first_name", "middle_name", "gender", "birth_date", "birth_place"):
        assert doc.fields[fid] and doc.canvas.field_box(fid)
    (box,) = doc.canvas.boxes["series_number"]
    assert box[3] - box[1] > 3 * (box[2] - box[0])
    assert doc.canvas.width > doc.canvas.height  # one page, landscape, not the tall spread


def test_new_layouts_keep_the_old_documents():
    """A new layout is decided aside from the document's rng: a seed that draws an old
    layout draws exactly the document it drew before (here: its first values)."""
    a = synth.render_document("invoice", random.Random("test/0"))
    b = synth.render_document("invoice", random.Random("test/0"))
    assert a.fields == b.fields
    layouts = {d.layout.split("/")[0] for d in docs("invoice", 30)} | {d.layout.split("/")[0] for d in docs("passport", 30)}
    assert "official" in layouts and "data-page" in layouts


def test_null_fields_in_truth_json(tmp_path):
    doc_seed = next(i for i in range(100)
                    if synth.render_document("passport", synth._rng(3, "passport", i)).layout.startswith("data-page"))
    synth.generate("passport", doc_seed + 1, tmp_path, seed=3)
    t = json.loads((tmp_path / f"passport_{doc_seed:04d}.json").read_text(encoding="utf-8"))
    assert t["fields"]["issued_by"] is None and t["bbox"]["issued_by"] is None and t["printed"]["issued_by"] is None
    with (tmp_path / "annotation.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter=";") if r[2] == f"passport_{doc_seed:04d}.png"]
    assert {r[6]: r[4] for r in rows}["issued_by"] == ""
