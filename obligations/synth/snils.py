"""Green pension insurance card (СНИЛС, old laminated form)."""

from __future__ import annotations

import random
from datetime import date

from .base import Doc
from .data import PERSON_LABELS, Spelling, date_after_birth, person, person_fields, snils_number
from .render import Canvas, Sheet, frame, guilloche, mount, pick_style, tint

DOC_TYPE = "snils"
FIELDS = (
    "number", "last_name", "first_name", "middle_name",
    "birth_date", "birth_place", "gender", "registration_date",
)
QUESTIONS = {
    "number": "Какой номер СНИЛС?",
    "last_name": "Какая фамилия указана в документе?",
    "first_name": "Какое имя указано в документе?",
    "middle_name": "Какое отчество указано в документе?",
    "birth_date": "Какая дата рождения указана в документе?",
    "birth_place": "Какое место рождения указано в документе?",
    "gender": "Какой пол указан в документе?",
    "registration_date": "Какая дата регистрации указана в документе?",
}
LAYOUTS = ("classic", "inline", "captions", "two-column")

GREENS = ((206, 232, 198), (214, 236, 208), (200, 228, 206), (222, 238, 214), (214, 234, 222))
GREEN_INKS = ((20, 70, 35), (30, 60, 30), (35, 45, 40), (25, 55, 50))
LABELS = {**PERSON_LABELS, "registration_date": "Дата регистрации"}


def render(rng: random.Random) -> Doc:
    p = person(rng)
    sp = Spelling.pick(rng, upper_values=0.7)
    reg = date_after_birth(rng, p.birth, date(1996, 4, 1))
    number = snils_number(rng)
    printed, fields = person_fields(sp, p)
    printed |= {"number": number, "registration_date": sp.date(reg)}
    fields |= {"number": number, "registration_date": reg.isoformat()}
    style = pick_style(rng, size=(42, 50), label_inks=GREEN_INKS)
    layout = rng.choice(LAYOUTS)
    sheet = Sheet(Canvas(rng.randint(1900, 2150), 10_000, tint(rng, GREENS)), style)  # height set later
    card = _card(rng, sheet, sp, printed, layout)
    on_a4 = rng.random() < 0.4
    canvas = mount(card, rng, a4=on_a4)
    placement = "a4" if on_a4 else "card"
    return Doc(DOC_TYPE, canvas, fields, printed, f"{layout}/{placement}", style.family.name).check(FIELDS)


def _card(rng: random.Random, sheet: Sheet, sp: Spelling, pr: dict[str, str], layout: str) -> Canvas:
    card, st = sheet.canvas, sheet.style
    m = rng.randint(75, 100)
    y = _header(sheet, rng, pr["number"], m)
    y = _BODIES[layout](sheet, rng, sp, pr, y, m)
    card.height = max(round(y - st.line_height + m + st.size), round(card.width / 1.6))
    with card.beneath():
        r, g, b = card.paper
        guilloche(card, (0, 0, card.width, card.height), (r - 22, g - 12, b - 22), rng)
        inset = m * rng.uniform(0.3, 0.5)
        frame(card, (inset, inset, card.width - inset, card.height - inset), st.label_ink, rng)
    return card


def _header(sheet: Sheet, rng: random.Random, number: str, m: int) -> float:
    st = sheet.style
    w = sheet.canvas.width - 2 * m
    y = m + st.size * 1.4
    if rng.random() < 0.4:
        sheet.write(m, y, "ПЕНСИОННЫЙ ФОНД РОССИЙСКОЙ ФЕДЕРАЦИИ", fnt=st.regular(st.small),
                    color=st.label_ink, width=w, align="center")
        y += st.small * 1.6
    title = st.bold(round(st.size * rng.uniform(1.1, 1.3)))
    y = sheet.write(m, y + title.size * 0.3, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО", fnt=title,
                    color=st.label_ink, width=w, align="center")
    y = sheet.write(m, y + title.size * 1.25, "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ",
                    fnt=st.bold(), color=st.label_ink, width=w, align="center")
    num = st.bold(round(st.size * rng.uniform(1.2, 1.45)))
    prefix = rng.choice(("№ ", "№ ", "№"))
    y += num.size * 1.8
    x = m if rng.random() < 0.3 else m + (w - num.length(prefix + number)) / 2
    sheet.canvas.runs(x, y, [(prefix, None), (number, "number")], num, st.ink)
    return y + st.line_height * 1.5


def _order(rng: random.Random) -> list[str]:
    """Field order: names first; gender before or after the birth block;
    registration date first or last."""
    birth = ["birth_date", "birth_place"]
    rest = birth + ["gender"] if rng.random() < 0.6 else ["gender"] + birth
    order = ["last_name", "first_name", "middle_name"] + rest
    return ["registration_date"] + order if rng.random() < 0.25 else order + ["registration_date"]


def _classic(sheet: Sheet, rng, sp: Spelling, pr, y, m) -> float:
    """Label column on the left, as on the real card: Ф.И.О. with three value lines."""
    w = sheet.canvas.width - 2 * m
    vx = m + round(w * rng.uniform(0.3, 0.37))
    ul = rng.random() < 0.5
    blocks = [
        (rng.choice(("Ф.И.О.", "Фамилия, имя, отчество", "Ф. И. О.")),
         ["last_name", "first_name", "middle_name"]),
        ("Дата и место рождения", ["birth_date", "birth_place"]),
        ("Пол", ["gender"]),
        ("Дата регистрации", ["registration_date"]),
    ]
    for label, flds in blocks:
        y = sheet.block(m, y, sp.label(label), [(pr[f], f) for f in flds], value_x=vx, width=w,
                        underline=ul)
    return y


def _inline(sheet: Sheet, rng, sp: Spelling, pr, y, m) -> float:
    """One "Label: value" per line, values either right after the label or in a tab column."""
    w = sheet.canvas.width - 2 * m
    order = _order(rng)
    labels = {f: sp.label(LABELS[f]) for f in order}
    lf = sheet.style.label_font()
    vx = None
    if rng.random() < 0.5:
        vx = m + max(lf.length(t) for t in labels.values()) + lf.size * 0.8
    ul = rng.random() < 0.3
    for f in order:
        y = sheet.pair(m, y, labels[f], pr[f], f, width=w, value_x=vx, underline=ul)
    return y


def _captions(sheet: Sheet, rng, sp: Spelling, pr, y, m) -> float:
    """Values with small captions above or below; birth date and gender share a row."""
    w = sheet.canvas.width - 2 * m
    mode = rng.choice(("above", "below"))
    for f in _order(rng):
        if f == "gender":
            continue
        if f == "birth_date":
            y = sheet.row(m, y, w, [(sp.label(LABELS[g], colon=False), pr[g], g) for g in (f, "gender")],
                          (0.55, 0.45), mode=mode)
        else:
            y = sheet.pair(m, y, sp.label(LABELS[f], colon=False), pr[f], f, mode=mode, width=w)
    return y


def _two_column(sheet: Sheet, rng, sp: Spelling, pr, y, m) -> float:
    """Names in the left column, the rest in the right column."""
    w = sheet.canvas.width - 2 * m
    mode = rng.choice(("above", "below", "above"))
    split = round(w * rng.uniform(0.42, 0.5))
    left = ["last_name", "first_name", "middle_name"]
    right = [f for f in _order(rng) if f not in left]
    y_left = y_right = y
    for f in left:
        y_left = sheet.pair(m, y_left, sp.label(LABELS[f], colon=False), pr[f], f, mode=mode, width=split - 50)
    for f in right:
        y_right = sheet.pair(m + split, y_right, sp.label(LABELS[f], colon=False), pr[f], f, mode=mode,
                             width=w - split)
    return max(y_left, y_right)


_BODIES = {"classic": _classic, "inline": _inline, "captions": _captions, "two-column": _two_column}
