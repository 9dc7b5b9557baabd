"""Russian internal passport, main spread (pages 2 and 3), or its data page alone.

The series and number are printed only vertically, in red, along the right
edge of the upper page, the lower page or both.  The data page alone (layout
"data-page/...": page 3, as people often scan or photograph it) carries the
photo, the name, gender, birth date and place and the number; the issue data
of the upper page is then absent (null in the ground truth).
"""

from __future__ import annotations

import random
from datetime import date

from .base import Doc, collapse, side_random
from .data import (
    DATE_STYLES, PERSON_LABELS, REGIONS, Spelling, date_after_birth, division_code, issuing_authority, person,
    person_fields,
)
from .render import Canvas, Sheet, guilloche, mount, pick_style, tint

DOC_TYPE = "passport"
FIELDS = (
    "series_number", "last_name", "first_name", "middle_name", "gender",
    "birth_date", "birth_place", "issued_by", "issue_date", "division_code",
)
QUESTIONS = {
    "series_number": "Какие серия и номер паспорта?",
    "last_name": "Какая фамилия указана в паспорте?",
    "first_name": "Какое имя указано в паспорте?",
    "middle_name": "Какое отчество указано в паспорте?",
    "gender": "Какой пол указан в паспорте?",
    "birth_date": "Какая дата рождения указана в паспорте?",
    "birth_place": "Какое место рождения указано в паспорте?",
    "issued_by": "Кем выдан паспорт?",
    "issue_date": "Какая дата выдачи паспорта?",
    "division_code": "Какой код подразделения указан в паспорте?",
}
MODES = ("classic", "above", "below")  # where labels sit relative to values
DATA_PAGE = 0.2  # share of documents that are the data page alone
UPPER_FIELDS = ("issued_by", "issue_date", "division_code")

PAPERS = ((246, 234, 232), (238, 242, 230), (242, 238, 246), (246, 240, 228), (236, 242, 244))
REDS = ((170, 20, 25), (140, 10, 15), (120, 0, 10), (185, 35, 30))
LABELS = {**PERSON_LABELS, "issue_date": "Дата выдачи", "division_code": "Код подразделения"}


def render(rng: random.Random) -> Doc:
    # Decided aside from rng, so that the spreads of a seed are what they were before.
    data_page = side_random(rng, "passport/data-page").random() < DATA_PAGE
    p = person(rng)
    sp = Spelling.pick(rng, date_styles=("numeric",) * 4 + DATE_STYLES, upper_values=0.8)
    region = rng.choice(REGIONS)
    issued = date_after_birth(rng, p.birth, date(1997, 10, 1))
    authority = issuing_authority(rng, region, issued)
    series = f"{region.okato} {(issued.year + rng.choice((0, 0, 0, -1))) % 100:02d}"
    number = f"{rng.randint(1, 999_999):06d}"
    printed, fields = person_fields(sp, p)
    printed |= {
        "series_number": f"{series} {number}",
        "issued_by": sp.name(authority),
        "issue_date": sp.date(issued),
        "division_code": division_code(rng, region),
    }
    fields |= {
        "series_number": f"{series.replace(' ', '')} {number}",
        "issued_by": collapse(printed["issued_by"]),
        "issue_date": issued.isoformat(),
        "division_code": printed["division_code"],
    }
    style = pick_style(rng, size=(42, 50))
    mode = rng.choice(MODES)
    photo_side = rng.choice(("left", "left", "right"))
    number_on = rng.choice(("upper", "lower", "both", "both"))
    downward = rng.random() < 0.75

    width = rng.randint(1750, 1950)
    page_h = round(width / 1.42)
    if data_page:
        return _data_page(rng, style, sp, printed, fields, mode, photo_side, downward, width, page_h)
    spread = Canvas(width, 2 * page_h, tint(rng, PAPERS))
    sheet = Sheet(spread, style)
    strip = rng.randint(110, 140)  # right-edge band kept free for the number
    _background(spread, rng, page_h)
    _upper_page(sheet, rng, sp, printed, mode, page_h, strip)
    _lower_page(sheet, rng, sp, printed, mode, page_h, strip, photo_side)
    fnt = style.bold(rng.randint(54, 66)) if rng.random() < 0.6 else style.regular(rng.randint(56, 68))
    red = rng.choice(REDS)
    pages = [top for page, top in (("upper", 0), ("lower", page_h)) if number_on in (page, "both")]
    for copy, top in enumerate(pages, 1):
        # The first copy is the field's box; a second one is recorded as "series_number#2".
        fld = "series_number" if copy == 1 else f"series_number#{copy}"
        x = spread.width - strip + (strip - fnt.ascent - fnt.descent) / 2
        y = top + (page_h - fnt.length(printed["series_number"])) / 2 + rng.randint(-80, 80)
        spread.vtext(x, y, printed["series_number"], fnt, red, fld, downward=downward)

    on_a4 = rng.random() < 0.35
    canvas = mount(spread, rng, a4=on_a4)
    layout = f"{mode}/photo-{photo_side}/number-{number_on}/{'a4' if on_a4 else 'spread'}"
    extra = {"series_number_direction": "top-to-bottom" if downward else "bottom-to-top"}
    return Doc(DOC_TYPE, canvas, fields, printed, layout, style.family.name, extra).check(FIELDS)


def _data_page(rng, style, sp, printed, fields, mode, photo_side, downward, width, page_h) -> Doc:
    """Page 3 alone: photo, name, gender, birth date and place, the number along the edge."""
    for f in UPPER_FIELDS:
        printed[f] = fields[f] = None
    page = Canvas(width, page_h, tint(rng, PAPERS))
    sheet = Sheet(page, style)
    strip = rng.randint(110, 140)
    r, g, b = page.paper
    guilloche(page, (0, 0, width, page_h), (r - 16, g - 16, b - 10), rng, lines=10)
    if rng.random() < 0.6:  # the fold of the spread, cut off at the top edge
        page.rect((0, 0, width, 8), fill=(r - 12, g - 12, b - 12), width=0)
    _lower_page(sheet, rng, sp, printed, mode, page_h, strip, photo_side, top=0)
    fnt = style.bold(rng.randint(54, 66)) if rng.random() < 0.6 else style.regular(rng.randint(56, 68))
    x = width - strip + (strip - fnt.ascent - fnt.descent) / 2
    y = (page_h - fnt.length(printed["series_number"])) / 2 + rng.randint(-80, 80)
    page.vtext(x, y, printed["series_number"], fnt, rng.choice(REDS), "series_number", downward=downward)
    on_a4 = rng.random() < 0.35
    canvas = mount(page, rng, a4=on_a4)
    layout = f"data-page/{mode}/photo-{photo_side}/{'a4' if on_a4 else 'page'}"
    extra = {"series_number_direction": "top-to-bottom" if downward else "bottom-to-top"}
    return Doc(DOC_TYPE, canvas, fields, printed, layout, style.family.name, extra).check(FIELDS)


def _background(spread: Canvas, rng: random.Random, page_h: int) -> None:
    r, g, b = spread.paper
    for top in (0, page_h):
        guilloche(spread, (0, top, spread.width, top + page_h), (r - 16, g - 16, b - 10), rng, lines=10)
    spread.rect((0, page_h - 6, spread.width, page_h + 6), fill=(r - 12, g - 12, b - 12), width=0)
    spread.line((0, page_h, spread.width, page_h), (150, 150, 150), 3)


def _upper_page(sheet: Sheet, rng, sp: Spelling, pr, mode, page_h, strip) -> None:
    st = sheet.style
    m = rng.randint(80, 110)
    w = sheet.canvas.width - m - strip - 30
    y = m + st.small
    sheet.write(m, y, "РОССИЙСКАЯ ФЕДЕРАЦИЯ", fnt=st.bold(st.small), color=st.label_ink,
                width=w, align="center")
    y += st.line_height * rng.uniform(1.8, 3.0)
    label = sp.label("Паспорт выдан")
    if mode == "classic":
        vx = m + st.label_font().length(label) + st.size * 0.8
        y = sheet.block(m, y, label, [(pr["issued_by"], "issued_by")], value_x=vx, width=w,
                        underline=True, value_align="center")
    else:
        y = sheet.pair(m, y, label, pr["issued_by"], "issued_by", mode=mode, width=w,
                       value_align="center")
    y += page_h * rng.uniform(0.06, 0.2)
    y = _row(sheet, sp, pr, ("issue_date", "division_code"), mode, m, y, w, rng.uniform(0.48, 0.55))
    # signature line at the bottom of the page
    sy = y + st.line_height
    sy = max(sy, page_h - m - st.small * 1.5)
    sx = m + rng.randint(0, 200)
    sheet.underline(sx, sx + 520, sy)
    sheet.caption(sx, sy + st.small * 1.1, sp.label("Личная подпись", colon=False), 520)
    _scribble(sheet.canvas, rng, sx + 60, sy - 70, 380, 60)


def _lower_page(sheet: Sheet, rng, sp: Spelling, pr, mode, page_h, strip, photo_side, top=None) -> None:
    """The lower page, starting at `top` (default: under the upper page)."""
    st = sheet.style
    canvas = sheet.canvas
    m = rng.randint(70, 100)
    top = (page_h if top is None else top) + m
    photo_w = round(canvas.width * rng.uniform(0.25, 0.3))
    photo_h = round(photo_w * 1.3)
    content_w = canvas.width - m - strip - 30
    if photo_side == "left":
        px, fx = m, m + photo_w + 60
    else:
        px, fx = m + content_w - photo_w, m
    fw = content_w - photo_w - 60
    py = top + rng.randint(60, 160)
    _photo(canvas, (px, py, px + photo_w, py + photo_h))

    y = top + st.size * rng.uniform(1.6, 3.0)
    gap = st.line_height * rng.uniform(0.1, 0.5)
    for f in ("last_name", "first_name", "middle_name"):
        y = _field(sheet, sp, pr, f, mode, fx, y, fw) + gap
    if rng.random() < 0.6:  # "Пол МУЖ.   Дата рождения 01.01.1980" on one row
        y = _row(sheet, sp, pr, ("gender", "birth_date"), mode, fx, y, fw, 0.36) + gap
    else:
        for f in ("gender", "birth_date"):
            y = _field(sheet, sp, pr, f, mode, fx, y, fw) + gap
    _field(sheet, sp, pr, "birth_place", mode, fx, y, fw)


def _label(sp: Spelling, fld, mode) -> str:
    return sp.label(LABELS[fld], colon=None if mode == "classic" else False)


def _row(sheet: Sheet, sp: Spelling, pr, flds, mode, x, y, width, share) -> float:
    """Two fields side by side, or stacked when they do not fit."""
    pmode = "inline" if mode == "classic" else mode
    needs = [sheet.pair_width(_label(sp, f, mode), pr[f], pmode) for f in flds]
    cols = sheet.columns(x, width, needs, (share, 1 - share))
    if cols is None:
        for f in flds:
            y = _field(sheet, sp, pr, f, mode, x, y, width)
        return y
    return max(_field(sheet, sp, pr, f, mode, cx, y, cw) for f, (cx, cw) in zip(flds, cols))


def _field(sheet: Sheet, sp: Spelling, pr, fld, mode, x, y, width) -> float:
    label = _label(sp, fld, mode)
    if mode == "classic":
        return sheet.pair(x, y, label, pr[fld], fld, width=width, underline=True,
                          value_align="center" if fld != "gender" else "left")
    return sheet.pair(x, y, label, pr[fld], fld, mode=mode, width=width)


def _photo(canvas: Canvas, box) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    canvas.rect(box, outline=(120, 120, 120), fill=(214, 214, 214), width=3)
    cx = (x0 + x1) / 2
    canvas.ellipse((cx - w * 0.38, y0 + h * 0.64, cx + w * 0.38, y1 - 4), fill=(170, 170, 170), width=0)
    canvas.ellipse((cx - w * 0.2, y0 + h * 0.16, cx + w * 0.2, y0 + h * 0.62), fill=(170, 170, 170), width=0)
    canvas.rect(box, outline=(120, 120, 120), width=3)


def _scribble(canvas: Canvas, rng: random.Random, x, y, w, h) -> None:
    pts: list[float] = []
    for i in range(14):
        pts += [x + w * i / 13 + rng.uniform(-15, 15), y + rng.uniform(0, h)]
    canvas.line(pts, rng.choice(((20, 30, 110), (30, 30, 60))), 4)
