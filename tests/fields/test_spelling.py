from obligations.doctypes import load_doctypes
from obligations.fields.spelling import respelled

WORDS = ("JALAN", "JLN", "TAMAN", "TMN", "MALAYSIA", "SRI", "MALL", "HALL", "ALAM", "SHAH", "BARU")


def test_a_word_read_one_lookalike_letter_off_a_listed_word_is_that_word():
    assert respelled("KLANG SELANGOR D.E, MALAYSTA", WORDS) == "KLANG SELANGOR D.E, MALAYSIA"  # T for I
    assert respelled("67,JLN MEWAH 25/63 THN SR1 MUDA", WORDS) == "67,JLN MEWAH 25/63 TMN SRI MUDA"
    assert respelled("TAHAN MALURI, JIN BESAR, 40170 SHAH ALAN.", WORDS) == "TAMAN MALURI, JLN BESAR, 40170 SHAH ALAM."


def test_words_read_right_or_off_by_a_letter_of_another_shape_stay():
    # Not a lookalike letter ('TAPAN': P for M), two letters off, a listed word, too short.
    for text in ("TAPAN", "TEHAM", "HALL", "JL", "SHAWN ISLANDS", "40170", "SS21/39"):
        assert respelled(text, WORDS) == text
    # Two listed words one lookalike letter away: which one was printed is not known.
    assert respelled("BALL", ("MALL", "HALL")) == "BALL"
    assert respelled("NALL", ("MALL", "HALL")) == "NALL"
    assert respelled("JALAN", ()) == "JALAN"


def test_the_receipt_address_reads_its_words_back():
    words = next(f for f in load_doctypes()["receipt"].fields if f.id == "address").words
    assert len(words) == len(set(words)) and all(w == w.upper() for w in words)
    assert respelled("NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR, MALAYSTA", words).endswith("MALAYSIA")


def test_the_receipt_company_reads_its_trades_words_back():
    words = next(f for f in load_doctypes()["receipt"].fields if f.id == "company").words
    assert len(words) == len(set(words)) and all(w == w.upper() for w in words)
    assert respelled("99 SPEED HART S/B", words) == "99 SPEED MART S/B"  # H for M
    assert respelled("FARMAST WAH LEE PTE LTD", words) == "FARMASI WAH LEE PTE LTD"  # T for I
    assert respelled("RESTURAN WAN SHENG", words) == "RESTORAN WAN SHENG"  # U for O
