"""A receipt's total, checked against the other amounts printed on it.

A receipt prints its total several times over (the total, the tendered cash less the
change, the tax summary's sum), and OCR misreads one figure or one label now and then
('48,00' for 18.00, 'fotal'). The figures next to total labels are each weighed by what the
rest of the receipt says of them:
  - the cash tendered less the change given equals the total; where the cash's label was not
    read (a punched hole over 'CASH'), the row right above the change's holds it;
  - so does the sum above it plus what the rows between add ('SUB-TOTAL 26.00', 'TAX 1.56',
    'ROUNDING -0.01': 27.55, where the total read '97,55');
  - where a rounding line is printed, the total paid is rounded (to 0.05 in Malaysia), and
    the figure before rounding is not the total;
  - the total is printed more than once (the cash paid exactly, a summary's sum);
  - a label that says the figure is rounded, or net, or inclusive of tax, names the total;
    one that says it leaves tax out, or counts items or tax, does not;
  - a row with several figures is a table (a tax summary: 'Total 26.00 1.56');
  - two totals a rounding step apart ('Total: 102.39', 'Total 102.40') tell that the receipt
    rounds, also where its rounding line was not read;
  - with no total printed (or none read), the sum the cash less the change gives
    ('SUBTOTAL RM53. 60') is the total;
  - of the figures left alike, the lowest printed above the payment lines is the total
    (a receipt adds discounts and rounding before it prints what is due).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from rapidfuzz import fuzz

from ..backends.base import inside
from ..doctypes import FieldSpec
from .candidates import Candidate
from .choice import Found, expand, found_in, join_words
from .layout import PageModel
from .normalize import fix_digit_lookalikes, normalize

CASH = re.compile(r"(?i)\b(CASH|TENDERED?|PAY|PAID|PAYMENT|VISA|MASTER\s*CARD|CREDIT\s*CARD|DEBIT|CARD)\b")
CHANGE = re.compile(r"(?i)\b(CHANGE|CHG|BALANCE|BAKI)\b")
ROUNDING = re.compile(r"(?i)\bR[O0R]UND")  # 'Rounding', 'Rrunding'

# Words in a total's label that make it some other sum.
NOT_TOTAL = re.compile(r"(?i)(\bQTY|\bQUANTITY|\bITEMS?\b|\bEXCL|\bSUB\W*TOTAL|\bDISC|\bSAVING|\bTAX\b|\bGST\b|\bSST\b)")
# Words that make a total's label the total paid, however it also names tax.
SURE_TOTAL = re.compile(r"(?i)(\bINCL|ROUND|\bNETT?\b|\bGRAND\b|\bPAYABLE\b|\bDUE\b)")
# A figure OCR read with a space for its decimal point ('80 90', '49. 60', '57, 80'), or a
# backslash ('1\00'), a dash ('436-85', not a date's '14-03-18'), a colon with no space after it
# (a fax's '70:00'; '239: 15' lost a figure) or two stops ('52..90'): only at a row's end, after a
# total's, cash's or change's label.
SPACED = re.compile(r"(?<![\d.,\-:])(\d{1,4})(?:\s+[.,]?|[.,]\s+|[.,]{2}|\\|-(?!\d{2}-)|:(?=\d))\s*(\d{2})\W{0,2}$")
# ... or with a figure for it ('66100' for 66.00, a fax's): taken only as what the cash less
# the change gives.
POINT_AS_FIGURE = re.compile(r"(?<![\d.,])(\d{1,4})\d(\d{2})\W{0,2}$")
STEP = Decimal("0.05")
# A sum before tax ('SUB-TOTAL', 'Total Sales (Excluding GST)'), and what rows under it add to
# it on the way to the total: tax, a service charge, rounding.
BEFORE_TAX = re.compile(r"(?i)(\bSUB\W*TOTAL|\bEXCL)")
ADDED = re.compile(r"(?i)(\bTAX\b|\bGST\b|\bSST\b|\bSERV|\bSVC\b|\bCHARGE\b|\bR[O0R]UND)")


@dataclass
class _Amount:
    value: Decimal
    row: int
    span: tuple[int, int]  # in the row's joined text
    spaced: bool = False


@dataclass
class _Choice:
    amount: _Amount
    score: float
    found: Found | None = None  # the value the labels alone gave


@dataclass
class _Facts:
    paid: Decimal | None  # the cash tendered less the change
    rounded: bool  # a rounding line is printed
    seen_twice: set[Decimal]  # figures printed more than once
    parts: Decimal | None = None  # the sum above the total and what the rows between add to it
    subtotal: Decimal | None = None  # ... where the rows between add nothing (or there are none)


def reconcile_total(spec: FieldSpec, models: list[PageModel], chosen: Found | None) -> Found | None:
    """The receipt's total among the figures by its labels (see the module's note); `chosen`
    (the value the labels alone give) stands among them, and alone when none is by a label."""
    if not models:
        return chosen
    model = models[0]  # the receipt's first page: its total, cash and change are on it
    if chosen is not None and chosen.value is not None and _cash_taken_for_total(spec, model, chosen):
        chosen = None
    best, facts = _best(spec, model, chosen)
    if best is None:
        return chosen
    if best.found is not None:
        found = best.found
    else:
        row = model.rows[best.amount.row]
        text, spans = join_words(row.words)
        found = _found_on_row(spec, model, row, text, spans, best.amount.span)
        if found is None:
            return chosen
    value = best.amount.value
    if facts.paid is not None and value != facts.paid and _misread(value, facts.paid) and value not in facts.seen_twice:
        value = facts.paid  # a digit misread or lost, which the cash less the change gives
    elif (facts.parts is not None and value not in (facts.parts, facts.paid) and _misread(value, facts.parts)
          and value not in facts.seen_twice and (value % STEP or not facts.parts % STEP)):
        # A digit misread or lost, which the sum and the tax above it give. Not where the
        # figure read is one a receipt rounds to and theirs is not: a rounding line unread.
        value = facts.parts
    elif facts.rounded and value % STEP:
        value = (value / STEP).quantize(Decimal(1), ROUND_HALF_UP) * STEP  # the figure before rounding
    text = f"{value:.2f}"
    found = found if found.value == text else replace(found, value=text)
    if (facts.subtotal is not None and value not in (facts.subtotal, facts.paid) and _misread(value, facts.subtotal)
            and value not in facts.seen_twice):
        # The sum above it with nothing added between ('SUBTOTAL 348.30', 'ROUNDING 0.00') reads
        # one figure apart ('TOTAL 348.38'): one of the two is misread, and nothing says which.
        return replace(found, confidence=min(found.confidence, DISAGREEING_CONF),
                       warning=found.warning or f"{spec.id}: {text} and the sum above it, {facts.subtotal:.2f}, "
                                                "differ by one figure; check it")
    return found


def _cash_taken_for_total(spec: FieldSpec, model: PageModel, found: Found) -> bool:
    """Whether the value the total's labels gave was read on the cash's or the change's row
    under them (no total's label on it), its own figure unread ('62590', '52..90'): where the
    receipt gave change (a change row whose figure is not nought), or a total's row has a
    figure of its own, the cash tendered is no total. (The cash paid exactly, 'CASH RM 6.00'
    under 'TOTAL AMOUNT' and nothing else, is.)"""
    if found.bbox is None or found.page != model.page.page:
        return False
    texts = [join_words(row.words)[0] for row in model.rows]
    row = next((i for i, r in enumerate(model.rows) if any(inside(w.bbox, found.bbox) for w in r.words)), None)
    if (row is None or not (CASH.search(texts[row]) or CHANGE.search(texts[row])) or ROUNDING.search(texts[row])
            or any(h.owner == spec.id for h in model.hits_in_row(row))):
        return False
    changed = any(CHANGE.search(t) and re.search(r"\d", t) and not re.search(r"(?<![\d.,])0+[.,:]?0*\W*$", t)
                  for t in texts)
    if changed:
        return True
    own, _ = _best(spec, model, None)
    return own is not None and own.amount.row >= 0 and own.amount.row != row


DISAGREEING_CONF = 0.5


def _misread(value: Decimal, paid: Decimal) -> bool:
    """Whether `value` reads as `paid` with one digit wrong or some digits lost."""
    read, true = f"{value:.2f}".replace(".", ""), f"{paid:.2f}".replace(".", "")
    if len(read) == len(true):
        return sum(a != b for a, b in zip(read, true)) == 1
    rest = iter(true)
    return len(read) < len(true) and all(c in rest for c in read)


def _best(spec: FieldSpec, model: PageModel, chosen: Found | None) -> tuple[_Choice | None, _Facts]:
    rows = model.rows
    money = re.compile(expand(spec.pattern or "{money}"))
    texts = [join_words(r.words)[0] for r in rows]
    # Where each row's total label ends (the words before the figure): a label hit, or a
    # word OCR read one letter off 'Total' ('lotal', 'Tatal').
    labelled = {h.row: h.end for h in sorted(model.hits, key=lambda h: h.length) if h.owner == spec.id}
    misread = set()
    # Words of another sum's label ('Total Items' read 'jotal Itews').
    captioned = {(h.row, k) for h in model.hits if not h.owner for k in range(h.start, h.end)}
    for i, row in enumerate(rows):
        if i not in labelled:
            word = next((k for k, w in enumerate(row.words) if _like_total(w.text) and (i, k) not in captioned), None)
            if word is not None:
                labelled[i] = word + 1
                misread.add(i)
    payment_rows = [i for i, t in enumerate(texts)
                    if (CASH.search(t) or CHANGE.search(t)) and not ROUNDING.search(t) and i not in labelled]
    # Another sum's row ('SUBTOTAL RM53. 60') is read as leniently: with no total printed, the sum
    # the cash less the change gives is the total.
    other_sums = {h.row for h in model.hits if not h.owner}
    amounts = {i: _amounts(texts[i], i, money, lenient=i in labelled or i in payment_rows or i in other_sums
                           or CURRENCY_BEFORE.search(texts[i]) is not None)
               for i in range(len(rows))}
    # The most tendered (a row of the cash paid towards the total and one of the cash received).
    cash = max((amounts[i][-1].value for i in payment_rows if amounts[i] and not CHANGE.search(texts[i])),
               default=None)
    change_rows = [i for i in payment_rows if CHANGE.search(texts[i])]
    change = _last(amounts, change_rows)
    if cash is None and change is not None and (above := _unread_cash_row(texts, change_rows, labelled, other_sums)):
        payment_rows.append(above)
        amounts[above] = _amounts(texts[above], above, money, lenient=True)
        cash = amounts[above][-1].value if amounts[above] else None
    paid = cash - change if cash is not None and change is not None and cash >= change else None
    if paid is not None and (short := _first_group_dropped(cash, payment_rows, amounts, texts)) is not None:
        # 'CASH 2 350.00': a speck read as a figure before the cash, where the cash without it
        # less the change is a figure read by a total's label.
        if short - change in {a.value for i in labelled for a in amounts[i]}:
            paid = short - change
    # A rounding line that rounds: its figure not 0.00, or unread.
    rounded = any(ROUNDING.search(t) and i not in labelled and not any(a.value == 0 for a in amounts[i])
                  for i, t in enumerate(texts))
    everywhere = [a.value for found in amounts.values() for a in found]
    first_payment = min((i for i in payment_rows if amounts[i]), default=len(rows))

    # Two totals a rounding step apart ('Total: 102.39', 'Total 102.40'): the receipt rounds, though
    # its rounding line was not read as one.
    near = sorted({a.value for i, end in labelled.items() for a in amounts[i] if a.value > 0})
    if any(0 < b - a < STEP for a, b in zip(near, near[1:])):
        rounded = True

    choices: list[_Choice] = []
    for i, end in labelled.items():
        label_end = join_words(rows[i].words[:end])[0]
        after = [a for a in amounts[i] if a.span[0] >= len(label_end)]
        if not after:
            continue
        amount = after[-1]
        if amount.value <= 0:
            continue
        text = texts[i]
        if i in misread and not (SURE_TOTAL.search(text) or amount.value in (paid, cash)
                                 or (rounded and amount.value % STEP == 0)):
            continue  # a word like 'Total' alone ('jotal Itews 1.00') names no total
        score = -1.0 if i in misread else 0.0
        if len(after) > 1:
            score -= 2  # a table's row
        if NOT_TOTAL.search(text) and not SURE_TOTAL.search(text):
            score -= 2
        if SURE_TOTAL.search(text):
            score += 0.5
        score += _evidence(amount.value, paid, cash, rounded, everywhere)
        # Of the figures left alike, the lowest above the payment lines.
        score += 0.01 * i / len(rows) if i < first_payment else -0.5
        choices.append(_Choice(amount, score))
    if chosen is not None and chosen.value is not None and chosen.valid:
        value = Decimal(chosen.value)
        if not any(c.amount.value == value for c in choices):
            # The figure under or over a label (a table's total column).
            amount = _Amount(value, -1, (0, 0))
            choices.append(_Choice(amount, -0.25 + _evidence(value, paid, cash, rounded, everywhere), chosen))
    if paid is not None and paid > 0 and not any(c.amount.value == paid for c in choices):
        # A total's label whose figure was read with a figure for its point ('GRAND TOTAL 66100').
        for i in labelled:
            fixed = fix_digit_lookalikes(texts[i])
            if i not in misread and (m := POINT_AS_FIGURE.search(fixed)) and Decimal(f"{m[1]}.{m[2]}") == paid:
                choices.append(_Choice(_Amount(paid, i, (m.start(1), m.end(2))),
                                       0.5 * bool(SURE_TOTAL.search(texts[i])) + _evidence(paid, paid, cash, rounded, everywhere)))
    # The cash less the change, printed by a label OCR misread: a figure no payment line gives.
    if paid is not None and paid > 0 and not any(c.amount.value == paid for c in choices):
        for i, found in amounts.items():
            if i in payment_rows:
                continue
            for amount in found:
                if amount.value == paid and len(found) == 1:
                    choices.append(_Choice(amount, 1.5 + _evidence(paid, None, None, rounded, everywhere)))
    best = max(choices, key=lambda c: c.score, default=None)
    parts = subtotal = None
    if best is not None and best.amount.row >= 0:
        total, added = _parts(texts, amounts, labelled, best.amount.row)
        parts, subtotal = (total, None) if added else (None, total)
    return best, _Facts(paid, rounded, {v for v in everywhere if everywhere.count(v) > 1}, parts, subtotal)


# A figure after the currency's mark, which OCR reads 'RM' or 'KM', ending its row ('RM 73. 00').
CURRENCY_BEFORE = re.compile(r"\b[RK]M\s*\d{1,4}(?:\s+[.,]?|[.,]\s+)\d{2}\W{0,2}$")


def _unread_cash_row(texts: list[str], change_rows: list[int], labelled: dict[int, int],
                     other_sums: set[int]) -> int | None:
    """The row of the cash tendered whose label was not read ('CA. 5 RM 73. 00' under a punched
    hole): the row right above the change's, where it ends with a figure and holds no other label."""
    above = min(change_rows) - 1
    if above < 0 or above in labelled or above in other_sums or ROUNDING.search(texts[above]):
        return None
    return above if re.search(r"\d[.,]\s*\d{2}\W{0,2}$", texts[above]) else None


def _parts(texts: list[str], amounts: dict[int, list[_Amount]], labelled: dict[int, int],
           row: int) -> tuple[Decimal | None, int]:
    """What the total on `row` should read by the rows above it: the nearest sum above it
    (before tax, or another total's: 'TOTAL RM 33.92' over 'ROUNDING ADJUSTMENT -RM 0.02' over
    'TOTAL ROUNDED RM 33.90') plus what the rows between add (tax, a service charge, rounding),
    and how many of those rows add something. None where a row between holds some other figure
    (or what it adds was not read)."""
    added, parts, rounds = Decimal(0), 0, False
    for i in range(row - 1, -1, -1):
        text, found = texts[i], [a for a in amounts[i] if a.value != 0]
        if BEFORE_TAX.search(text) or (i in labelled and not ADDED.search(text) and not NOT_TOTAL.search(text)):
            if not found:
                return None, 0
            total = found[-1].value + added
            # A rounding line leaves a figure a receipt can be paid in.
            return (None, 0) if rounds and total % STEP else (total, parts)
        if ADDED.search(text):
            if len(amounts[i]) != 1:
                return None, 0  # what it adds was not read ('ROUNDING =0:.02'), or is a table's
            amount = amounts[i][0]
            minus = MINUS.search(fix_digit_lookalikes(text)[:amount.span[0]]) is not None  # '-RM 0.02'
            added += -amount.value if minus else amount.value
            parts += amount.value != 0
            rounds = rounds or ROUNDING.search(text) is not None
        elif found:
            return None, 0
    return None, 0


MINUS = re.compile(r"-\s*(RM)?\s*$", re.IGNORECASE)


def _like_total(text: str) -> bool:
    """A word that reads 'Total' but for one letter ('lotal', 'Tatal', 'Tota’')."""
    letters = re.sub(r"[^a-z]", "", text.lower())
    return 4 <= len(letters) <= 6 and letters != "total" and fuzz.ratio(letters, "total") >= 80


def _evidence(value: Decimal, paid: Decimal | None, cash: Decimal | None, rounded: bool,
              everywhere: list[Decimal]) -> float:
    score = 0.0
    if paid is not None and value == paid:
        score += 3
    elif paid is not None and _misread(value, paid):
        score += 2  # the total with a figure misread, which the cash less the change puts right
    elif cash is not None and value == cash:
        score += 1
    if rounded:
        score += 1 if value % STEP == 0 else -1
    score += 0.5 * min(2, everywhere.count(value) - 1)
    return score


def _amounts(text: str, row: int, money: re.Pattern, lenient: bool) -> list[_Amount]:
    fixed = fix_digit_lookalikes(text)
    found = []
    for match in money.finditer(fixed):
        value = normalize("money", match.group())
        if value is not None:
            found.append(_Amount(Decimal(value), row, match.span()))
    if lenient and (spaced := SPACED.search(fixed)) is not None:
        if not any(a.span[1] > spaced.start(1) for a in found):
            value = Decimal(f"{spaced.group(1)}.{spaced.group(2)}")
            found.append(_Amount(value, row, (spaced.start(1), spaced.end(2)), spaced=True))
    return found


def _first_group_dropped(cash: Decimal, payment_rows: list[int], amounts: dict[int, list[_Amount]],
                         texts: list[str]) -> Decimal | None:
    """The cash as read without its first group of figures, where it was read with a space
    between them ('2 350.00' -> 350.00)."""
    for i in payment_rows:
        for amount in amounts[i]:
            printed = texts[i][amount.span[0]:amount.span[1]]
            if amount.value == cash and (group := re.match(r"\d{1,4}[ \u00a0](?=\d)", printed)):
                rest = normalize("money", printed[group.end():])
                return Decimal(rest) if rest is not None else None
    return None


def _last(amounts: dict[int, list[_Amount]], rows: list[int]) -> Decimal | None:
    """The figure ending the first of `rows` that has one."""
    for i in rows:
        if amounts[i]:
            return amounts[i][-1].value
    return None


def sum_of_parts(spec: FieldSpec, models: list[PageModel], chosen: Found | None) -> Found | None:
    """An invoice's total row prints three amounts: without tax, the tax, with tax. Where a
    total picked as its row's largest amount sits on a row that adds up, or would with one
    digit of its first amount misread, the last amount is the total. Where the last is not
    their sum (a stamp over it read '687.46' for 16187.40) and the row's other amount was
    taken, the sum of the first two is the total when the page prints it elsewhere (the
    goods table's last column): a figure read there, which the row's arithmetic confirms;
    or where the tax is the first amount at a VAT rate, which confirms both."""
    if chosen is None or chosen.bbox is None or chosen.page is None:
        return chosen
    model = next((m for m in models if m.page.page == chosen.page), None)
    row = next((r for r in (model.rows if model else []) if any(inside(w.bbox, chosen.bbox) for w in r.words)), None)
    if row is None:
        return chosen
    money = re.compile(expand(spec.pattern or "{money}"))
    row_text, row_spans = join_words(row.words)
    matches = _row_amounts(money, row_text)
    invoice = spec.pick == "largest"  # the official form's total row (a receipt's total is its last figure)
    if invoice and len(matches) < 3 and len(loose := _row_amounts(KOPECK_AMOUNT, row_text)) >= 3:
        matches = loose
    amounts = [value for value, _ in matches]
    if len(amounts) == 2 and invoice:
        chosen = (_sum_read_without_its_point(spec, model, row, row_text, row_spans, matches)
                  or _sum_of_amount_and_tax(spec, model, row, row_text, row_spans, matches, chosen) or chosen)
    elif len(amounts) == 1 and invoice:
        chosen = _taxed_read_without_its_point(spec, model, row, row_text, row_spans, matches[0]) or chosen
    if (len(amounts) == 2 and invoice and amounts[1] < amounts[0] and chosen.value == f"{amounts[0]:.2f}"
            and EXCISE_MARK.search(row_text[:matches[0][1][0]])):
        # 'x 23584.20 14150.20': the official form's excise mark, the tax and the total, which
        # is never less than its tax: one of them is misread (its amount without tax unread).
        return replace(chosen, confidence=min(chosen.confidence, DISAGREEING_CONF),
                       warning="the total row's last amount is less than the one before it; one is misread")
    if len(amounts) < 3:
        after = row_text[matches[-1][1][1]:] if matches else ""
        if invoice and matches and chosen.warning is None and _unread_figures(after):
            # '2 631,80 x $36,346': the tax and the total after it did not read as amounts,
            # and the one that did is the amount without tax.
            return replace(chosen, confidence=min(chosen.confidence, UNREAD_AFTER_CONF),
                           warning="figures after it on the total row did not read as amounts; the total "
                                   "may be one of them")
        if invoice and len(amounts) == 1 and chosen.warning is None and EXCISE_MARK.search(after):
            # '5 184 922-43 X': the official form's excise mark after the one amount read, the
            # tax and the total after it lost (a stamp over them): it is the amount without tax.
            return replace(chosen, confidence=min(chosen.confidence, UNREAD_AFTER_CONF),
                           warning="the official form's excise mark follows the one amount read on the total "
                                   "row: it is the amount without tax, the total was not read")
        return chosen
    part, tax, last = amounts[-3:]
    if invoice and (part + tax == last or _with_vat(part, last) or (last > tax and _misread(part, last - tax)
                                                                  and not _tax_at_a_rate(part, tax))):
        # The row adds up, or does with one digit of its first amount misread ('905 117,11'
        # for 505 117,11, larger than the total it sums to), or its last amount is the first
        # with VAT at a rate (the tax between misread: '51 010,80' for 51 016,80): its last
        # amount is the total.
        # Not where the tax is the first amount at a VAT rate: then the last is misread.
        if chosen.value == f"{last:.2f}":
            return chosen
        found = _found_on_row(spec, model, row, row_text, row_spans, matches[-1][1])
        return chosen if found is None else found
    if part + tax == last:
        return chosen
    total = part + tax
    for other in model.rows:
        text, spans = join_words(other.words)
        for match in money.finditer(text):
            if other is not row and normalize("money", match.group()) == f"{total:.2f}":
                found = found_in(spec, Candidate(other.words, model.page.page, "pattern"), text, spans, match.span())
                if found is not None:
                    return replace(found, warning="the total row's last amount did not read as the sum of the "
                                                  "two before it; taken where the page prints that sum")
    if invoice and _tax_at_a_rate(part, tax) and chosen.value != f"{total:.2f}":
        # The amount without tax and the tax confirm each other (the tax is that amount at a
        # VAT rate), so both read right and the last figure did not (a stamp over it): the
        # total is their sum, which the row prints misread.
        found = _found_on_row(spec, model, row, row_text, row_spans, matches[-1][1])
        if found is not None:
            return replace(found, value=f"{total:.2f}",
                           warning="the total row's last amount did not read as the sum of the two before it, "
                                   "which agree with each other at a VAT rate; taken as that sum")
    return chosen


UNREAD_AFTER_CONF = 0.3
EXCISE_MARK = re.compile(r"(?<!\w)[xXхХ×](?!\w)")  # the official form's 'X' in the excise column


def _unread_figures(text: str) -> bool:
    """Whether `text` holds a run of three digits or more (among specks and separators)."""
    return any(sum(c.isdigit() for c in run) >= 3 for run in re.findall(r"\d[\d\s.,$§]*", text))


# Russian VAT rates (18 % until 2019), and how far a tax summed row by row, each row's tax
# rounded to the kopeck, may lie from the whole amount's tax at its rate.
VAT_RATES = (Decimal("0.20"), Decimal("0.18"), Decimal("0.10"))
TAX_ROUNDING = Decimal("0.05")


def _tax_at_a_rate(part: Decimal, tax: Decimal) -> bool:
    return tax > 0 and any(abs(part * rate - tax) <= TAX_ROUNDING for rate in VAT_RATES)


def _with_vat(part: Decimal, total: Decimal) -> bool:
    """Whether `total` is `part` with VAT added at a rate."""
    return any(abs(part * (1 + rate) - total) <= TAX_ROUNDING for rate in VAT_RATES)


# The total row's amounts as a stamp or a blur leaves them: each ends with its two kopecks,
# with its thousands' space lost ('71966-27') or the space before the next amount lost
# ('212 704,001 276 224,00'). Read so only where the row gave fewer than three amounts.
KOPECK_AMOUNT = re.compile(r"(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)[.,\-]\d{2}")


def _found_on_row(spec: FieldSpec, model: PageModel, row, text: str, spans, span: tuple[int, int]) -> Found | None:
    """The field's value read at `span` of a row's joined text, as a label's value."""
    return found_in(spec, Candidate(row.words, model.page.page, "label"), text, spans, span)


def _row_amounts(money: re.Pattern, text: str) -> list[tuple[Decimal, tuple[int, int]]]:
    return [(Decimal(v), m.span()) for m in money.finditer(text) if (v := normalize("money", m.group()))]


def _taxed_read_without_its_point(spec: FieldSpec, model: PageModel, row, text: str, spans,
                                  part: tuple[Decimal, tuple[int, int]]) -> Found | None:
    """The total row's last figure read without its decimal point and its tax unread ('302394,00
    x 0047880 36287280'), where its digits are the amount without tax with VAT at a rate: the
    total they spell, with a warning."""
    runs = list(re.finditer(r"\d{4,}", text[part[1][1]:]))
    if not runs:
        return None
    last = runs[-1]
    total = Decimal(last[0]) / 100
    if not _with_vat(part[0], total):
        return None
    span = (part[1][1] + last.start(), part[1][1] + last.end())
    found = _found_on_row(spec, model, row, text, spans, span)
    if found is None:
        return None
    return replace(found, value=f"{total:.2f}", warning="the total's decimal point was not read; its digits are "
                                                        "those of the amount before it with VAT at a rate")


SUMMED_CONF = 0.6  # the most a total summed from the amounts before it, itself unread, is trusted


def _sum_of_amount_and_tax(spec: FieldSpec, model: PageModel, row, text: str, spans,
                           matches: list[tuple[Decimal, tuple[int, int]]], chosen: Found) -> Found | None:
    """The total row read with its first two amounts only ('26056.00 ... 5211.20': a stamp over
    the third), the second the first's tax at a VAT rate, and the first taken for the total:
    their sum, doubted and with a warning."""
    (part, part_span), (tax, _) = matches
    if chosen.value != f"{part:.2f}" or not _tax_at_a_rate(part, tax):
        return None
    found = _found_on_row(spec, model, row, text, spans, part_span)
    if found is None:
        return None
    return replace(found, value=f"{part + tax:.2f}", confidence=min(found.confidence, SUMMED_CONF),
                   warning="the total row's last amount was not read; the two before it, the amount without "
                           "tax and its tax at a VAT rate, give it as their sum")


def _sum_read_without_its_point(spec: FieldSpec, model: PageModel, row, text: str, spans,
                                matches: list[tuple[Decimal, tuple[int, int]]]) -> Found | None:
    """The total row's last figure read without its decimal point ('346 22640' after
    '288 522,00 57704.40'), where its digits are those of the sum of the two amounts before
    it: that sum, with a warning."""
    total = matches[0][0] + matches[1][0]
    end = matches[1][1][1]
    tail = re.fullmatch(r"\W*(\d[\d ]*\d)\W*", text[end:])
    if tail is None or tail[1].replace(" ", "") != f"{total:.2f}".replace(".", ""):
        return None
    span = (end + tail.start(1), end + tail.end(1))
    found = _found_on_row(spec, model, row, text, spans, span)
    if found is None:
        return None
    return replace(found, value=f"{total:.2f}", warning="the total's decimal point was not read; its digits are "
                                                        "those of the sum of the two amounts before it")
