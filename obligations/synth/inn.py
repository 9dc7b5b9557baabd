"""Old-form certificate of tax registration of a person (свидетельство ИНН)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from .base import Doc
from .data import (
    DATE_STYLES, LAST_DAY, PERSON_LABELS, REGIONS, Spelling, date_after_birth, format_date_ru, inn12, person,
    person_fields,
)
from .render import (
    A4_PORTRAIT, LIGHT_PAPERS, Canvas, Cell, Sheet, frame, pick_style, table, tint,
)

DOC_TYPE = "inn"
FIELDS = (
    "inn", "last_name", "first_name", "middle_name", "gender", "birth_date", "birth_place", "issue_date",
)
QUESTIONS = {
    "inn": "Какой ИНН указан в свидетельстве?",
    "last_name": "Какая фамилия указана в свидетельстве?",
    "first_name": "Какое имя указано в свидетельстве?",
    "middle_name": "Какое отчество указано в свидетельстве?",
    "gender": "Какой пол указан в свидетельстве?",
    "birth_date": "Какая дата рождения указана в свидетельстве?",
    "birth_place": "Какое место рождения указано в свидетельстве?",
    "issue_date": "Какая дата выдачи свидетельства?",
}
LAYOUTS = ("classic", "labelled", "captions", "table")
LABELS = PERSON_LABELS
NAMES = ("last_name", "first_name", "middle_name")


def render(rng: random.Random) -> Doc:
    p = person(rng)
    sp = Spelling.pick(rng, upper_values=0.55)
    region = rng.choice(REGIONS)
    office = rng.randint(1, 40)
    registered = date_after_birth(rng, p.birth, date(1999, 1, 1))
    issued = min(registered + timedelta(days=rng.randint(0, 40)), LAST_DAY)
    fns = "ФНС" if registered >= date(2004, 12, 1) else "МНС"
    office_name = rng.choice((
        f"Инспекция {fns} России № {office} по {region.dative}",
        f"Межрайонная инспекция {fns} России № {office} по {region.dative}",
    ))
    inn = inn12(rng, region, office)
    printed, fields = person_fields(sp, p)
    printed |= {"inn": inn, "issue_date": sp.date(issued)}
    fields |= {"inn": inn, "issue_date": issued.isoformat()}
    style = pick_style(rng, size=(44, 52))
    layout = rng.choice(LAYOUTS)
    canvas = Canvas(*A4_PORTRAIT, paper=tint(rng, LIGHT_PAPERS))
    sheet = Sheet(canvas, style)
    m = rng.randint(170, 260)
    w = canvas.width - 2 * m
    female = p.gender == "female"

    y = _header(sheet, rng, m, w, fns, region)
    y = _BODIES[layout](sheet, rng, sp, printed, m, y, w)
    reg_text = format_date_ru(registered, rng.choice(DATE_STYLES))
    y = sheet.write(
        m, y + style.line_height * 0.4,
        f"{'поставлена' if female else 'поставлен'} на учет в соответствии с Налоговым кодексом "
        f"Российской Федерации {reg_text} в налоговом органе по месту жительства",
        width=w, fnt=style.regular(), color=style.label_ink,
    )
    y = sheet.pair(m, y + style.line_height * 1.3, "(наименование налогового органа)", office_name,
                   None, mode="below", width=w, value_align="center")
    y = _inn_line(sheet, rng, sp, inn, m, y, w, female)
    _signature(sheet, rng, sp, printed["issue_date"], office_name, m, max(y, canvas.height * 0.72), w)
    with canvas.beneath():
        frame(canvas, (m * 0.45, m * 0.45, canvas.width - m * 0.45, canvas.height - m * 0.45),
              style.label_ink, rng)
    return Doc(DOC_TYPE, canvas, fields, printed, layout, style.family.name).check(FIELDS)


def _header(sheet: Sheet, rng, m, w, fns, region) -> float:
    st = sheet.style
    y = m + st.size * 1.5
    if rng.random() < 0.5:
        sheet.write(m, y, "Форма № 2-2-Учет", fnt=st.regular(st.small), color=st.label_ink, width=w,
                    align="right")
        y += st.line_height * 1.2
    ministry = ("ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА" if fns == "ФНС"
                else "МИНИСТЕРСТВО РОССИЙСКОЙ ФЕДЕРАЦИИ ПО НАЛОГАМ И СБОРАМ")
    y = sheet.write(m, y, ministry, fnt=st.bold(), color=st.label_ink, width=w, align="center")
    y += st.line_height * 2.2
    y = sheet.write(m, y, "СВИДЕТЕЛЬСТВО", fnt=st.bold(round(st.size * 1.6)), color=st.ink, width=w,
                    align="center")
    inset = w * 0.1
    y = sheet.write(
        m + inset, y + st.line_height * 1.2,
        "о постановке на учет физического лица в налоговом органе на территории Российской Федерации",
        fnt=st.bold() if rng.random() < 0.4 else st.regular(), color=st.ink, width=w - 2 * inset,
        align="center",
    )
    if rng.random() < 0.5:
        y += st.line_height * 1.3
        series = f"серия {region.code} № {rng.randint(0, 999_999_999):09d}"
        sheet.write(m, y, series, fnt=st.regular(), color=st.label_ink, width=w, align="center")
    return y + st.line_height * 2


def _name_line(sheet: Sheet, rng, sp: Spelling, pr, x, y, w) -> float:
    """"Физическое лицо ИВАНОВ ИВАН ИВАНОВИЧ", the name on one line with one box per word."""
    st = sheet.style
    label = sp.label("Физическое лицо", colon=False)
    lf, vf = st.label_font(), st.value_font()
    sheet.canvas.text(x, y, label, lf, st.label_ink)
    vx = x + lf.length(label) + lf.size * 0.5
    runs: list[tuple[str, str | None]] = []
    for f in NAMES:
        runs += [(pr[f], f), (" ", None)]
    runs.pop()
    if vx + vf.length("".join(r for r, _ in runs)) > x + w:  # too long: name on its own line
        vx, y = x, y + st.line_height
    sheet.canvas.runs(vx, y, runs, vf, st.ink)
    sheet.underline(vx, x + w, y + st.size * 0.25)
    if rng.random() < 0.6:
        sheet.caption(vx, y + st.size * 0.25 + st.small * 1.05, "(фамилия, имя, отчество)", x + w - vx,
                      align="center")
        y += st.small * 1.1
    return y + st.line_height * 1.2


def _classic(sheet: Sheet, rng, sp: Spelling, pr, m, y, w) -> float:
    """Running form text: name on one line, then "пол ...", "дата рождения ...", "место рождения ..."."""
    st = sheet.style
    if rng.random() < 0.6:
        sheet.write(m, y, "Настоящее свидетельство подтверждает, что", color=st.label_ink)
        y += st.line_height * 1.2
    y = _name_line(sheet, rng, sp, pr, m, y, w)
    low = Spelling(sp.label_upper, False, sp.value_upper, sp.date_style, sp.gender_index)
    label = lambda f: low.label(LABELS[f].lower())  # noqa: E731
    if rng.random() < 0.5:  # gender and birth date on one row
        y = sheet.row(m, y, w, [(label(f), pr[f], f) for f in ("gender", "birth_date")], (0.4, 0.6))
    else:
        for f in ("gender", "birth_date"):
            y = sheet.pair(m, y, label(f), pr[f], f, width=w)
    return sheet.pair(m, y, label("birth_place"), pr["birth_place"], "birth_place", width=w,
                      underline=rng.random() < 0.5)


def _labelled(sheet: Sheet, rng, sp: Spelling, pr, m, y, w) -> float:
    """One labelled line per field, values in a tab column."""
    st = sheet.style
    sheet.write(m, y, "Физическое лицо:" if sp.colon else "Физическое лицо", color=st.label_ink)
    y += st.line_height * 1.4
    lf = st.label_font()
    labels = {f: sp.label(t) for f, t in LABELS.items()}
    order = list(NAMES) + (["gender", "birth_date"] if rng.random() < 0.5 else ["birth_date", "gender"])
    order.append("birth_place")
    vx = m + max(lf.length(t) for t in labels.values()) + lf.size * rng.uniform(0.8, 2.0)
    ul = rng.random() < 0.4
    for f in order:
        y = sheet.pair(m, y, labels[f], pr[f], f, width=w, value_x=vx, underline=ul)
    return y


def _captions(sheet: Sheet, rng, sp: Spelling, pr, m, y, w) -> float:
    """Values on underlined lines with bracketed captions below."""
    st = sheet.style
    sheet.write(m, y, sp.label("Физическое лицо", colon=False), color=st.label_ink)
    y += st.line_height * 1.3
    caption = lambda f: f"({LABELS[f].lower()})"  # noqa: E731
    if rng.random() < 0.5:  # three names side by side
        y = sheet.row(m, y, w, [(caption(f), pr[f], f) for f in NAMES], (1 / 3,) * 3, mode="below")
    else:
        for f in NAMES:
            y = sheet.pair(m, y, caption(f), pr[f], f, mode="below", width=w)
    y = sheet.row(m, y, w, [(caption(f), pr[f], f) for f in ("gender", "birth_date")], (0.45, 0.55),
                  mode="below")
    return sheet.pair(m, y, caption("birth_place"), pr["birth_place"], "birth_place", mode="below", width=w)


def _table(sheet: Sheet, rng, sp: Spelling, pr, m, y, w) -> float:
    """A two-column ruled table: label cell | value cell."""
    st = sheet.style
    sheet.write(m, y, "Сведения о физическом лице", fnt=st.bold(), color=st.label_ink, width=w,
                align="center")
    y += st.line_height * 0.6
    split = round(w * rng.uniform(0.3, 0.4))
    rows = [[Cell(sp.label(LABELS[f], colon=False), label=True), Cell(pr[f], f)]
            for f in (*NAMES, "gender", "birth_date", "birth_place")]
    return table(sheet, m, y, (split, w - split), rows) + st.line_height * 1.3


def _inn_line(sheet: Sheet, rng, sp: Spelling, inn, m, y, w, female) -> float:
    """"и ему присвоен ИНН 772345678901", or a labelled INN line, sometimes framed."""
    st = sheet.style
    y += st.line_height * 0.8
    vf = st.bold(round(st.size * rng.uniform(1.0, 1.3)))
    if rng.random() < 0.5:
        lead = f"и {'ей' if female else 'ему'} присвоен ИНН"
    else:
        lead = rng.choice(("Идентификационный номер налогоплательщика (ИНН)", "ИНН", "ИНН:"))
    lf = st.label_font()
    if lf.length(lead) + vf.length(inn) + 80 > w:
        sheet.write(m, y, lead, fnt=lf, color=st.label_ink)
        x, y = m, y + st.line_height * 1.2
    else:
        sheet.canvas.text(m, y, lead, lf, st.label_ink)
        x = m + lf.length(lead) + lf.size * 0.6
    box = sheet.canvas.text(x + 20, y, inn, vf, st.ink, "inn")
    if rng.random() < 0.5:
        sheet.canvas.rect((box[0] - 24, box[1] - 20, box[2] + 24, box[3] + 20), outline=st.label_ink, width=3)
    return y + st.line_height * 2


def _signature(sheet: Sheet, rng, sp: Spelling, issue_date, office_name, m, y, w) -> None:
    """Signature block; the issue date labelled, or standing alone by the seal."""
    st = sheet.style
    lf = st.regular(st.small)
    y = sheet.write(m, y, f"Руководитель (заместитель руководителя) {office_name}", fnt=lf,
                    color=st.label_ink, width=w * 0.55)
    sheet.underline(m + w * 0.6, m + w * 0.78, y)
    sheet.caption(m + w * 0.6, y + st.small * 1.1, "(подпись)", w * 0.18, align="center")
    sheet.write(m + w * 0.8, y, f"{rng.choice('АВЕИКНОСТ')}. {rng.choice('АВЕИКНОСТ')}. "
                f"{rng.choice(('Петрова', 'Смирнов', 'Козлова', 'Орлов', 'Белова'))}",
                fnt=lf, color=st.label_ink)
    y += st.line_height * 2.5
    sheet.write(m + w * 0.05, y, "М.П.", fnt=lf, color=st.label_ink)
    if rng.random() < 0.6:
        sheet.pair(m + w * 0.4, y, sp.label("Дата выдачи"), issue_date, "issue_date", width=w * 0.6)
    else:
        sheet.value(m + w * 0.4, y, issue_date, "issue_date")
    cx, cy, r = m + w * 0.12, y - st.size * 0.3, 150
    sheet.canvas.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(90, 110, 190), width=4)
    sheet.canvas.ellipse((cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22), outline=(90, 110, 190), width=2)


_BODIES = {"classic": _classic, "labelled": _labelled, "captions": _captions, "table": _table}
