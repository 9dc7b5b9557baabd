"""A second opinion per field: merging rules, the text-layer fallback and --verify-with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from obligations.results import FieldResult
from obligations.verify import merge_field, merge_fields

FONT = next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"), None)
pytestmark = pytest.mark.skipif(FONT is None, reason="needs fonts-dejavu-core")


def field(value, valid, confidence=0.9) -> FieldResult:
    return FieldResult(value, value, valid if value is not None else None, confidence, 1, [0, 0, 1, 1], "label")


def test_the_valid_value_wins_then_the_agreed_one_then_the_surer_one():
    wrong, right = field("112-233-445 96", False, 0.99), field("112-233-445 95", True, 0.5)
    merged = merge_field(wrong, right, "text_layer", "tesseract")
    assert (merged.value, merged.valid, merged.agreement, merged.review) == ("112-233-445 95", True, False, True)
    assert merged.votes == {"text_layer": {"value": "112-233-445 96", "valid": False},
                            "tesseract": {"value": "112-233-445 95", "valid": True}}
    agreed = merge_field(field("Иван", True, 0.6), field("Иван", True, 0.95), "a", "b")
    assert (agreed.agreement, agreed.review, agreed.confidence) == (True, False, 0.95)
    surer = merge_field(field("Петров", True, 0.6), field("Иванов", True, 0.95), "a", "b")
    assert (surer.value, surer.review) == ("Иванов", True)
    kept = merge_field(field("Петров", True, 0.95), field("Иванов", True, 0.6), "a", "b")
    assert (kept.value, kept.review) == ("Петров", True)  # a disagreement is to review even when the first wins
    found = merge_field(field(None, None), field("Иванов", True, 0.5), "a", "a")
    assert found.value == "Иванов" and set(found.votes) == {"a", "a (second)"}
    fields, warnings = merge_fields({"last_name": field("Петров", True, 0.6)}, {}, "a", "b")
    assert fields["last_name"].value == "Петров" and fields["last_name"].review and "b found nothing" in warnings[0]


SHOWN = ["СТРАХОВОЕ СВИДЕТЕЛЬСТВО", "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ", "№ 112-233-445 95",
         "Фамилия ИВАНОВ", "Имя ИВАН", "Отчество ИВАНОВИЧ", "Дата рождения 01.02.1980", "Пол мужской"]


def scan_with_ocr_layer(path: Path, hidden: list[str]) -> Path:
    """A scanned page (an image, 200 dpi) with OCR software's invisible text layer over it."""
    image = Image.new("L", (1700, 1000), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(SHOWN):
        draw.text((80, 80 + 100 * i), line, font=font, fill=0)
    picture = path.with_name(path.stem + "_image.png")
    image.save(picture)
    doc = pymupdf.open()
    scale = 72 / 200
    page = doc.new_page(width=1700 * scale, height=1000 * scale)
    page.insert_image(page.rect, filename=str(picture))
    picture.unlink()
    page.insert_font(fontname="dv", fontfile=str(FONT))
    for i, line in enumerate(hidden):
        page.insert_text((80 * scale, (120 + 100 * i) * scale), line, fontname="dv", fontsize=30 * scale, render_mode=3)
    doc.save(path)
    return path


# What poor OCR software left: a wrong check digit, a wrong surname and patronymic (both "valid").
POOR_LAYER = [line.replace("445 95", "445 96").replace("ИВАНОВ", "ПЕТРОВ") for line in SHOWN]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obligations", "run", *args, "-q"], capture_output=True, text=True,
                          timeout=300)


def fields_of(out: Path, name: str) -> dict:
    return json.loads((out / name).read_text())["documents"][0]["fields"]


def test_a_text_layer_whose_values_fail_their_checks_is_read_by_ocr(tmp_path):
    pdf = scan_with_ocr_layer(tmp_path / "scan.pdf", POOR_LAYER)
    proc = run(str(pdf), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    fields = fields_of(tmp_path / "out", "scan.json")
    number, last_name = fields["number"], fields["last_name"]
    assert (number["value"], number["valid"], number["review"]) == ("112-233-445 95", True, True)
    assert number["votes"]["text_layer"] == {"value": "112-233-445 96", "valid": False}
    # The invisible layer is an OCR reading, never certain: a sure reading of the page wins.
    assert (last_name["value"], last_name["agreement"], last_name["review"]) == ("Иванов", False, True)
    assert fields["first_name"]["agreement"] is True and fields["first_name"]["review"] is False
    # --no-fallback keeps the layer alone.
    assert run(str(pdf), "-o", str(tmp_path / "kept"), "--no-fallback").returncode == 0
    kept = fields_of(tmp_path / "kept", "scan.json")
    assert kept["number"]["value"] == "112-233-445 96" and "votes" not in kept["number"]


def test_verify_with_tesseract_checks_a_layer_whose_values_all_validate(tmp_path):
    layer = [line.replace("ИВАНОВ", "ПЕТРОВ") for line in SHOWN]  # check digits right: no fallback
    pdf = scan_with_ocr_layer(tmp_path / "scan.pdf", layer)
    plain = run(str(pdf), "-o", str(tmp_path / "plain"))
    assert plain.returncode == 0 and fields_of(tmp_path / "plain", "scan.json")["last_name"]["value"] == "Петров"
    proc = subprocess.run([sys.executable, "-m", "obligations", "run", str(pdf), "-o", str(tmp_path / "out"),
                           "--verify-with", "tesseract"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 to review" in proc.stderr  # surname and patronymic
    result = json.loads((tmp_path / "out" / "scan.json").read_text())
    fields = result["documents"][0]["fields"]
    assert fields["last_name"]["value"] == "Иванов" and fields["last_name"]["review"] is True
    assert fields["number"]["agreement"] is True and fields["number"]["review"] is False
    assert any("last_name: the readings disagree" in w for w in result["warnings"])
    assert result["timing_s"]["verify"] > 0
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "output.schema.json").read_text())
    jsonschema.validate(result, schema)


def test_a_digital_pdf_whose_values_validate_pays_nothing(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=str(FONT))
    for i, line in enumerate(SHOWN):
        page.insert_text((60, 80 + 24 * i), line, fontname="dv", fontsize=12)
    doc.save(tmp_path / "card.pdf")
    assert run(str(tmp_path / "card.pdf"), "-o", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "card.json").read_text())
    assert result["pages"][0]["text_source"] == "text_layer" and result["backend"]["service"] == "text"
    assert all("votes" not in f for f in result["documents"][0]["fields"].values())
    assert result["documents"][0]["fields"]["number"]["confidence"] > 0.9  # a printed layer is not an OCR one


def test_boxes_of_a_second_reading_land_on_the_pages_the_output_describes():
    from types import SimpleNamespace

    from obligations.verify import on_pages

    read = [SimpleNamespace(page=1, width=1700, height=1000)]  # a scan read at its own 200 dpi
    shown = [SimpleNamespace(page=1, width=2550, height=1500)]  # its text layer's page at 300 dpi
    number = FieldResult("112-233-445 95", "112-233-445 95", True, 0.9, 1, [100, 200, 300, 240], "label")
    missing = FieldResult(None, None, None, 0.0, None, None, None)
    placed = on_pages({"number": number, "gender": missing}, read, shown)
    assert placed["number"].bbox == [150, 300, 450, 360] and placed["number"].value == "112-233-445 95"
    assert placed["gender"] == missing
