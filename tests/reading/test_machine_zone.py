"""The machine-readable zone read again in Latin (obligations.reading.machine_zone)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.mrz import read_zone
from obligations.reading.machine_zone import reread_machine_zone

DOCTYPES = load_doctypes()
AS_READ = ["РМЕУ$ЕОВАМОУА<<\\УЕКА<Е\\УСЕМ9ЕУМА<<<<<<<<<<<<<<", "0319650800К0$9908062Е <<<<<<<3131023230037<84"]
IN_LATIN = ["PNRUSLOBANOVA<<VERA<EVGEN9EVNA<<<<<<<<<<<<<<<", "0319650800RUS9908062F<<<<<<<3131023230037<84"]


class LatinReader:
    def __init__(self):
        self.asked = []

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.asked.append((box, lang))
        line = 0 if (box[1] + box[3]) / 2 < 1000 else 1
        return [Word(IN_LATIN[line], (100, 950 + 60 * line, 1100, 990 + 60 * line), 90.0, 1)]


def _page(zone: list[str]) -> PageText:
    words = [Word("ФАМИЛИЯ", (100, 100, 300, 140), 95.0, 0), Word("ЛОБАНОВА", (350, 100, 600, 140), 95.0, 0)]
    words += [Word(text, (100, 950 + 60 * i, 1100, 990 + 60 * i), 60.0, 10 + i) for i, text in enumerate(zone)]
    return PageText(1, 1200, 1100, 300, "ocr", words)


def test_the_zone_read_in_cyrillic_twins_is_read_again_in_latin_line_by_line():
    page, reader = _page(AS_READ), LatinReader()
    reread_machine_zone(page, Image.new("L", (1200, 1100), 255), DOCTYPES["passport"], reader)
    assert [lang for _, lang in reader.asked] == ["eng", "eng"]
    lines = [w.text for w in page.words if w.bbox[1] >= 950]
    assert lines == IN_LATIN and read_zone(lines)["sex"] == "ЖЕН."
    assert "ЛОБАНОВА" in page.text


class ReadsFiguresRightAtTheirSize:
    """Reads the zone's names line right, and its second line right only where its capitals
    come about ZONE_HEIGHT high (a region at most 60 px high: the line is 40 px, with half
    that above and below); larger, a '3' as a '5'."""

    def __init__(self):
        self.sizes = []

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.sizes.append(image.size)
        if image.size == (1200, 1100) and (box[1] + box[3]) / 2 < 1000:
            text = IN_LATIN[0]
        else:
            text = IN_LATIN[1] if box[3] - box[1] <= 60 else IN_LATIN[1].replace("0319", "0519")
        return [Word(text, (box[0] + 4, box[1] + 10, box[2] - 4, box[3] - 10), 90.0, 1)]


def test_a_zone_printed_larger_than_its_page_is_read_again_at_the_size_it_reads_best():
    page, reader = _page([IN_LATIN[0], IN_LATIN[1].replace("0319", "0519")]), ReadsFiguresRightAtTheirSize()
    reread_machine_zone(page, Image.new("L", (1200, 1100), 255), DOCTYPES["passport"], reader)
    assert reader.sizes[:2] == [(1200, 1100)] * 2 and reader.sizes[2][1] < 60  # the page, then the line alone
    zone = [w for w in page.words if w.text == IN_LATIN[1]]
    assert len(zone) == 1 and read_zone([IN_LATIN[0], zone[0].text])["document_number"] == "0313 965080"
    x0, y0, x1, y1 = zone[0].bbox  # on the page, over the line it replaced
    assert abs(x0 - 84) < 10 and abs(y0 - 1000) < 10 and abs(x1 - 1116) < 10 and abs(y1 - 1060) < 10


def test_a_zone_read_whole_or_a_type_without_one_is_not_read_again():
    reader = LatinReader()
    reread_machine_zone(_page(IN_LATIN), Image.new("L", (1200, 1100), 255), DOCTYPES["passport"], reader)
    reread_machine_zone(_page(AS_READ), Image.new("L", (1200, 1100), 255), DOCTYPES["snils"], reader)
    assert reader.asked == []


def test_a_passport_page_s_zone_read_through_tesseract_gives_the_figures_its_print_lost(tmp_path):
    """A rendered passport with its zone printed at its foot in a monospaced face, and its birth
    date and division code painted out: both are read from the zone."""
    import shutil

    import pytest
    from PIL import ImageDraw, ImageFont

    from obligations.pipeline import Pipeline, RunOptions
    from obligations.synth import render_clean

    from ..fields.test_mrz import _second_line

    mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
    if shutil.which("tesseract") is None or not Path(mono).exists():
        pytest.skip("Tesseract or DejaVu Sans Mono is not installed")
    image, truth = render_clean("passport", seed=3)
    printed = truth["printed"]
    latin = dict(zip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "ABVGDE2JZIQKLMNOPRSTUFHC34WXY9678"))
    names = [printed[k].translate(str.maketrans(latin)) for k in ("last_name", "first_name", "middle_name")]
    first = f"PNRUS{names[0]}<<{names[1]}<{names[2]}".ljust(44, "<")[:44]
    series, number = printed["series_number"].replace(" ", "")[:4], printed["series_number"].split()[-1]
    day, month, year = printed["birth_date"].split(".")
    issued = printed["issue_date"].split(".")
    second = _second_line(series, number, year[2:] + month + day, "M",
                          issued[2][2:] + issued[1] + issued[0], printed["division_code"].replace("-", ""))
    draw = ImageDraw.Draw(image)
    for field in ("birth_date", "division_code"):
        draw.rectangle(truth["bbox"][field], fill=image.getpixel((truth["bbox"][field][0] - 5, truth["bbox"][field][1])))
    face = ImageFont.truetype(mono, 66)
    for row, line in enumerate((first, second)):
        draw.text((60, image.height - 260 + 90 * row), line, font=face, fill=(20, 20, 20))
    image.save(tmp_path / "passport.png")
    result = Pipeline(RunOptions(service="tesseract", jobs=1)).process(tmp_path / "passport.png")
    fields = result.documents[0].fields
    assert (fields["birth_date"].value, fields["birth_date"].source) == (truth["fields"]["birth_date"], "mrz")
    assert (fields["division_code"].value, fields["division_code"].source) == (truth["fields"]["division_code"], "mrz")
    assert fields["series_number"].value == truth["fields"]["series_number"]
