"""Russian VAT invoice (счет-фактура).

Layouts: four free-form ones ("classic", "separate", "two-column", "boxed") and "official",
the form of Government Decree No. 1137 as printed by accounting software: numbered header rows
"(1)", "(1а)", "(2)", "(2а)", "(2б)" ... "(8)", a goods table with the numbered column row
(1, 1а, 2, 2а, 3 ... 11) and the "Всего к оплате" row carrying the amounts without tax, the tax
(or "без НДС" / "X") and with tax.  On the official form the seller (sometimes the buyer) may be
a sole trader: a 12-digit INN and no KPP (printed "-" or nothing; null in the ground truth).
"""

from __future__ import annotations

import random
from datetime import date

from .base import Doc, collapse, side_random
from .data import (
    REGIONS, Spelling, format_date_ru, inn10, inn12, kpp, money, organisation, person, random_date, ru_address,
    rub,
)
from .render import A4_PORTRAIT, LIGHT_PAPERS, Canvas, Cell, Sheet, pick_style, table, tint

DOC_TYPE = "invoice"
FIELDS = (
    "number", "date", "seller_name", "seller_inn", "seller_kpp",
    "buyer_name", "buyer_inn", "buyer_kpp", "total",
)
QUESTIONS = {
    "number": "Какой номер счета-фактуры?",
    "date": "Какая дата счета-фактуры?",
    "seller_name": "Как называется продавец?",
    "seller_inn": "Какой ИНН продавца?",
    "seller_kpp": "Какой КПП продавца?",
    "buyer_name": "Как называется покупатель?",
    "buyer_inn": "Какой ИНН покупателя?",
    "buyer_kpp": "Какой КПП покупателя?",
    "total": "Какая сумма всего к оплате?",
}
LAYOUTS = ("classic", "separate", "two-column", "boxed")  # drawn with the document's rng
ALL_LAYOUTS = (*LAYOUTS, "official")
OFFICIAL = 0.3  # share of documents on the official form

GOODS = (
    ("Бумага офисная А4, 500 л.", "упак"), ("Картридж лазерный", "шт"), ("Услуги по доставке", "усл. ед."),
    ("Монитор 24\"", "шт"), ("Кабель ВВГнг 3х2,5", "м"), ("Цемент М500, мешок 50 кг", "шт"),
    ("Консультационные услуги", "усл. ед."), ("Стул офисный", "шт"), ("Краска фасадная белая", "кг"),
    ("Перчатки рабочие", "пар"), ("Техническое обслуживание оборудования", "усл. ед."),
    ("Ноутбук 15,6\"", "шт"), ("Папка-регистратор", "шт"), ("Аренда спецтехники", "час"),
)
FULL_COLUMNS = (
    ("№ п/п", 0.045), ("Наименование товара (описание выполненных работ, оказанных услуг)", 0.29),
    ("Ед. изм.", 0.07), ("Количество", 0.085), ("Цена за единицу", 0.11), ("Стоимость без налога", 0.12),
    ("Налоговая ставка", 0.08), ("Сумма налога", 0.095), ("Стоимость с налогом", 0.105),
)
COMPACT_COLUMNS = (
    ("№", 0.05), ("Наименование", 0.29), ("Кол-во", 0.08), ("Цена", 0.13), ("Сумма без НДС", 0.16),
    ("НДС", 0.13), ("Всего", 0.16),
)


def _party(rng: random.Random) -> dict[str, str]:
    region = rng.choice(REGIONS)
    inn = inn10(rng, region, rng.randint(1, 40))
    return {"name": organisation(rng), "inn": inn, "kpp": kpp(inn, rng), "address": ru_address(rng)}


def _number(rng: random.Random, year: int) -> str:
    n = rng.randint(1, 9999)
    return rng.choice((
        str(n), str(n), f"{n:08d}", f"{rng.choice('АБВКМПТ')}-{n}/{year}",
        f"{rng.choice(('ЮТ', 'СФ', 'РН'))}-{n:04d}", f"{n}/{rng.randint(1, 12):02d}",
    ))


def _goods(rng: random.Random, rate: int | None = None) -> tuple[list[dict], dict[str, int]]:
    rate = rng.choice((20, 20, 20, 10, 0)) if rate is None else rate
    rows, totals = [], {"net": 0, "vat": 0, "gross": 0}
    for name, unit in rng.sample(GOODS, rng.randint(1, 5)):
        qty = rng.randint(1, 40)
        price = rng.randint(50, 20_000) * 100 + rng.choice((0, 0, 50, 99))
        net = qty * price
        vat = round(net * rate / 100)
        rows.append({"name": name, "unit": unit, "qty": qty, "price": price, "net": net, "vat": vat,
                     "gross": net + vat, "rate": f"{rate}%" if rate else "без НДС"})
        for k in totals:
            totals[k] += rows[-1][k]
    return rows, totals


def render(rng: random.Random) -> Doc:
    # Decided aside from rng, so that the free-form invoices of a seed are what they were before.
    if side_random(rng, "invoice/official").random() < OFFICIAL:
        return _official(rng)
    sp = Spelling.pick(rng, date_styles=("numeric", "words", "quoted", "numeric"))
    inv_date = random_date(rng, date(2015, 1, 1), date(2024, 12, 31))
    number = _number(rng, inv_date.year)
    seller, buyer = _party(rng), _party(rng)
    goods, totals = _goods(rng)
    money_style = rng.choice(("space", "space", "plain"))
    printed = {
        "number": number,
        "date": format_date_ru(inv_date, sp.date_style),
        "seller_name": seller["name"], "seller_inn": seller["inn"], "seller_kpp": seller["kpp"],
        "buyer_name": buyer["name"], "buyer_inn": buyer["inn"], "buyer_kpp": buyer["kpp"],
        "total": rub(totals["gross"], money_style),
    }
    fields = {k: collapse(v) for k, v in printed.items()}
    fields["date"] = inv_date.isoformat()
    fields["total"] = money(totals["gross"])

    landscape = rng.random() < 0.7
    size = A4_PORTRAIT[::-1] if landscape else A4_PORTRAIT
    canvas = Canvas(*size, paper=tint(rng, LIGHT_PAPERS))
    style = pick_style(rng, size=(40, 46))
    sheet = Sheet(canvas, style)
    m = rng.randint(120, 180)
    w = canvas.width - 2 * m
    layout = rng.choice(LAYOUTS)
    codes = rng.random() < 0.4  # official row codes "(2)", "(2а)" ...

    y = m + style.small
    if rng.random() < 0.6:
        y = sheet.write(m + w * 0.55, y, "Приложение № 1 к постановлению Правительства Российской "
                        "Федерации от 26 декабря 2011 г. № 1137", fnt=style.regular(style.small),
                        color=style.label_ink, width=w * 0.45, align="right")
        y += style.line_height * 1.2
    y = _title(sheet, rng, printed, m, y + style.size * 0.6, w, codes)
    y = _PARTIES[layout](sheet, rng, sp, printed, seller, buyer, m, y, w, codes)
    y += style.line_height * 0.2
    y = _goods_table(sheet, goods, totals, money_style, m, y, w, full=landscape and rng.random() < 0.7)
    _signatures(sheet, rng, m, y + style.line_height * 1.8, w)
    return Doc(DOC_TYPE, canvas, fields, printed, f"{layout}/{'landscape' if landscape else 'portrait'}",
               style.family.name).check(FIELDS)


def _title(sheet: Sheet, rng, pr, m, y, w, codes) -> float:
    st = sheet.style
    fnt = st.bold(round(st.size * rng.uniform(1.1, 1.35)))
    word = rng.choice(("СЧЕТ-ФАКТУРА", "Счет-фактура", "СЧЁТ-ФАКТУРА"))
    runs = [(f"{word} № ", None), (pr["number"], "number"), (" от ", None), (pr["date"], "date")]
    if codes:
        runs.append(("  (1)", None))
    x = m if rng.random() < 0.6 else m + (w - fnt.length("".join(r for r, _ in runs))) / 2
    sheet.canvas.runs(x, y, runs, fnt, st.ink)
    y += st.line_height * 1.1
    if rng.random() < 0.6:
        sheet.write(x, y, "Исправление № ---- от ----" + ("  (1а)" if codes else ""), color=st.label_ink)
        y += st.line_height
    return y + st.line_height * 0.4


def _code(codes: bool, code: str) -> str:
    return f"  ({code})" if codes else ""


def _other_lines(rng, buyer) -> list[tuple[str, str, str]]:
    """Rows between seller and buyer that carry no extracted field (label, text, code)."""
    shipper = rng.choice(("он же", "—"))
    consignee = f"{buyer['name']}, {buyer['address']}" if rng.random() < 0.5 else "—"
    rows = [
        ("Грузоотправитель и его адрес", shipper, "3"),
        ("Грузополучатель и его адрес", consignee, "4"),
        ("К платежно-расчетному документу", f"№ {rng.randint(1, 999)} от ----", "5"),
    ]
    return rows if rng.random() < 0.7 else rows[:1]


def _classic(sheet: Sheet, rng, sp: Spelling, pr, seller, buyer, m, y, w, codes, separate=False) -> float:
    """Label: value lines, value right after its label or in a tab column."""
    st = sheet.style
    lbl = lambda t: sp.label(t, colon=True)  # noqa: E731
    rows: list[tuple[str, str, str | None, str]] = [
        (lbl("Продавец"), pr["seller_name"], "seller_name", "2"),
        (lbl("Адрес"), seller["address"], None, "2а"),
    ]
    for side, party in (("seller", seller), ("buyer", buyer)):
        who = "продавца" if side == "seller" else "покупателя"
        if separate:
            ids = [(lbl(f"ИНН {who}"), party["inn"], f"{side}_inn", "2б" if side == "seller" else "6б"),
                   (lbl(f"КПП {who}"), party["kpp"], f"{side}_kpp", "2б" if side == "seller" else "6б")]
        else:
            ids = [(lbl(f"ИНН/КПП {who}"), None, side, "2б" if side == "seller" else "6б")]
        if side == "seller":
            rows += ids
            rows += [(lbl(label), text, None, code) for label, text, code in _other_lines(rng, buyer)]
        else:
            rows += [(lbl("Покупатель"), pr["buyer_name"], "buyer_name", "6"),
                     (lbl("Адрес"), buyer["address"], None, "6а")] + ids
    rows.append((lbl("Валюта: наименование, код"), "Российский рубль, 643", None, "7"))
    lf = st.label_font()
    vx = None
    if rng.random() < 0.5:
        vx = m + min(w * 0.4, max(lf.length(r[0]) for r in rows) + lf.size)
    for label, value, fld, code in rows:
        if value is None:  # combined ИНН/КПП: one value, two fields
            party = seller if fld == "seller" else buyer
            x = vx if vx is not None else m + lf.length(label) + lf.size * 0.45
            sheet.canvas.text(m, y, label, lf, st.label_ink)
            vf = st.value_font()
            sheet.canvas.runs(x, y, [(party["inn"], f"{fld}_inn"), ("/", None), (party["kpp"], f"{fld}_kpp"),
                                     (_code(codes, code), None)], vf, st.ink)
            y += st.line_height
        else:
            y = sheet.pair(m, y, label, value + _code(codes, code) if fld is None else value, fld,
                           width=w - (150 if codes and fld else 0), value_x=vx)
            if fld is not None and codes:
                sheet.canvas.text(m + w, y - st.line_height, f"({code})", st.regular(st.small),
                                  st.label_ink, align="right")
    return y


def _separate(sheet: Sheet, rng, sp, pr, seller, buyer, m, y, w, codes) -> float:
    """As classic, but ИНН and КПП on separate labelled lines."""
    return _classic(sheet, rng, sp, pr, seller, buyer, m, y, w, codes, separate=True)


def _two_column(sheet: Sheet, rng, sp: Spelling, pr, seller, buyer, m, y, w, codes) -> float:
    """Seller block on the left, buyer block on the right."""
    st = sheet.style
    col = w / 2
    combined = rng.random() < 0.5
    bottoms = []
    for i, (side, party, title) in enumerate((("seller", seller, "Продавец"), ("buyer", buyer, "Покупатель"))):
        x = m + i * col
        cw = col - 60
        yy = sheet.write(x, y, sp.label(title, colon=False), fnt=st.bold(), color=st.label_ink)
        yy = sheet.value(x, yy + st.line_height, pr[f"{side}_name"], f"{side}_name", width=cw)
        yy = sheet.pair(x, yy + st.line_height, sp.label("Адрес", colon=True), party["address"], None, width=cw)
        if combined:
            lf = st.label_font()
            label = sp.label("ИНН/КПП", colon=True)
            sheet.canvas.text(x, yy, label, lf, st.label_ink)
            sheet.canvas.runs(x + lf.length(label) + lf.size * 0.45, yy,
                              [(party["inn"], f"{side}_inn"), ("/", None), (party["kpp"], f"{side}_kpp")],
                              st.value_font(), st.ink)
            yy += st.line_height
        else:
            yy = sheet.pair(x, yy, sp.label("ИНН", colon=True), party["inn"], f"{side}_inn", width=cw)
            yy = sheet.pair(x, yy, sp.label("КПП", colon=True), party["kpp"], f"{side}_kpp", width=cw)
        bottoms.append(yy)
    y = max(bottoms) + st.line_height * 0.3
    sheet.canvas.line((m, y - st.line_height * 0.7, m + w, y - st.line_height * 0.7), st.label_ink, 2)
    for label, text, code in _other_lines(rng, buyer):
        y = sheet.pair(m, y, sp.label(label, colon=True), text + _code(codes, code), None, width=w)
    return sheet.pair(m, y, sp.label("Валюта: наименование, код", colon=True), "Российский рубль, 643", None,
                      width=w)


def _boxed(sheet: Sheet, rng, sp: Spelling, pr, seller, buyer, m, y, w, codes) -> float:
    """Header rows as a ruled table: label | value | row code."""
    split = round(w * rng.uniform(0.25, 0.32))
    code_w = 120

    def row(label, text, fld, code):
        return [Cell(sp.label(label, colon=False), label=True), Cell(text, fld), Cell(code, label=True)]

    rows = [
        row("Продавец", pr["seller_name"], "seller_name", "2"),
        row("Адрес", seller["address"], None, "2а"),
        row("ИНН продавца", seller["inn"], "seller_inn", "2б"),
        row("КПП продавца", seller["kpp"], "seller_kpp", "2б"),
        *(row(label, text, None, code) for label, text, code in _other_lines(rng, buyer)),
        row("Покупатель", pr["buyer_name"], "buyer_name", "6"),
        row("Адрес", buyer["address"], None, "6а"),
        row("ИНН покупателя", buyer["inn"], "buyer_inn", "6б"),
        row("КПП покупателя", buyer["kpp"], "buyer_kpp", "6б"),
        row("Валюта: наименование, код", "Российский рубль, 643", None, "7"),
    ]
    if not codes:
        rows = [r[:2] for r in rows]
        return table(sheet, m, y, (split, w - split), rows) + sheet.style.line_height * 0.8
    return table(sheet, m, y, (split, w - split - code_w, code_w), rows) + sheet.style.line_height * 0.8


def _goods_table(sheet: Sheet, goods, totals, money_style, m, y, w, full: bool) -> float:
    cols = FULL_COLUMNS if full else COMPACT_COLUMNS
    widths = [w * frac / sum(f for _, f in cols) for _, frac in cols]
    r = lambda v: rub(v, money_style)  # noqa: E731
    rows = [[Cell(title, align="center", label=True) for title, _ in cols]]
    for i, g in enumerate(goods, 1):
        if full:
            values = [str(i), g["name"], g["unit"], str(g["qty"]), r(g["price"]), r(g["net"]), g["rate"],
                      r(g["vat"]) if g["vat"] else "без НДС", r(g["gross"])]
        else:
            values = [str(i), g["name"], str(g["qty"]), r(g["price"]), r(g["net"]),
                      r(g["vat"]) if g["vat"] else "без НДС", r(g["gross"])]
        rows.append([Cell(v, align="left", bold=False) if j == 1 else Cell(v, align="right", nowrap=True)
                     for j, v in enumerate(values)])
    y = table(sheet, m, y, widths, rows, pad=12)
    head = len(cols) - (4 if full else 3)
    total_widths = [sum(widths[:head])] + widths[head:]
    total_row = [Cell("Всего к оплате", bold=True), Cell(r(totals["net"]), align="right", nowrap=True)]
    if full:
        total_row.append(Cell("X", align="center"))
    total_row += [Cell(r(totals["vat"]) if totals["vat"] else "без НДС", align="right", nowrap=True),
                  Cell(r(totals["gross"]), "total", align="right", nowrap=True)]
    return table(sheet, m, y, total_widths, [total_row], pad=12)


def _signatures(sheet: Sheet, rng, m, y, w) -> None:
    st = sheet.style
    fnt = st.regular(st.small)
    for i, title in enumerate(("Руководитель организации или иное уполномоченное лицо", "Главный бухгалтер")):
        x = m + i * w / 2
        last = sheet.write(x, y, title, fnt=fnt, color=st.label_ink, width=w * 0.22)
        sheet.underline(x + w * 0.24, x + w * 0.34, last)
        sheet.underline(x + w * 0.36, x + w * 0.48, last)
        sheet.caption(x + w * 0.24, last + st.small * 1.1, "(подпись)", w * 0.1, align="center")
        sheet.caption(x + w * 0.36, last + st.small * 1.1, "(ф.и.о.)", w * 0.12, align="center")


_PARTIES = {"classic": _classic, "separate": _separate, "two-column": _two_column, "boxed": _boxed}


# --------------------------------------------------------------------------- the official form

# (key, column title, column number, may be left out when the page is too narrow).  Long words
# carry a break ("предъяв- ляемая") as the printed forms hyphenate them in their narrow columns.
OFFICIAL_COLUMNS = (
    ("name", "Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
     "1", False),
    ("kind", "Код вида товара", "1а", True),
    ("unit_code", "Единица измерения: код", "2", False),
    ("unit", "условное обозна- чение (нацио- нальное)", "2а", False),
    ("qty", "Коли- чество (объем)", "3", False),
    ("price", "Цена (тариф) за единицу измерения", "4", False),
    ("net", "Стоимость товаров (работ, услуг), имущест- венных прав без налога — всего", "5", False),
    ("excise", "В том числе сумма акциза", "6", True),
    ("rate", "Нало- говая ставка", "7", False),
    ("vat", "Сумма налога, предъяв- ляемая покупателю", "8", False),
    ("gross", "Стоимость товаров (работ, услуг), имущест- венных прав с налогом — всего", "9", False),
    ("country_code", "Страна происхож- дения товара: цифровой код", "10", True),
    ("country", "Страна: краткое наимено- вание", "10а", True),
    ("customs", "Регистра- ционный номер декла- рации на товары", "11", True),
)
DROP_ORDER = ("customs", "country", "country_code", "excise", "kind")
OKEI = {"шт": "796", "упак": "778", "усл. ед.": "876", "м": "006", "кг": "166", "пар": "715", "час": "356"}


def _sole_trader(rng: random.Random) -> dict[str, str | None]:
    """An individual entrepreneur: 12-digit INN, no KPP."""
    p = person(rng)
    region = rng.choice(REGIONS)
    name = rng.choice((
        f"ИП {p.last} {p.first} {p.middle}", f"Индивидуальный предприниматель {p.last} {p.first} {p.middle}",
        f"ИП {p.last} {p.first[0]}. {p.middle[0]}.",
    ))
    return {"name": name, "inn": inn12(rng, region, rng.randint(1, 40)), "kpp": None, "address": ru_address(rng)}


def _amount_format(rng: random.Random):
    """One document's way of printing money: 28 953,00 / 28953,00 / 28953.00 / 28 953-00."""
    style = rng.choice(("space", "space", "plain", "dot", "dash"))

    def fmt(kop: int, suffix: bool = False) -> str:
        rub_, k = divmod(kop, 100)
        whole = f"{rub_:,}".replace(",", " ") if style in ("space", "dash") else str(rub_)
        sep = {"dash": "-", "dot": "."}.get(style, ",")
        return f"{whole}{sep}{k:02d}" + (" руб." if suffix else "")

    return fmt


def _official(rng: random.Random) -> Doc:
    inv_date = random_date(rng, date(2017, 10, 1), date(2024, 12, 31))
    number = _number(rng, inv_date.year)
    seller = _sole_trader(rng) if rng.random() < 0.35 else _party(rng)
    buyer = _sole_trader(rng) if rng.random() < 0.15 else _party(rng)
    if rng.random() < 0.4:  # 1C prints straight quotes
        for party in (seller, buyer):
            party["name"] = party["name"].replace("«", '"').replace("»", '"')
    no_vat = seller["kpp"] is None and rng.random() < 0.6  # a sole trader on the simplified system
    goods, totals = _goods(rng, rate=0 if no_vat else None)
    amt = _amount_format(rng)
    total_suffix = rng.random() < 0.3
    date_text = format_date_ru(inv_date, "quoted" if rng.random() < 0.8 else "numeric")
    printed: dict[str, str | None] = {
        "number": number, "date": date_text,
        "seller_name": seller["name"], "seller_inn": seller["inn"], "seller_kpp": seller["kpp"],
        "buyer_name": buyer["name"], "buyer_inn": buyer["inn"], "buyer_kpp": buyer["kpp"],
        "total": amt(totals["gross"], total_suffix),
    }
    fields = {k: (collapse(v) if v is not None else None) for k, v in printed.items()}
    fields["date"] = inv_date.isoformat()
    fields["total"] = money(totals["gross"])

    canvas = Canvas(*A4_PORTRAIT[::-1], paper=tint(rng, LIGHT_PAPERS))
    style = pick_style(rng, size=(38, 42))
    sheet = Sheet(canvas, style)
    m = rng.randint(90, 130)
    w = canvas.width - 2 * m
    st = style
    y = m + st.small
    y = sheet.write(m + w * 0.58, y, "Приложение № 1 к постановлению Правительства Российской Федерации "
                    "от 26 декабря 2011 г. № 1137", fnt=st.regular(st.small), color=st.label_ink,
                    width=w * 0.42, align="right") + st.line_height * 1.1

    code_w = 120
    code_font = st.regular(st.small)

    def code(yy, c):
        sheet.canvas.text(m + w, yy, f"({c})", code_font, st.label_ink, align="right")

    title = st.bold(round(st.size * rng.uniform(1.1, 1.3)))
    word = rng.choice(("СЧЕТ-ФАКТУРА", "СЧЁТ-ФАКТУРА", "Счет-фактура"))
    sheet.canvas.runs(m, y, [(f"{word} № ", None), (number, "number"), (" от ", None), (date_text, "date")],
                      title, st.ink)
    code(y, "1")
    y += st.line_height * 1.2
    sheet.write(m, y, "ИСПРАВЛЕНИЕ № ---- от ----", color=st.label_ink)
    code(y, "1а")
    y += st.line_height * 1.3

    tab = rng.random() < 0.5  # values in a tab column, or right after their labels
    labels = {
        "seller": "Продавец:", "seller_addr": "Адрес:", "seller_ids": "ИНН/КПП продавца:",
        "shipper": "Грузоотправитель и его адрес:", "consignee": "Грузополучатель и его адрес:",
        "payment": "К платежно-расчетному документу", "shipment": "Документ об отгрузке",
        "buyer": "Покупатель:", "buyer_addr": "Адрес:", "buyer_ids": "ИНН/КПП покупателя:",
        "currency": "Валюта: наименование, код", "contract": "Идентификатор государственного контракта, "
                                                            "договора (соглашения) (при наличии):",
    }
    lf, vf = st.label_font(), st.value_font()
    vx_tab = m + max(lf.length(t) for k, t in labels.items() if k != "contract") + lf.size * 0.6

    def ids(party, side):
        runs = [(party["inn"], f"{side}_inn")]
        if party["kpp"] is not None:
            runs += [("/", None), (party["kpp"], f"{side}_kpp")]
        else:
            runs.append((rng.choice(("/-", " / -", "/—", "")), None))
        return runs

    consignee = rng.choice(("--", f"{buyer['name']}, {buyer['address']}"))
    shipment = (f"№ п/п 1-{len(goods)} № {number} от {inv_date:%d.%m.%Y}" if rng.random() < 0.6 else "--")
    rows = [
        ("seller", [(seller["name"], "seller_name")], "2"), ("seller_addr", [(seller["address"], None)], "2а"),
        ("seller_ids", ids(seller, "seller"), "2б"),
        ("shipper", [(rng.choice(("он же", "--")), None)], "3"), ("consignee", [(consignee, None)], "4"),
        ("payment", [(f"№ {rng.choice(('--', str(rng.randint(1, 999))))} от --", None)], "5"),
        ("shipment", [(shipment, None)], "5а"),
        ("buyer", [(buyer["name"], "buyer_name")], "6"), ("buyer_addr", [(buyer["address"], None)], "6а"),
        ("buyer_ids", ids(buyer, "buyer"), "6б"),
        ("currency", [("Российский рубль, 643", None)], "7"), ("contract", [("--", None)], "8"),
    ]
    for key, runs, c in rows:
        label = labels[key]
        sheet.canvas.text(m, y, label, lf, st.label_ink)
        vx = vx_tab if tab and key != "contract" else m + lf.length(label) + lf.size * 0.45
        right = m + w - code_w
        if len(runs) == 1:
            text, fld = runs[0]
            last = sheet.write(vx, y, text, fnt=vf, fld=fld, width=right - vx)
        else:
            sheet.canvas.runs(vx, y, runs, vf, st.ink)
            last = y
        for yy in range(round(y), round(last) + 1, round(vf.size * 1.3)):
            sheet.underline(vx - 10, right, yy + st.size * 0.25)
        code(y, c)
        y = last + st.line_height * 1.05
    y = _official_table(sheet, rng, goods, totals, amt, total_suffix, m, y + st.line_height * 0.3, w)
    y += st.line_height * 1.8
    if seller["kpp"] is None:
        fnt = st.regular(st.small)
        last = sheet.write(m, y, "Индивидуальный предприниматель или иное уполномоченное лицо", fnt=fnt,
                           color=st.label_ink, width=w * 0.25)
        for x0, x1, cap in ((0.27, 0.4, "(подпись)"), (0.42, 0.58, "(ф.и.о.)"),
                            (0.6, 1.0, "(реквизиты свидетельства о государственной регистрации "
                                       "индивидуального предпринимателя)")):
            sheet.underline(m + w * x0, m + w * x1, last)
            sheet.caption(m + w * x0, last + st.small * 1.1, cap, w * (x1 - x0), align="center")
        y = last + st.small * 4
    else:
        _signatures(sheet, rng, m, y, w)
        y += st.line_height * 4
    canvas.height = max(canvas.height, round(y + m))
    kind = "sole-trader" if seller["kpp"] is None else "organisation"
    return Doc(DOC_TYPE, canvas, fields, printed, f"official/{kind}", style.family.name).check(FIELDS)


def _official_table(sheet: Sheet, rng, goods, totals, amt, total_suffix, m, y, w) -> float:
    """The goods table of the official form: titles, the numbered column row, the goods and
    "Всего к оплате"; the columns that do not fit are left out (as narrow printouts do)."""
    st = sheet.style
    pad = 12
    head_font, value_font = st.regular(st.small), st.regular()
    tax_mark = rng.choice(("без НДС", "без НДС", "Без налога (НДС)", "X"))
    rows = []
    for g in goods:
        vat = amt(g["vat"]) if g["vat"] else "без НДС"
        rows.append({
            "name": g["name"], "kind": "--", "unit_code": OKEI.get(g["unit"], "796"), "unit": g["unit"],
            "qty": str(g["qty"]), "price": amt(g["price"]), "net": amt(g["net"]), "excise": "без акциза",
            "rate": g["rate"], "vat": vat, "gross": amt(g["gross"]),
            "country_code": rng.choice(("--", "643")), "country": "--", "customs": "--",
        })
    total = {"net": amt(totals["net"], total_suffix),
             "vat": amt(totals["vat"], total_suffix) if totals["vat"] else tax_mark,
             "gross": amt(totals["gross"], total_suffix)}

    def need(key, title, number):
        words = max(head_font.length(word) for word in title.split())
        values = [value_font.length(r[key]) for r in rows] + [head_font.length(number)]
        if key in total:
            values.append(st.bold().length(total[key]))
        if key == "name":
            return max(words, w * 0.17)
        longest_word = max(value_font.length(word) for r in rows for word in r[key].split())
        return max(words, longest_word, *(v for v in values if key in ("price", "net", "vat", "gross", "qty"))) \
            + 2 * pad + 6

    cols = [c for c in OFFICIAL_COLUMNS]
    needs = {key: need(key, title, number) for key, title, number, _ in cols}
    for key in DROP_ORDER:
        if sum(needs[k] for k, *_ in cols) <= w:
            break
        cols = [c for c in cols if c[0] != key]
    spare = max(0.0, w - sum(needs[k] for k, *_ in cols))
    widths = [needs[k] + spare * (0.4 if k == "name" else 0.6 / (len(cols) - 1)) for k, *_ in cols]
    keys = [k for k, *_ in cols]

    header = [Cell(title, align="center", label=True)
              for _, title, _, _ in cols]
    numbers = [Cell(number, align="center", label=True) for *_, number, _ in cols]
    body = []
    for r in rows:
        body.append([Cell(r[k], align="left") if k == "name" else
                     Cell(r[k], align="right" if k in ("qty", "price", "net", "vat", "gross") else "center",
                          nowrap=k in ("price", "net", "vat", "gross")) for k in keys])
    y = table(sheet, m, y, widths, [header, numbers, *body], pad=pad)

    # "Всего к оплате" spans the columns up to the price; X spans excise and rate.
    i_net, i_rate, i_vat, i_gross = (keys.index(k) for k in ("net", "rate", "vat", "gross"))
    i_x = keys.index("excise") if "excise" in keys else i_rate
    spans = [(0, i_net, Cell("Всего к оплате", bold=True)),
             (i_net, i_net + 1, Cell(total["net"], align="right", nowrap=True)),
             (i_x, i_rate + 1, Cell("X", align="center")),
             (i_vat, i_vat + 1, Cell(total["vat"], align="right", nowrap=True)),
             (i_gross, i_gross + 1, Cell(total["gross"], "total", align="right", nowrap=True))]
    if i_gross + 1 < len(keys):
        spans.append((i_gross + 1, len(keys), Cell("")))
    return table(sheet, m, y, [sum(widths[a:b]) for a, b, _ in spans], [[c for *_, c in spans]], pad=pad)
