"""The follow-up re-reads (obligations.reading): what one OCR pass misses, read again in
regions of the page; done again in the main process only when the document's type differs
from the worker's guess."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import pytest
from PIL import Image

from obligations.backends.base import BackendInfo, Capabilities, PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields
from obligations.pipeline import Pipeline, RunOptions
from obligations import reading
from obligations.reading import dropped_lines, follow_up
from obligations.reading.figures import reread_figures
from obligations.reading.doubtful_values import reread_doubtful_values

DOCTYPES = load_doctypes()


@pytest.fixture(autouse=True)
def _other_steps_only(request, monkeypatch):
    """The page's text area read as one block (the last resort of `read_dropped_lines`) is
    left out of the tests of the other steps, whose fake engines read every region as
    their one answer; the tests named for it have it."""
    if "block" not in request.node.name:
        monkeypatch.setattr(dropped_lines, "read_block", lambda *args: None)
    # Nor the second reading of figures (reading.figures, tested on its own): these tests count
    # the regions the other steps read.
    monkeypatch.setattr(reading, "FOLLOW_UPS", tuple(s for s in reading.FOLLOW_UPS if s is not reread_figures))


@dataclass
class RecordingBackend:
    """Reads every region as one fixed word, and remembers what it was asked."""

    answer: str = "ИМЯ"
    regions: list[tuple] = field(default_factory=list)
    service: str = "fake"
    capabilities = Capabilities(regions=True)

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, None, "cpu", None, "test")

    def read(self, image, dpi=None, lang=None):
        return [], 0

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.regions.append((box, angle, lang))
        return [Word(self.answer, box, 90.0, ("region", angle, box, 0))]

    def read_sparse(self, image, dpi=None, lang=None):
        return []

    def read_inked(self, image, box, dpi=None, lang=None, close_up=False):
        return []


def _page(*texts: str) -> PageText:
    words = [Word(text, (100 + 200 * i, 100, 260 + 200 * i, 140), 90.0, (1, 1, 1)) for i, text in enumerate(texts)]
    return PageText(1, 2000, 2800, 300, "ocr", words)


def test_cyrillic_lookalikes_on_an_english_receipt_become_latin_without_reading_again():
    backend = RecordingBackend()
    page = _page("НОМЕ", "В1$", "TOTAL", "(COMPANY", "№:", "№.")
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["receipt"], backend)
    # ... and its 'NO' read as the Russian sign: '(COMPANY №: 386069-D)', '№. 22, JALAN'.
    assert [w.text for w in page.words] == ["HOME", "B1$", "TOTAL", "(COMPANY", "NO:", "NO."]
    assert backend.regions == []
    assert page.followed_up == "receipt"


def test_latin_misreads_on_a_russian_card_are_read_again_in_russian():
    backend = RecordingBackend(answer="ИМЯ")
    page = _page("UMA", "ПЕТР")
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert [w.text for w in page.words][:2] == ["ИМЯ", "ПЕТР"]
    assert backend.regions[0][2] == "rus"  # in the document's own language


def test_latin_letters_among_figures_that_look_like_letters_are_read_again_in_russian():
    """'30A' for 'ЗОЯ': one Latin letter only, among figures read for 'З' and 'О'. Figures with
    one Latin letter that no letter's figures are ('1925A': a house) are left as they are."""
    from obligations.reading.misread_words import reread_misread_words

    backend = RecordingBackend(answer="ЗОЯ")
    page = _page("30A", "ПЕТРОВНА", "1925A")
    reread_misread_words(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert [w.text for w in page.words] == ["ЗОЯ", "ПЕТРОВНА", "1925A"]
    assert len(backend.regions) == 1 and backend.regions[0][2] == "rus"


def test_main_process_follows_up_only_pages_the_worker_guessed_differently(tmp_path):
    pipeline = Pipeline(RunOptions(service="tesseract", jobs=1), backend=(RecordingBackend(), "test"))
    source = _one_page_png(tmp_path)
    guessed_right, guessed_wrong = _page("UMA"), _page("UMA")
    guessed_right.followed_up, guessed_wrong.followed_up = "passport", "snils"
    pipeline._follow_up(source, DOCTYPES["passport"], [guessed_right, guessed_wrong])
    assert [w.text for w in guessed_right.words] == ["UMA"]
    assert guessed_wrong.words[0].text == "ИМЯ" and guessed_wrong.followed_up == "passport"


def _one_page_png(tmp_path):
    from obligations.sources import open_source

    path = tmp_path / "page.png"
    Image.new("L", (2000, 2800), 255).save(path)
    return open_source(path)


@dataclass
class TurnedDigitsBackend(RecordingBackend):
    """Reads an edge strip turned one way as the number, the other way as sure letters (how
    upside-down digits read on a 100-dpi scan)."""

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.regions.append((box, angle, lang))
        if angle == 270:
            return [Word("7521", box, 40.0, ("region", angle, box, 0)), Word("405201", box, 94.0, ("region", angle, box, 0))]
        return [Word("TZ", box, 89.0, ("region", angle, box, 0)), Word("SZ", box, 96.0, ("region", angle, box, 0))]


def test_of_an_edge_strips_two_directions_the_one_holding_the_field_wins_over_a_surer_one():
    from obligations.reading.vertical_fields import read_vertical_fields

    page = _page("ФАМИЛИЯ", "ВАСИЛЬЕВА")
    read_vertical_fields(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], TurnedDigitsBackend())
    assert "7521 405201" in page.text


def test_passport_number_is_read_from_an_edge_strip_that_the_forms_rules_reach_into(tmp_path):
    """A generated office scan (seed 41) whose value underlines run into the right edge strip:
    turned upright, they cross the strip's text, and Tesseract read nothing in it until rules
    were painted out of region crops too."""
    from obligations.synth import generate

    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed")
    generate("passport", 1, tmp_path, degrade="scan", fmt="png", seed=41)
    pipeline = Pipeline(RunOptions(service="tesseract", jobs=1, doc_type="passport"))
    result = pipeline.process(tmp_path / "passport_0000.png")
    truth = json.loads((tmp_path / "passport_0000.json").read_text())
    number = result.documents[0].fields["series_number"]
    assert number.value == truth["fields"]["series_number"] and number.source == "vertical"


@dataclass
class SparseBackend(RecordingBackend):
    """Also reads the whole page as sparse text: the given words."""

    sparse: list[Word] = field(default_factory=list)
    sparse_reads: int = 0

    def read_sparse(self, image, dpi=None, lang=None):
        self.sparse_reads += 1
        return self.sparse


@dataclass
class SparseOnly(SparseBackend):
    """Reads the page sparse; any region, as the page's edges where a number may run, holds nothing."""

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        return []


def _line(x: int, y: int, text: str, key) -> list[Word]:
    words = []
    for token in text.split():
        words.append(Word(token, (x, y, x + 22 * len(token), y + 40), 95.0, key))
        x += 22 * (len(token) + 1)
    return words


SNILS_LINES = [
    (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
    (100, 200, "Страховой номер 112-233-445 95"),
    (100, 300, "Фамилия ИВАНОВ"), (100, 360, "Имя ПЕТР"), (100, 420, "Отчество ИВАНОВИЧ"),
    (100, 480, "Дата и место рождения 03.04.1980"), (100, 540, "ГОР. ТУЛА"),
    (100, 600, "Пол мужской"), (100, 660, "Дата регистрации 15.05.2001"),
]


def test_a_line_the_first_reading_dropped_is_added_from_a_sparse_reading():
    first = [w for i, line in enumerate(SNILS_LINES) if i != 1 for w in _line(*line, ("first", i))]
    backend = SparseBackend(sparse=[w for i, line in enumerate(SNILS_LINES) for w in _line(*line, ("sparse", i))])
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert backend.sparse_reads == 1
    assert "Страховой номер 112-233-445 95" in page.text
    assert len(page.words) == len(first) + 4  # the other lines are there already: not twice
    assert locate_fields(DOCTYPES["snils"], [page])["number"].value == "112-233-445 95"


# A passport's data page whose values are printed over their captions.
PASSPORT_DATA_LINES = [
    (100, 100, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"), (100, 200, "БОБРОВ"), (100, 250, "Фамилия"),
    (100, 320, "АФИНОГЕН"), (100, 370, "Имя"), (100, 440, "ВСЕВОЛОДОВИЧ"), (100, 490, "Отчество"),
    (100, 560, "МУЖ."), (400, 560, "01.08.1997"), (100, 610, "Пол"), (400, 610, "Дата рождения"),
    (100, 680, "ГОР. КРАСНОДАР"), (100, 730, "Место рождения"),
]


def test_a_names_line_the_first_reading_dropped_is_not_taken_from_the_gender_and_is_read_again():
    """Without the patronymic's line, the line under its caption is the gender's and the birth
    date's: 'Муж' is no name, and the page is read again sparse for it."""
    first = [w for i, line in enumerate(PASSPORT_DATA_LINES) if i != 5 for w in _line(*line, ("first", i))]
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    before = locate_fields(DOCTYPES["passport"], [page])["middle_name"]
    assert before.value is None or not before.valid
    backend = SparseOnly(sparse=[w for i, line in enumerate(PASSPORT_DATA_LINES) for w in _line(*line, ("sparse", i))])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert backend.sparse_reads == 1
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["middle_name"].value, found["middle_name"].valid) == ("Всеволодович", True)
    assert found["gender"].value == "male"


def test_a_surname_whose_line_the_first_reading_kept_one_letter_of_is_read_whole_from_the_sparse_reading():
    """A 78-dpi data page of captions under values: of 'СМИРНОВА' the first reading kept 'А'
    (71 %), and the first name under 'Фамилия' was taken for the surname. The sparse reading's
    'СМИРНОВА' takes the letter's place."""
    lines = [(100, 100, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"), (100, 200, "СМИРНОВА"), (100, 250, "Фамилия"),
             (100, 320, "АНЖЕЛА"), (100, 370, "Имя"), (100, 440, "ВАДИМОВНА"), (100, 490, "Отчество"),
             (100, 560, "ЖЕН."), (400, 560, "19.08.2002"), (100, 610, "Пол"), (400, 610, "Дата рождения"),
             (100, 680, "Г. МОСКВА"), (100, 730, "Место рождения")]
    first = [w for i, line in enumerate(lines) if i not in (1, 4) for w in _line(*line, ("first", i))]
    first.append(Word("А", (260, 200, 276, 230), 71.0, ("first", 1)))
    page = PageText(1, 2000, 2800, 300, "ocr", first)

    backend = SparseOnly(sparse=[w for i, line in enumerate(lines) for w in _line(*line, ("sparse", i))])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    found = locate_fields(DOCTYPES["passport"], [page])
    assert [found[f].value for f in ("last_name", "first_name", "middle_name")] == ["Смирнова", "Анжела", "Вадимовна"]
    assert "А" not in page.text.split()


def test_a_groups_part_read_invalid_by_the_sparse_reading_is_taken_with_the_valid_ones():
    """'Ф.И.О.' gives its three parts where three names follow it; the first reading read the
    third under a stamp as 'ЯВ', the sparse one read it misread ('ДАНИИДОВ', no patronymic
    either): its words are taken, as the group's two valid parts in that reading are."""
    lines = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 200, "Страховой номер 112-233-445 95"),
             (100, 300, "Ф.И.О. ФОМИН ПАХОМ ДАНИИДОВ"), (100, 560, "Пол Муж."), (100, 620, "Дата регистрации 02.03.2003")]
    first = [w if w.text != "ДАНИИДОВ" else replace(w, text="ЯВ", conf=45.0, bbox=(w.bbox[0], w.bbox[1], w.bbox[0] + 44, w.bbox[3]))
             for i, line in enumerate(lines) for w in _line(*line, ("first", i))]
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    assert locate_fields(DOCTYPES["snils"], [page])["middle_name"].value == "Яв"

    backend = SparseOnly(sparse=[w for i, line in enumerate(lines) for w in _line(*line, ("sparse", i))])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert backend.sparse_reads == 1
    found = locate_fields(DOCTYPES["snils"], [page])
    assert (found["last_name"].value, found["first_name"].value) == ("Фомин", "Пахом")
    assert (found["middle_name"].value, found["middle_name"].valid) == ("Даниидов", False)


def test_an_office_cut_short_after_a_towns_abbreviation_is_read_again_sparse_for_its_lost_line():
    lines = [(100, 100, "Паспорт выдан ПЕРВОМАЙСКИМ РОВД ГОР."), (400, 160, "РОСТОВА-НА-ДОНУ"),
             (100, 260, "Дата выдачи 06.08.2005"), (100, 360, "Фамилия ПАНОВ")]
    first = [w for i, line in enumerate(lines) if i != 1 for w in _line(*line, ("first", i))]
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    before = locate_fields(DOCTYPES["passport"], [page])["issued_by"]
    assert before.value == "ПЕРВОМАЙСКИМ РОВД ГОР." and not before.valid  # flagged, not silently short

    backend = SparseOnly(sparse=[w for i, line in enumerate(lines) for w in _line(*line, ("sparse", i))])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert backend.sparse_reads == 1
    after = locate_fields(DOCTYPES["passport"], [page])["issued_by"]
    assert (after.value, after.valid) == ("ПЕРВОМАЙСКИМ РОВД ГОР. РОСТОВА-НА-ДОНУ", True)


def test_a_page_whose_fields_are_all_found_is_not_read_again():
    backend = SparseBackend()
    page = PageText(1, 2000, 2800, 300, "ocr", [w for i, line in enumerate(SNILS_LINES) for w in _line(*line, i)])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert backend.sparse_reads == 0


def test_digits_in_boxes_misread_as_a_line_take_the_sparse_reading_of_their_place():
    header = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
              (100, 300, "Идентификационный номер налогоплательщика (ИНН)")]
    first = [w for i, line in enumerate(header) for w in _line(*line, i)]
    first += _line(200, 400, "36-808 6 6 4—1 15", "digits")  # the paper's pattern read between them
    sparse = [w for i, line in enumerate(header) for w in _line(*line, ("sparse", i))]
    sparse += [Word(d, (200 + 110 * i, 400 + i % 2, 226 + 110 * i, 440), 96.0, ("sparse", "d", i))
               for i, d in enumerate("368086645175")]
    backend = SparseBackend(sparse=sparse)
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    found = locate_fields(DOCTYPES["inn"], [page])["inn"]
    assert (found.value, found.valid) == ("368086645175", True)
    assert "36-808" not in page.text


@dataclass
class InkedBackend(RecordingBackend):
    """Reads each region asked of `read_inked` as the next of the given readings, placed in it."""

    readings: list[str] = field(default_factory=list)
    inked: list[tuple] = field(default_factory=list)

    def read_inked(self, image, box, dpi=None, lang=None, close_up=False):
        self.inked.append((box, lang, close_up))
        text = self.readings[len(self.inked) - 1] if len(self.inked) <= len(self.readings) else ""
        return _line(box[0] + 200, box[1] + 60, text, ("inked", len(self.inked))) if text else []


INN_HEADER = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
              (100, 300, "Идентификационный номер налогоплательщика (ИНН)")]


def _inn_page(digits: str) -> PageText:
    words = [w for i, line in enumerate(INN_HEADER) for w in _line(*line, i)]
    return PageText(1, 2000, 2800, 300, "ocr", words + _line(200, 400, digits, "digits"))


def test_a_number_with_check_digits_misread_in_boxes_is_read_again_under_its_label_until_valid():
    backend = InkedBackend(readings=["6107150 д4до)9о)9о9 1", "3 6 8 0 8 6 6 4 5 1 7 5"])
    page = _inn_page("6 160 7 1 30 46 6-50 7")
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    found = locate_fields(DOCTYPES["inn"], [page])["inn"]
    assert (found.value, found.valid) == ("368086645175", True)
    assert "6-50" not in page.text  # the misreading is replaced where the valid reading lies
    assert len(backend.inked) == 2 and all(lang == "eng" for _, lang, _ in backend.inked)
    first = backend.inked[0][0]
    assert first[1] == 340 and first[3] > 400  # under the label's row (y 300-340), down to the value


def test_a_valid_number_is_not_read_again_and_no_valid_reading_changes_nothing():
    backend = InkedBackend()
    page = _inn_page("368086645175")
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    assert backend.inked == []
    backend = InkedBackend(readings=["368086645170", "1", "2"])  # a check digit wrong, then nothing
    page = _inn_page("6 160 7 1 30 46 6-50 7")
    before = page.text
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    # Under its labels' row, further, right of each; then each again with its gaps closed up.
    assert page.text == before and [close_up for _, _, close_up in backend.inked] == [False] * 4 + [True] * 4
    assert [box for box, _, _ in backend.inked[:4]] == [box for box, _, _ in backend.inked[4:]]


def test_a_reading_under_the_sellers_inn_that_holds_the_buyers_is_not_taken_for_the_sellers():
    lines = [(100, 100, "СЧЕТ-ФАКТУРА № 15 от 01.02.2023"), (100, 200, "Продавец ООО Ромашка"),
             (100, 260, "ИНН/КПП продавца 77O7O8Ж89Ж/770701001"), (100, 400, "Покупатель ООО Лютик"),
             (100, 460, "ИНН/КПП покупателя 7704919851/770401008")]
    page = PageText(1, 2000, 2800, 300, "ocr", [w for i, line in enumerate(lines) for w in _line(*line, i)])
    backend = InkedBackend(readings=["ИНН/КПП покупателя 7704919851/770401008"] * 6)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["invoice"], backend)
    found = locate_fields(DOCTYPES["invoice"], [page])
    assert backend.inked  # read again, and nothing taken from it
    assert found["seller_inn"].value != "7704919851" and found["buyer_inn"].value == "7704919851"


def test_sure_sparse_words_take_the_place_of_the_first_readings_unsure_scraps():
    """A small caption over a box's rule read as 'ОЕ' (19 %) and the name under it as
    '(©. 0{0)': the sparse reading's sure words take their places."""
    lines = [(100, 100, "СЧЕТ-ФАКТУРА № 15 от 01.02.2023"), (100, 200, "Продавец"),
             (100, 300, "ИНН/КПП продавца 7707083893/770701001"), (100, 400, "Покупатель ООО Лютик"),
             (100, 460, "ИНН/КПП покупателя 7704919851/770401008")]
    first = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    first += [Word("(©.", (300, 200, 340, 240), 0.0, 1), Word("0{0)", (344, 200, 390, 240), 0.0, 1),
              Word("ОЕ", (100, 250, 180, 290), 19.0, 9)]
    sparse = _line(100, 250, "Наименование", "s1") + _line(300, 200, "ООО Ромашка", "s2")
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["invoice"], SparseBackend(sparse=sparse))
    assert "(©." not in page.text and "ОЕ" not in page.text.split()
    assert "Наименование" in page.text
    assert locate_fields(DOCTYPES["invoice"], [page])["seller_name"].value == "ООО Ромашка"


def test_sparse_words_in_the_other_script_are_read_again_and_judged_by_that_reading():
    """'MHH/KTI' (23 %) where the first reading has nothing is the seller's 'ИНН/КПП' caption:
    read again in Russian it is kept, though less sure than other added words must be."""
    lines = [(100, 100, "СЧЕТ-ФАКТУРА № 15 от 01.02.2023"), (100, 200, "Продавец ООО Ромашка"),
             (100, 340, "7707083893/770701001")]
    first = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    sparse = [Word("MHH/KTI", (100, 280, 254, 320), 23.0, ("sparse", 5)), Word("Иа", (900, 900, 944, 940), 20.0, ("sparse", 6))]

    @dataclass
    class Rereading(SparseBackend):
        def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
            self.regions.append((box, angle, lang))
            text = "ИНН/КПП"
            return [Word(text, (box[0] + 10, box[1] + 10, box[2] - 10, box[3] - 10), 50.0, ("region", 0))]

    backend = Rereading(sparse=sparse)
    page = PageText(1, 2000, 2800, 300, "ocr", first)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["invoice"], backend)
    # 'Иа' is in the document's script. (The buyer's codes, missing, are then read again near
    # the caption, in English: no word of the other script read again.)
    assert [lang for _, _, lang in backend.regions if lang != "eng"] == ["rus"]
    assert "ИНН/КПП" in page.text and "Иа" not in page.text
    found = locate_fields(DOCTYPES["invoice"], [page])
    assert (found["seller_inn"].value, found["seller_kpp"].value) == ("7707083893", "770701001")


@dataclass
class FixedRegionBackend(RecordingBackend):
    """Reads every upright region as the given words (text, conf), spread over it; the edge
    strips turned upright (the passport's number) as nothing."""

    reading: list[tuple[str, float]] = field(default_factory=list)

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        if angle:
            return []
        self.regions.append((box, angle, lang))
        x0, y0, x1, y1 = box
        step = (x1 - x0) // max(1, len(self.reading))
        return [Word(text, (x0 + i * step + 2, y0 + 4, x0 + (i + 1) * step - 2, y1 - 4), conf, ("region", 0, box, 1))
                for i, (text, conf) in enumerate(self.reading)]


@dataclass
class RegionsReadAs(RecordingBackend):
    """Reads each upright region as `words_for(box)` gives it ((text, box, conf) each); the
    edge strips turned upright as nothing."""

    words_for: Callable[[tuple], list[tuple[str, tuple, float]]] = lambda box: []

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        if angle:
            return []
        self.regions.append((box, angle, lang))
        return [Word(text, bbox, conf, ("region", 0, box, 1)) for text, bbox, conf in self.words_for(box)]


PASSPORT_LINES = [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
                  (100, 160, "Дата выдачи 01.02.2010 Код подразделения 770-001"),
                  (100, 400, "Имя НИНА"), (100, 460, "Отчество ПЕТРОВНА")]


def _passport_page(*last_name: tuple[str, float]) -> PageText:
    words = [w for i, line in enumerate(PASSPORT_LINES) for w in _line(*line, i)]
    words += _line(100, 340, "Фамилия", "last")
    x = 300
    for text, conf in last_name:
        words.append(Word(text, (x, 340, x + 22 * len(text), 380), conf, "last"))
        x += 22 * (len(text) + 1)
    return PageText(1, 2000, 2800, 300, "ocr", words)


def test_a_name_read_unsure_is_read_again_in_its_box_and_the_surer_reading_kept():
    backend = FixedRegionBackend(reading=[("ОРЛОВА", 97.0)])
    page = _passport_page(("орлов", 43.0))
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert [lang for _, _, lang in backend.regions] == ["rus"]
    assert locate_fields(DOCTYPES["passport"], [page])["last_name"].value == "Орлова"


def test_a_name_read_in_pieces_takes_a_reading_of_it_as_one_word():
    backend = FixedRegionBackend(reading=[("ГАРИПОВ", 92.0)])
    page = _passport_page(("ГАРИ", 95.0), ("ПОВ", 93.0))
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert locate_fields(DOCTYPES["passport"], [page])["last_name"].value == "Гарипов"


def test_an_unsure_scrap_beside_a_value_is_read_again_with_it():
    """'ООО' over its underline read as '(©`0`®)' (0 %) and dropped as a speck."""
    backend = FixedRegionBackend(reading=[("ООО", 93.0), ("«Нефтеторг»", 91.0)])
    lines = [(100, 100, "СЧЕТ-ФАКТУРА № 15 от 01.02.2023"), (100, 300, "ИНН/КПП продавца 7707083893/770701001")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    words += _line(100, 200, "Продавец:", "s") + [Word("(©`0`®)", (320, 200, 390, 240), 0.0, "s")]
    words += _line(410, 200, "«Нефтеторг»", "s")
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["invoice"], backend)
    assert locate_fields(DOCTYPES["invoice"], [page])["seller_name"].value == "ООО «Нефтеторг»"


def test_a_settlements_abbreviation_read_as_a_scrap_before_its_name_is_read_again_with_it():
    """'г.' before 'Москва' read 'тг' at 2 %: narrower than the name is tall, still a word's size."""
    backend = FixedRegionBackend(reading=[("г.", 90.0), ("Москва", 96.0)])
    words = [w for i, line in enumerate(PASSPORT_LINES) for w in _line(*line, i)]
    words += _line(100, 540, "Место рождения", "place")
    words += [Word("тг", (430, 550, 455, 574), 2.0, "place"), Word("Москва", (470, 540, 602, 580), 96.0, "place")]
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert locate_fields(DOCTYPES["passport"], [page])["birth_place"].value == "г. Москва"


def test_a_value_read_again_keeps_its_caption_and_its_line():
    """A stamp's scrap (0 %) between a caption and its value: the region read again cuts the
    caption ('чество' of 'Отчество'), which replaces nothing, and the value read again stays on
    the caption's line, not on the scrap's."""
    cutting = RegionsReadAs(words_for=lambda box: [("чество", (box[0], 468, 276, 500), 86.0),
                                                   ("ИВАНОВНА", (300, 466, 476, 502), 95.0)])
    words = [w for i, line in enumerate(PASSPORT_LINES[:3]) for w in _line(*line, i)]
    words += _line(100, 340, "Фамилия ОРЛОВА", "last")
    words += _line(100, 460, "Отчество", "middle") + [Word("ИВАНОВНА", (300, 460, 476, 500), 92.0, "middle")]
    words += [Word("160.", (240, 470, 330, 496), 0.0, "scrap")]
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], cutting)
    assert "Отчество" in [w.text for w in page.words] and "чество" not in [w.text for w in page.words]
    assert {w.line for w in page.words if w.text == "ИВАНОВНА"} == {"middle"}
    assert locate_fields(DOCTYPES["passport"], [page])["middle_name"].value == "Ивановна"


def test_a_surer_reading_does_not_cut_a_word_read_surely_into_pieces():
    """'«Доронин' (97 %) beside 'партнеры».' read unsure: read again, surer on the whole, as
    '«До' and 'онин'. The sure word stays; the unsure one is replaced."""
    cutting = RegionsReadAs(words_for=lambda box: [("ПАО", (300, 502, 370, 538), 97.0),
                                                   ("«До", (392, 502, 452, 538), 97.0),
                                                   ("онин", (460, 502, 560, 538), 92.0),
                                                   ("партнеры»", (600, 502, 800, 538), 97.0)])
    lines = [(100, 100, "СЧЕТ-ФАКТУРА № 15 от 01.02.2023"), (100, 300, "ИНН/КПП продавца 7707083893/770701001")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    words += _line(100, 500, "Покупатель:", "b") + [Word("ПАО", (300, 500, 370, 540), 97.0, "b"),
                                                  Word("«Доронин", (390, 500, 560, 540), 97.0, "b"),
                                                  Word("партнеры».", (600, 500, 800, 540), 12.0, "b")]
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["invoice"], cutting)
    assert [w.text for w in sorted(page.words, key=lambda w: w.bbox[0]) if w.line == "b"] == [
        "Покупатель:", "ПАО", "«Доронин", "партнеры»"]


def test_a_new_word_reaching_into_the_next_line_leaves_its_caption():
    """'Каспийск' (30 %) read again surer, its 'г.' with a box 78 px tall over the caption
    'Место рождения' under it: the caption stays, and so does the place."""
    backend = RegionsReadAs(words_for=lambda box: [("г.", (178, 1024, 230, 1102), 97.0),
                                                   ("Каспийск", (240, 1028, 486, 1079), 90.0)])
    lines = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"), (100, 200, "№ 112-233-445 95")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    words += [Word("г.", (182, 1041, 229, 1078), 97.0, "place"), Word("Каспийск", (240, 1028, 515, 1079), 30.0, "place")]
    words += _line(183, 1082, "Место рождения", "caption")
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    reread_doubtful_values(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert len(backend.regions) == 1 and "Место" in page.text
    assert locate_fields(DOCTYPES["snils"], [page])["birth_place"].value == "г. Каспийск"


def test_sure_values_are_not_read_again_and_a_reading_no_surer_changes_nothing():
    backend = FixedRegionBackend(reading=[("ОРЛОВ", 50.0)])
    page = _passport_page(("ОРЛОВА", 96.0))
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert backend.regions == []
    page = _passport_page(("ОРЛОВА", 45.0))
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert len(backend.regions) == 1
    assert locate_fields(DOCTYPES["passport"], [page])["last_name"].value == "Орлова"


def test_a_date_whose_month_the_first_reading_dropped_is_read_again_under_its_label():
    lines = INN_HEADER + [(100, 400, "3 6 8 0 8 6 6 4 5 1 7 5"), (100, 500, "Дата рождения"),
                          (100, 560, "15 апреля 1981 г."), (100, 700, "Дата выдачи свидетельства")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    words += _line(100, 760, "«02» 2003 г.", "date")
    backend = InkedBackend(readings=["«02» августа 2003 г."])
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    before = locate_fields(DOCTYPES["inn"], [page])["issue_date"]
    assert before.value is None  # the birth date's words are the birth date's, no other date there
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    assert backend.inked[0][1:] == ("rus", False)  # in the document's language, its gaps as they are
    assert locate_fields(DOCTYPES["inn"], [page])["issue_date"].value == "2003-08-02"


def test_a_division_code_a_stamp_crossed_is_read_again_near_its_label():
    """'770-092' under a grey seal read '770- 22': read again, inked, in English (figures)."""
    lines = [(100, 100, "Паспорт выдан ОТДЕЛЕНИЕМ УФМС РОССИИ ПО Г. МОСКВЕ"),
             (100, 400, "Дата выдачи 10.12.2008"), (900, 400, "Код подразделения 770- 22"),
             (100, 800, "Фамилия САВЕЛЬЕВ")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)]
    backend = InkedBackend(readings=["770-092"])
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    assert locate_fields(DOCTYPES["passport"], [page])["division_code"].value is None
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert backend.inked[0][1] == "eng"
    assert locate_fields(DOCTYPES["passport"], [page])["division_code"].value == "770-092"


def test_a_number_the_inked_reading_misreads_is_read_again_as_it_is():
    """'542687912740' printed clean beside 'присвоен ИНН': the first reading (Russian) put a
    figure in, the inked one read its grey-edged 5 as 9; the region read as it is gives it."""
    @dataclass
    class Plain(InkedBackend):
        def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
            self.regions.append((box, angle, lang))
            return _line(box[0] + 200, box[1] + 10, "542687912740", ("region", 0))

    lines = INN_HEADER[:1] + [(100, 300, "и ему (ей) присвоен ИНН 5426879172740")]
    page = PageText(1, 2000, 2800, 300, "ocr", [w for i, line in enumerate(lines) for w in _line(*line, i)])
    backend = Plain(readings=["942687912740"] * 6)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], backend)
    assert locate_fields(DOCTYPES["inn"], [page])["inn"].value == "542687912740"
    assert backend.inked and all(lang == "eng" for _, _, lang in backend.regions)


def test_a_number_read_boxed_three_lines_tall_replaces_only_its_own_line():
    """Digits read between their boxes' walls came as one word 150 px tall: the words it
    replaces are those on its own line, not the date printed over it."""
    lines = INN_HEADER + [(100, 520, "Дата выдачи «02» августа 2003 г.")]
    words = [w for i, line in enumerate(lines) for w in _line(*line, i)] + _line(100, 400, "2 5 4 5 5 6 9 1 5 4 7 6", "d")

    @dataclass
    class TallReading(InkedBackend):
        def read_inked(self, image, box, dpi=None, lang=None, close_up=False):
            self.inked.append((box, lang, close_up))
            return [Word("254556915475", (88, 330, 1083, 480), 37.0, ("inked", 1))]

    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["inn"], TallReading())
    found = locate_fields(DOCTYPES["inn"], [page])
    assert found["inn"].value == "254556915475"
    assert found["issue_date"].value == "2003-08-02"


def test_a_word_read_unsure_as_far_fewer_letters_than_its_box_holds_is_read_again():
    """'Отчество' on a blurred scan read as 'Е' (54 %) in a box 110 px wide and 39 high."""
    backend = RecordingBackend(answer="Отчество")
    page = _page("Фамилия")
    page.words = page.words + [Word("Е", (154, 791, 264, 830), 54.0, 7), Word("И", (300, 791, 320, 830), 54.0, 7)]
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert "Отчество" in page.text and "Е" not in page.text.split()
    boxes = [box for box, angle, _ in backend.regions if not angle]
    # Not the narrow 'И' for its letters (its box grown as 'Е''s was); once 'Отчество' reads,
    # 'И' beside it is the patronymic, invalid, and its own box is read again for that.
    assert boxes[0] == (141, 778, 277, 843) and (287, 778, 333, 843) not in boxes


def test_figures_read_unsure_as_one_figure_in_a_wide_box_are_read_again():
    """A division code '781-054' among specks read '0' (47 %) in a box 137 px wide, 44 high."""
    # Only the unsure word's own box reads.
    over_the_figures = RegionsReadAs(words_for=lambda box: [("781-054", (555, 1502, 688, 1542), 96.0)]
                                     if box[0] <= 620 <= box[2] and box[2] - box[0] < 300 else [])
    page = _page("Фамилия")
    page.words = page.words + _line(100, 1500, "Код подразделения", 9) + [Word("0", (553, 1500, 690, 1544), 47.0, 9)]
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], over_the_figures)
    assert locate_fields(DOCTYPES["passport"], [page])["division_code"].value == "781-054"


def test_a_wide_scrap_read_again_as_nothing_sure_is_dropped_and_a_scrap_lines_high_is_not_read_again():
    """'еее' (14 %) over a rule beside a first name went into it; read again it gives nothing
    sure: no print there. A scrap two lines high ('Пе' over a name, a rule and the next caption)
    read again gave several lines' words, all put on its line: it is left alone."""
    backend = FixedRegionBackend(reading=[])
    page = _page("Фамилия")
    page.words = page.words + _line(100, 500, "Имя ФЁКЛА", 5) + [Word("еее", (400, 506, 980, 534), 14.0, 5)]
    page.words = page.words + _line(100, 700, "Отчество", 7) + [Word("Пе", (300, 640, 1900, 760), 0.0, 7)]
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], backend)
    assert "еее" not in page.text and locate_fields(DOCTYPES["passport"], [page])["first_name"].value == "Фёкла"
    assert not any(box[1] <= 640 and box[3] >= 760 for box, angle, _ in backend.regions if not angle)


def test_a_new_reading_reaching_into_the_next_line_leaves_that_lines_words():
    """A receipt's company read again came with boxes reaching into the date printed right
    under it: the date stays."""
    reaching = RegionsReadAs(words_for=lambda box: [("ОРЛОВА", (100, 330, 500, 395), 96.0)])
    words = [w for i, line in enumerate(PASSPORT_LINES[:2]) for w in _line(*line, i)]
    words += _line(100, 340, "Фамилия", "last") + [Word("орлов", (300, 340, 410, 380), 43.0, "last")]
    words += _line(100, 384, "Имя НИНА", "first")
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["passport"], reaching)
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["last_name"].value, found["first_name"].value) == ("Орлова", "Нина")


def test_the_follow_up_steps_locate_a_pages_fields_once_while_its_words_stay(monkeypatch):
    import obligations.reading.regions as regions

    calls = []
    monkeypatch.setattr(regions, "locate_fields", lambda *args: calls.append(1) or locate_fields(*args))
    page = PageText(1, 2000, 2800, 300, "ocr", [w for i, line in enumerate(SNILS_LINES) for w in _line(*line, i)])
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], SparseBackend())
    assert len(calls) == 1
    page.words = page.words[:-4]  # words replaced: located again
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], SparseBackend())
    assert len(calls) > 1


def test_captions_and_values_both_readings_dropped_are_found_in_a_block_reading_of_the_text_area():
    """A card scanned at about 100 dpi: neither the line reading nor the sparse one has the
    small captions 'Имя', 'Отчество', 'Пол' or the values under the first two; the text area
    read as one block has them. Its sure words are added where the page has none; the rest
    of it (a reading of words already there, unsure scraps) changes nothing."""
    first = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
             (100, 200, "№ 112-233-445 95"), (100, 300, "Фамилия"), (100, 350, "ИВАНОВА"),
             (100, 640, "Дата рождения"), (100, 690, "03.04.1980"), (100, 760, "Место рождения"),
             (100, 810, "ГОР. ТУЛА"), (100, 880, "Дата регистрации"), (100, 930, "15.05.2001")]
    block = [(100, 420, "Имя"), (100, 470, "ПЕТРА"), (100, 530, "Отчество"), (100, 580, "ИВАНОВНА"),
             (700, 640, "Пол"), (700, 690, "ЖЕН."), (100, 350, "ИВАНОВ")]
    words = [w for i, line in enumerate(first) for w in _line(*line, ("first", i))]

    @dataclass
    class Block(RecordingBackend):
        def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
            if angle:
                return []
            self.regions.append((box, angle, lang))
            read = [w for i, line in enumerate(block) for w in _line(*line, ("region", 0, box, i))]
            return read + [Word("ee", (1500, 1200, 1540, 1240), 20.0, ("region", 0, box, 99))]

    backend = Block()
    page = PageText(1, 2000, 2800, 300, "ocr", words)
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["snils"], backend)
    assert [(angle, lang) for _, angle, lang in backend.regions] == [(0, "rus")]
    x0, y0, x1, y1 = backend.regions[0][0]
    assert x0 < 100 and y0 < 100 and x1 > 1300 and 970 < y1 < 1200  # round the page's print
    found = locate_fields(DOCTYPES["snils"], [page])
    assert [found[f].value for f in ("last_name", "first_name", "middle_name", "gender")] == [
        "Иванова", "Петра", "Ивановна", "female"]
    assert "ee" not in page.text.split() and "ИВАНОВ" not in page.text.split()


def test_a_page_whose_labelled_fields_are_all_found_is_not_read_as_a_block():
    """A receipt's address is found by its place, not by a label: its absence reads no block."""
    lines = [(100, 100, "SHOP SDN BHD"), (100, 300, "Date: 01/02/2023"), (100, 400, "TOTAL 12.50")]
    backend = SparseBackend(sparse=[])
    page = PageText(1, 2000, 2800, 300, "ocr", [w for i, line in enumerate(lines) for w in _line(*line, i)])
    found = locate_fields(DOCTYPES["receipt"], [page])
    assert found["address"].value is None and found["date"].value and found["total"].value
    follow_up(page, Image.new("L", (2000, 2800), 255), DOCTYPES["receipt"], backend)
    assert backend.sparse_reads == 1 and backend.regions == []


def test_a_value_resting_on_the_block_readings_words_is_never_given_as_sure():
    from obligations.backends.base import PageText, Word
    from obligations.fields.locate import Found
    from obligations.reading.dropped_lines import BLOCK_READ_DOUBT, doubt_block_values

    page = PageText(1, 1000, 800, 100, "ocr", [
        Word("Итого", (10, 10, 90, 30), 95.0, (1, 1, 1)),
        Word("665361.44", (100, 10, 220, 30), 91.0, ("block", (1, 1, 2))),
        Word("Иванов", (100, 60, 200, 80), 96.0, (1, 2, 1)),
    ])
    found = {"total": Found("665361.44", "665361.44", True, 0.9, 1, (95, 5, 225, 35), "label"),
             "last_name": Found("Иванов", "Иванов", True, 0.93, 1, (95, 55, 205, 85), "label"),
             "number": Found()}
    doubt_block_values([page], found)
    assert found["total"].confidence == BLOCK_READ_DOUBT and "check it" in found["total"].warning
    assert found["total"].value == "665361.44"  # kept, but not as if it were sure
    assert found["last_name"].confidence == 0.93 and found["last_name"].warning is None
    assert found["number"] == Found()


def test_specks_among_an_edge_strips_figures_are_taken_off_and_the_figures_kept():
    from PIL import ImageDraw

    from obligations.reading.vertical_fields import without_small_marks

    image = Image.new("RGB", (400, 120), (236, 236, 224))  # a tinted card
    draw = ImageDraw.Draw(image)
    figures = [(20 + 30 * i, 40, 40 + 30 * i, 80) for i in range(10)]  # figures 40 px tall
    for box in figures:
        draw.rectangle(box, fill=(180, 30, 30))  # printed red
    specks = [(44, 58), (43, 66), (200, 20), (330, 100)]  # beside a figure, between two, apart
    for x, y in specks:
        draw.rectangle((x, y, x + 3, y + 3), fill=(10, 10, 10))
    cleaned = np.asarray(without_small_marks(image, 40.0))
    assert all(cleaned[y + 1, x + 1] > 200 for x, y in specks)
    assert all(cleaned[(y0 + y1) // 2, (x0 + x1) // 2] < 120 for x0, y0, x1, y1 in figures)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_a_red_number_on_a_tinted_card_among_black_specks_is_read_from_its_edge_strip():
    """Black specks beside light red figures on a tinted card scanned on white: the threshold
    fell between the specks and the figures, and no reading of the strip held the number. Its
    specks are taken off and its tint flattened together."""
    import random

    from PIL import ImageDraw

    from obligations.backends.tesseract import TesseractBackend
    from obligations.reading.vertical_fields import read_vertical_fields
    from obligations.synth.render import font, font_families

    image = Image.new("RGB", (1400, 1800), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1150, 1800), fill=(238, 236, 222))
    number = Image.new("RGBA", (700, 80), (0, 0, 0, 0))
    bold = font(font_families()[0].bold, 60).pil
    ImageDraw.Draw(number).text((5, 5), "70 14 164116", font=bold, fill=(215, 150, 140, 255))
    number = number.rotate(270, expand=True)
    image.paste(number, (1040, 400), number)
    rng = random.Random(5)
    for _ in range(900):
        x, y, size = rng.randrange(0, 1400), rng.randrange(0, 1800), rng.randrange(3, 8)
        draw.ellipse((x, y, x + size, y + size), fill=(15, 15, 15))
    words = [Word(text, (100 + 160 * i, 200 + 60 * row, 240 + 160 * i, 240 + 60 * row), 95.0, row)
             for row in range(10) for i, text in enumerate(["Фамилия", "ИВАНОВ", "Имя", "ПЕТР", "Отчество"])]
    page = PageText(1, 1400, 1800, 300, "ocr", words)
    read_vertical_fields(page, image, DOCTYPES["passport"], TesseractBackend())
    assert locate_fields(DOCTYPES["passport"], [page])["series_number"].value == "7014 164116"


def test_a_sparse_word_whose_box_runs_over_the_first_readings_next_word_joins_its_line():
    """A slanted passport's office: the first reading lost 'Отделом', and the sparse reading's
    box for it ran over the 'по' after it: the word stood in a row of its own, after the line it
    opens ('по вопросам ... России Отделом по Заводскому ...')."""
    page = PageText(1, 2614, 3602, 300, "ocr", [
        Word("Паспорт", (592, 584, 785, 637), 97.0, (2, 1, 1)), Word("выдан:", (800, 599, 957, 643), 96.0, (2, 1, 1)),
        Word("по", (1270, 594, 1325, 666), 96.0, (2, 1, 1)), Word("вопросам", (1346, 619, 1589, 669), 96.0, (2, 1, 1)),
        Word("миграции", (1606, 614, 1845, 678), 93.0, (2, 1, 1)), Word("ОМВД", (1859, 621, 2021, 685), 93.0, (2, 1, 1)),
        Word("России", (2029, 630, 2207, 682), 96.0, (2, 1, 1)),
        Word("по", (1056, 674, 1114, 706), 93.0, (4, 1, 1)), Word("Заводскому", (1129, 669, 1431, 727), 92.0, (4, 1, 1)),
        Word("району", (1443, 679, 1624, 735), 95.0, (4, 1, 1)), Word("г.", (1640, 697, 1669, 725), 95.0, (4, 1, 1)),
        Word("Нижнего", (1687, 691, 1897, 749), 97.0, (4, 1, 1)), Word("Новгорода", (1912, 690, 2185, 756), 96.0, (4, 1, 1)),
    ])
    dropped_lines.add_uncovered(page, [Word("Отделом", (1034, 599, 1331, 662), 55.0, ("sparse", (2, 1, 1)))])
    found = locate_fields(DOCTYPES["passport"], [page])["issued_by"]
    assert found.value == "Отделом по вопросам миграции ОМВД России по Заводскому району г. Нижнего Новгорода"
