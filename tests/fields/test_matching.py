"""Label comparison under OCR noise."""

import random

from obligations.fields.matching import fold, phrase_in_text, similar, similar_pairs, squash


def test_squash_folds_lookalikes_case_and_punctuation():
    assert squash("Ф. И. О.:") == "фио"
    assert squash("®. И. 0.") == "фио"
    assert squash("Фамилия") == squash("Фaмилия")  # a Latin 'a'
    assert squash("Счёт-фактура №") == "счетфактура№"
    assert fold("ЁЛКА") == "елка"


def test_short_labels_match_exactly_and_long_ones_by_length_and_ratio():
    assert similar("имя", "имя") == 100.0
    assert similar("имя", "имч") == 0.0
    assert similar("пол", "подпись") == 0.0
    assert similar("фамилия", "фамилия") == 100.0
    assert similar("фамилия", "фамнлия") > 82
    assert similar("датаиместорождения", "месторождения") == 0.0  # far shorter


def test_a_long_label_whose_first_letters_were_lost_still_reads_as_itself():
    assert similar("паспортвыдан", "портвыдан") > 82  # 'Паспорт выдан', a speck over 'Пас'
    assert similar("паспортвыдан", "спортвыдан") > 82
    assert similar("паспортвыдан", "ортвыдан") == 0.0  # four lost: too few left to tell
    assert similar("паспортвыдан", "портвидан") == 0.0  # the tail must read letter for letter
    assert similar("датавыдачи", "выдачи") == 0.0  # a tail too short to be the label


def test_a_long_label_whose_last_letters_a_value_covers_still_reads_as_itself():
    """'Фамилия, имя, отче' under 'Казакова' printed over its 'ство'."""
    assert similar("фамилияимяотчество", "фамилияимяотче") > 82
    assert similar("фамилияимяотчество", "фамилияимяотч") == 0.0  # five lost
    assert similar("фамилияимяотчество", "фамилияимяотчу") == 0.0  # letter for letter up to there
    assert similar("паспортвыдан", "паспортвы") == 0.0  # a short label keeps its tail


def test_letters_read_for_one_another_cost_half_an_error():
    assert similar("продавец", "пролавеи") > 82  # 'д' read 'л', 'ц' read 'и'
    assert similar("продавец", "пролавеи") < similar("продавец", "продавец")
    assert similar("продавец", "прогавек") < 82  # other letters: full errors
    assert similar("отчество", "отчеетво") > similar("отчество", "отчеытво")


def test_similar_pairs_are_exactly_the_pairs_similar_accepts():
    labels = ["фамилия", "имя", "отчество", "датаиместорождения", "местожительства", "пол", "№", "паспортвыдан"]
    rng = random.Random(5)
    alphabet = "абвгдежзиклмнопрстуфхцчшщыъьэюя№0123456789"
    texts = [label for label in labels]
    for _ in range(1500):
        base = rng.choice(labels + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))])
        base = base[rng.choice((0, 0, 0, 2, 3)):]  # some with their first letters lost
        chars = list(base)
        for _ in range(rng.randint(0, 3)):  # OCR-like edits: substitute, drop, insert
            at = rng.randrange(len(chars) + 1)
            edit = rng.choice("sdi")
            if edit == "s" and at < len(chars):
                chars[at] = rng.choice(alphabet)
            elif edit == "d" and at < len(chars):
                del chars[at]
            else:
                chars.insert(at, rng.choice(alphabet))
        texts.append("".join(chars))
    brute = {(i, j, similar(label, text)) for i, label in enumerate(labels) for j, text in enumerate(texts)
             if similar(label, text) >= 82}
    assert set(similar_pairs(labels, texts, 82)) == brute
    assert len(brute) > len(labels)  # near misses were found too, not only the exact copies
    assert list(similar_pairs(labels, [], 82)) == [] and list(similar_pairs([], texts, 82)) == []


def test_a_text_shorter_than_a_phrase_holds_it_only_if_it_reads_as_it():
    """A page read as specks ('~~' folds to a space) or one word held every phrase holding them."""
    assert not phrase_in_text("российская федерация", " ")
    assert not phrase_in_text("дата рождения", "дата")
    assert phrase_in_text("дата рождения", "дата рожденя")


def test_phrase_in_text_tolerates_a_few_errors():
    assert phrase_in_text("страховое свидетельство", "гос страховое свидетельств0 обяз")
    assert not phrase_in_text("страховое свидетельство", "свидетельство о постановке")
    assert phrase_in_text("инн", "код инн 7701")
    assert not phrase_in_text("инн", "инна")


def test_a_label_declined_in_a_sentence_is_no_label():
    """'... по факту прихода денег на р/с Поставщика.': the form's small print declines the
    word; the label stands in the nominative."""
    assert similar("поставщик", "поставщика") == 0.0 and similar("плательщик", "плательщиком") == 0.0
    assert similar("поставщик", "поставщик") == 100.0 and similar("поставщик", "поставщнк") > 90
