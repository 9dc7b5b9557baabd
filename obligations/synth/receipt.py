"""English shop receipt, narrow, in the style of the SROIE (Malaysian) receipts."""

from __future__ import annotations

import random
from datetime import date

from .base import Doc, collapse
from .data import faker, money, random_date
from .render import Canvas, Sheet, mount, pick_style, tint, wrap

DOC_TYPE = "receipt"
FIELDS = ("company", "date", "address", "total")
QUESTIONS = {
    "company": "What is the name of the company that issued the receipt?",
    "date": "What is the date of the receipt?",
    "address": "What is the address of the company?",
    "total": "What is the total amount of the receipt?",
}
LAYOUTS = ("centered", "left", "table")

SUFFIXES = ("SDN BHD", "SDN. BHD.", "ENTERPRISE", "TRADING", "(M) SDN BHD", "STORE", "MART")
ITEMS = (
    "MINERAL WATER 500ML", "WHITE BREAD", "A4 PAPER 80GSM", "BALL PEN BLUE", "KOPI O", "NASI LEMAK",
    "TEH TARIK", "BATTERY AA 2PCS", "CABLE TIE 100PCS", "SCREW 2IN", "MILO 1KG", "EGG GRADE A 10S",
    "CHICKEN RICE", "ICED LEMON TEA", "PLASTIC BAG", "GLUE STICK", "NOTEBOOK A5", "DETERGENT 2KG",
)
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y")
TOTAL_LABELS = ("TOTAL", "TOTAL (RM)", "GRAND TOTAL", "TOTAL AMOUNT", "NET TOTAL", "TOTAL INCL. GST")
PAPERS = ((255, 255, 255), (250, 250, 246), (246, 246, 240), (252, 250, 240))


def _company(rng: random.Random) -> str:
    fk = faker(rng.choice(("en_US", "en_GB")), rng)
    base = fk.last_name() if rng.random() < 0.5 else fk.company().replace(",", "")
    return f"{base} {rng.choice(SUFFIXES)}".upper()


def _address(rng: random.Random) -> str:
    fk = faker(rng.choice(("en_GB", "en_US")), rng)
    parts = [f"NO. {fk.building_number()}," if rng.random() < 0.5 else f"{fk.building_number()},",
             f"{fk.street_name()},", f"{fk.postcode()} {fk.city()}"]
    if rng.random() < 0.4:
        parts.append(rng.choice(("SELANGOR.", "KUALA LUMPUR.", "JOHOR.", "PENANG.")))
    return " ".join(parts).upper()


def _items(rng: random.Random) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    items = [(name, rng.randint(1, 4), rng.randint(50, 4_000) // 5 * 5)
             for name in rng.sample(ITEMS, rng.randint(1, 6))]
    subtotal = sum(q * p for _, q, p in items)
    gst = round(subtotal * 0.06) if rng.random() < 0.6 else 0
    gross = subtotal + gst
    rounding = round(gross / 5) * 5 - gross  # Malaysian 5-sen rounding
    total = gross + rounding
    note = rng.choice((0, 1000, 5000, 10_000))  # exact change, or paid with a RM 10/50/100 note
    cash = -(-total // note) * note if note else total
    return items, {"subtotal": subtotal, "gst": gst, "rounding": rounding, "total": total,
                   "cash": cash, "change": cash - total}


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return sign + money(abs(cents))


def render(rng: random.Random) -> Doc:
    company = _company(rng)
    address = _address(rng)
    day = random_date(rng, date(2015, 1, 1), date(2024, 12, 31))
    date_text = day.strftime(rng.choice(DATE_FORMATS)).upper()
    items, sums = _items(rng)
    printed = {"company": company, "date": date_text, "address": address, "total": _amount(sums["total"])}
    fields = {"company": collapse(company), "date": day.isoformat(), "address": collapse(address),
              "total": money(sums["total"])}

    style = pick_style(rng, size=(38, 46), mono="prefer", label_inks=((30, 30, 30), (50, 50, 50)))
    width = rng.randint(1000, 1300)
    canvas = Canvas(width, 20_000, tint(rng, PAPERS))
    sheet = Sheet(canvas, style)
    layout = rng.choice(LAYOUTS)
    m = rng.randint(50, 80)
    ctx = _Ctx(sheet, rng, m, width - 2 * m, center=layout != "left")

    y = _header(ctx, company, address)
    date_on_top = layout != "left" or rng.random() < 0.5
    if date_on_top:
        y = _date_line(ctx, y, date_text)
    y = _rule(ctx, y)
    y = (_item_table if layout == "table" else _item_lines)(ctx, y, items, single=layout == "left")
    y = _rule(ctx, y)
    y = _totals(ctx, y, sums)
    y = _rule(ctx, y)
    y = ctx.line(y, rng.choice(("THANK YOU. PLEASE COME AGAIN.", "THANK YOU!", "GOODS SOLD ARE NOT RETURNABLE")),
                 center=True)
    if not date_on_top:
        y = _date_line(ctx, y + style.line_height * 0.5, date_text)
    canvas.height = round(y + style.line_height)
    return Doc(DOC_TYPE, mount(canvas, rng, a4=False), fields, printed, layout, style.family.name).check(FIELDS)


class _Ctx:
    """Receipt writing state: column, alignment, style."""

    def __init__(self, sheet: Sheet, rng: random.Random, m: int, w: int, center: bool):
        self.sheet, self.rng, self.m, self.w, self.center = sheet, rng, m, w, center
        self.st = sheet.style

    def line(self, y, text, fld=None, *, center=None, bold=False, size=None) -> float:
        """Write wrapped text; return the baseline of the next line."""
        st = self.st
        fnt = st.bold(size) if bold else st.regular(size)
        align = "center" if (self.center if center is None else center) else "left"
        last = self.sheet.write(self.m, y, text, fnt=fnt, color=st.ink, fld=fld, width=self.w, align=align,
                                leading=round(fnt.size * 1.25))
        return last + round(fnt.size * 1.3)

    def columns(self, y, left, right, fld=None, *, bold=False) -> float:
        """Label on the left, amount flush right."""
        st = self.st
        fnt = st.bold() if bold else st.regular()
        self.sheet.canvas.text(self.m, y, left, fnt, st.ink)
        if right:
            self.sheet.canvas.text(self.m + self.w, y, right, fnt, st.ink, fld, align="right")
        return y + round(fnt.size * 1.3)


def _header(ctx: _Ctx, company: str, address: str) -> float:
    st, rng = ctx.st, ctx.rng
    y = ctx.m + st.size * 1.2
    size = round(st.size * rng.uniform(1.0, 1.3))
    y = ctx.line(y, company, "company", bold=True, size=size)
    if rng.random() < 0.6:
        y = ctx.line(y, f"(CO. REG. NO. {rng.randint(10_000, 999_999)}-{rng.choice('AHKMPTVX')})")
    fnt = st.regular()
    # Break the address at commas where possible so lines look hand-set.
    lines = wrap(address, fnt, ctx.w * rng.uniform(0.8, 1.0))
    for text in lines:
        y = ctx.line(y, text, "address")
    y = ctx.line(y, f"TEL: 0{rng.randint(3, 9)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}")
    if rng.random() < 0.7:
        y = ctx.line(y, f"GST REG NO: {rng.randint(0, 99_999_999_999):012d}")
    title = rng.choice(("TAX INVOICE", "SIMPLIFIED TAX INVOICE", "RECEIPT", "CASH BILL"))
    return ctx.line(y + st.size * 0.3, title, bold=True, center=True)


def _date_line(ctx: _Ctx, y, date_text: str) -> float:
    st, rng = ctx.st, ctx.rng
    time = f"{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}"
    if rng.random() < 0.4:
        time += f":{rng.randint(0, 59):02d}"
    if rng.random() < 0.5:
        y = ctx.columns(y, f"INVOICE NO: {rng.randint(1000, 99999)}", "")
    label = rng.choice(("DATE: ", "DATE : ", "", "Date: "))
    fnt = st.regular()
    runs = [(label, None), (date_text, "date"), ("   " + ("TIME: " if label else "") + time, None)]
    ctx.sheet.canvas.runs(ctx.m, y, runs, fnt, st.ink)
    y += round(fnt.size * 1.3)
    if rng.random() < 0.5:
        y = ctx.columns(y, f"CASHIER: {faker('en_GB', rng).first_name().upper()}", "")
    return y


def _rule(ctx: _Ctx, y) -> float:
    st = ctx.st
    if ctx.rng.random() < 0.5:
        fnt = st.regular()
        n = int(ctx.w // fnt.length("-"))
        ctx.sheet.canvas.text(ctx.m, y - st.size * 0.3, "-" * n, fnt, st.ink)
        return y + st.size * 0.9
    ctx.sheet.canvas.line((ctx.m, y - st.size * 0.6, ctx.m + ctx.w, y - st.size * 0.6), st.ink, 2)
    return y + st.size * 0.6


def _item_lines(ctx: _Ctx, y, items, single: bool) -> float:
    for name, qty, price in items:
        if single:
            y = ctx.columns(y, f"{qty} {name}", _amount(qty * price))
        else:
            y = ctx.line(y, name, center=False)
            y = ctx.columns(y, f"  {qty} x {_amount(price)}", _amount(qty * price))
    return y


def _item_table(ctx: _Ctx, y, items, single: bool) -> float:
    st = ctx.st
    fnt = st.regular()
    canvas = ctx.sheet.canvas
    qty_x, amt_x = ctx.m + ctx.w * 0.62, ctx.m + ctx.w
    for left, qty, amount in [("ITEM", "QTY", "AMOUNT")] + [
        (name, str(q), _amount(q * p)) for name, q, p in items
    ]:
        for i, text in enumerate(wrap(left, fnt, ctx.w * 0.55)):
            canvas.text(ctx.m, y + i * fnt.size * 1.25, text, fnt, st.ink)
        canvas.text(qty_x, y, qty, fnt, st.ink, align="right")
        canvas.text(amt_x, y, amount, fnt, st.ink, align="right")
        y += round(fnt.size * 1.25) * len(wrap(left, fnt, ctx.w * 0.55)) + fnt.size * 0.1
    return y


def _totals(ctx: _Ctx, y, sums) -> float:
    rng = ctx.rng
    y = ctx.columns(y, "SUBTOTAL", _amount(sums["subtotal"]))
    if sums["gst"]:
        y = ctx.columns(y, "GST 6%", _amount(sums["gst"]))
    if sums["rounding"] or rng.random() < 0.5:
        y = ctx.columns(y, "ROUNDING", _amount(sums["rounding"]))
    label = rng.choice(TOTAL_LABELS)
    st = ctx.st
    fnt = st.bold() if rng.random() < 0.7 else st.regular()
    prefix = "RM " if rng.random() < 0.25 and "RM" not in label else ""
    ctx.sheet.canvas.text(ctx.m, y, label, fnt, st.ink)
    right = ctx.m + ctx.w
    box = ctx.sheet.canvas.text(right, y, _amount(sums["total"]), fnt, st.ink, "total", align="right")
    if prefix:
        ctx.sheet.canvas.text(box[0] - fnt.size * 0.3, y, prefix.strip(), fnt, st.ink, align="right")
    y += round(fnt.size * 1.3)
    y = ctx.columns(y, "CASH", _amount(sums["cash"]))
    return ctx.columns(y, "CHANGE", _amount(sums["change"]))
