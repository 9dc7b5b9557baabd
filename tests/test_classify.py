"""Page classification by printed phrases, OCR noise tolerated, and grouping pages into documents."""

from obligations.classify import FORCED_DOUBT, UNKNOWN, Classification, classify_page, forced, group_pages
from obligations.doctypes import load_doctypes

DOCTYPES = load_doctypes()


def test_each_type_by_its_phrases():
    pages = {
        "snils": "СТРАХОВОЕ СВИДЕТЕЛЬСТВО\nОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ\n№ 112-233-445 95",
        "inn": "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе\nи ему присвоен ИНН 500100732259",
        "passport": "Паспорт выдан ОТДЕЛОМ УФМС\nДата выдачи 01.02.2010 Код подразделения 770-001\nФамилия ИВАНОВ Отчество",
        "invoice": "СЧЕТ-ФАКТУРА № 1 от 01.01.2024\nПродавец ООО\nИНН/КПП продавца 7707083893/770701001\nВсего к оплате",
        "receipt": "ABC SDN BHD\nGST REG NO 0001\nTOTAL 9.00\nCASH 10.00\nCHANGE 1.00\nTHANK YOU",
    }
    for expected, text in pages.items():
        result = classify_page(text, DOCTYPES)
        assert result.doc_type == expected, (expected, result.explain())
        assert 0 < result.confidence <= 1


def test_the_notice_that_replaced_the_snils_card_is_a_snils_though_it_prints_a_passports_captions():
    """'Уведомление о регистрации в системе индивидуального (персонифицированного) учета': its
    captions ('(фамилия, имя, отчество)', 'Место рождения', 'Дата выдачи уведомления',
    'Пенсионный фонд Российской Федерации') are a passport's too."""
    text = ("Пенсионный фонд Российской Федерации\nУВЕДОМЛЕНИЕ О РЕГИСТРАЦИИ В СИСТЕМЕ ИНДИВИДУАЛЬНОГО\n"
            "(ПЕРСОНИФИЦИРОВАННОГО) УЧЕТА\nСтраховой номер индивидуального лицевого счета\n944-024-770 00\n"
            "ФРОЛОВ АЛЕКСАНДР ПЕТРОВИЧ\n(фамилия, имя, отчество (при наличии))\nДата рождения 31.05.1978\n"
            "Место рождения СТ-ЦА КУЩЕВСКАЯ\nПол МУЖСКОЙ\nДата регистрации 27.01.1997\n"
            "Дата выдачи уведомления 25.08.2020")
    result = classify_page(text, DOCTYPES)
    assert result.doc_type == "snils", result.explain()


def test_a_bill_is_known_by_its_title_and_totals_when_its_captions_were_lost():
    """A bill scanned at 77 dpi: 'Поставщик' and 'Покупатель' read as noise, its title and
    totals as printed."""
    text = ("Счет № СФ-709 от 15 августа 2021 г.\nПора (Иклолиетеы АО “АгроТрайд“, ИНН 4037647320\n"
            "Итого: 152 065.76\nВ том числе НДС (20%);\nВсего к оплате:")
    assert classify_page(text, DOCTYPES).doc_type == "invoice"
    assert classify_page("Счет № 17 от 02.03.2024", DOCTYPES).doc_type == UNKNOWN  # a title alone is no bill


def test_a_tax_certificate_whose_small_print_was_lost_is_known_by_its_authority_and_number_caption():
    text = "ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА СВИДЕТЕЛЬСТВО ПЛАТОНОВ ЕВГЕНИЙ ИНН"
    assert classify_page(text, DOCTYPES).doc_type == "inn"
    assert classify_page("ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА", DOCTYPES).doc_type == UNKNOWN  # the heading alone is not


def test_ocr_noise_in_phrases_is_tolerated():
    noisy = "СТРАХОВОЕ СВИДЕТЕЛЬСТВ0\nОБЯЗАТЕЛЬНОГО ПЕНСИОННОТО СТРАХОВАНИЯ"  # Latin/zero and a misread letter
    assert classify_page(noisy, DOCTYPES).doc_type == "snils"


def test_a_passport_whose_labels_a_poor_scan_lost_is_known_by_its_number_and_office():
    """A blurred 150 dpi scan: of the labels only 'Российская Федерация' was read, but the
    series and number (printed twice) and the issuing office were."""
    text = "03 24 993890\nРОССИЙСКАЯ ФЕДЕРАЦИЯ\nУМВД РОССИИ ПО\nКРАСНОДАРСКОМУ КРАЮ\n17 АПРЕЛЯ 2024 230-084\nа | Panes"
    result = classify_page(text, DOCTYPES)
    assert result.doc_type == "passport" and result.scores["passport"] == 4.0


def test_a_number_shaped_like_a_passports_is_not_enough_alone():
    receipt = "KEDAI MAJU SDN BHD\nTEL 03 24 993890\nTOTAL 12.00\nCASH 20.00\nCHANGE 8.00"
    assert classify_page(receipt, DOCTYPES).doc_type == "receipt"
    assert classify_page("ТЕЛ 03 24 993890", DOCTYPES).doc_type == UNKNOWN
    assert classify_page("03-24 993890 1203 24 9938901", DOCTYPES).scores["passport"] == 0


def test_unrelated_text_is_unknown():
    assert classify_page("Lorem ipsum dolor sit amet\nconsectetur", DOCTYPES).doc_type == UNKNOWN
    assert classify_page("", DOCTYPES).doc_type == UNKNOWN


def _label(doc_type: str) -> Classification:
    return Classification(doc_type, 1.0, {doc_type: 5.0})


def test_grouping_single_and_multi_page_types():
    labels = [_label("passport"), _label("snils"), _label("invoice"), classify_page("", DOCTYPES),
              _label("invoice"), _label("snils")]
    documents = group_pages(labels, DOCTYPES)
    assert [(t, pages) for t, pages, _ in documents] == [
        ("passport", [0]), ("snils", [1]), ("invoice", [2, 3, 4]), ("snils", [5])]
    two_cards = group_pages([_label("snils"), _label("snils")], DOCTYPES)
    assert [pages for _, pages, _ in two_cards] == [[0], [1]]


def test_an_invoice_title_starts_a_new_document_and_a_continuation_page_does_not():
    first = classify_page("СЧЕТ-ФАКТУРА № 12 от 01.01.2024\nПродавец ООО «Ромашка»\nИНН/КПП продавца 7707083893/770701001",
                          DOCTYPES)
    continuation = classify_page("Наименование товара\nСчет-фактура к оплате\nВсего к оплате 1 200,00\nПокупатель",
                                 DOCTYPES)
    second = classify_page("Счет-фактура Ne 13 от 02.01.2024\nПродавец ООО «Лютик»\nИНН/КПП покупателя 7707083893/770701001",
                           DOCTYPES)  # '№' misread
    assert first.opens and second.opens and not continuation.opens
    assert continuation.doc_type == "invoice"
    documents = group_pages([first, continuation, second], DOCTYPES)
    assert [pages for _, pages, _ in documents] == [[0, 1], [2]]
    # A number whose prefix's hyphen ended OCR's word.
    third = classify_page("СЧЕТ-ФАКТУРА № М- 408/2022 от 20.05.2022\nПродавец: АО «Сибирские ресурсы»", DOCTYPES)
    assert third.opens


def test_an_invoice_whose_title_was_lost_starts_a_new_document_by_its_parties_captions():
    """Two bills scanned one after the other, the second's title lost to noise: its seller's and
    its buyer's captions opening rows start a document; a page of goods prints neither."""
    first = classify_page("Счет на оплату № 2043 от 14.02.2021\nПоставщик: ПАО «Гранит», ИНН 7435958360\n"
                          "Покупатель: АО «Восток», ИНН 6129335580\nВсего к оплате 215 607,00", DOCTYPES)
    goods = classify_page("Наименование товара Кол-во Цена Сумма\nБумага 10 200,00 2 000,00\nИтого 2 000,00\n"
                          "Всего к оплате 2 000,00\nПоставщик ______ (подпись)", DOCTYPES)
    second = classify_page("fi | НИ | C Y 131 ИВА\nПродавец / $е!ег\nНаименование / Мате: АО \"Инфосистемы\"\n"
                           "ИНН / ТМ: 1601438432\nПокупатель / Виуег\nНаименование / Мате: АО \"Кубань Агро\"\n"
                           "Счет-фактура Всего к оплате 389 129,87", DOCTYPES)
    assert second.doc_type == "invoice" and second.opens and not goods.opens
    assert [pages for _, pages, _ in group_pages([first, goods, second], DOCTYPES)] == [[0, 1], [2]]


def test_a_receipts_head_starts_a_new_receipt():
    head = "WALLIS MART\nGST REG NO: 000123456789\nTAX INVOICE\nBREAD 2.00\nTOTAL 12.00\nCASH 20.00"
    first, second = classify_page(head, DOCTYPES), classify_page(head.replace("WALLIS", "KIRK"), DOCTYPES)
    continuation = classify_page("MILK 3.20\nSUBTOTAL 15.20\nROUNDING 0.00\nTOTAL 15.20\nCASH 20.00\nCHANGE 4.80\nTHANK YOU",
                                 DOCTYPES)
    assert (first.doc_type, continuation.doc_type) == ("receipt", "receipt")
    assert first.opens and second.opens and not continuation.opens
    assert [pages for _, pages, _ in group_pages([first, continuation, second], DOCTYPES)] == [[0, 1], [2]]


def _page(lines: list[str]):
    """A page of OCR words, one row per line, 40 px apart."""
    from obligations.backends.base import PageText, Word

    words = []
    for row, line in enumerate(lines):
        x = 100
        for token in line.split():
            words.append(Word(token, (x, 100 + 60 * row, x + 24 * len(token), 140 + 60 * row), 90.0, row))
            x += 24 * (len(token) + 1)
    return PageText(1, 2000, 2800, 300, "ocr", words)


def test_a_passport_data_page_alone_is_known_by_its_values():
    """The lower page of a passport spread: no 'паспорт выдан', no 'код подразделения'."""
    from obligations.classify import classify

    page = _page(["ВОЛКОВ", "Фамилия", "СИЛА", "Имя", "04.01.1941", "Дата рождения",
                  "ГОР. РОСТОВ-НА-ДОНУ", "60 15 708096"])
    assert classify_page(page.text, DOCTYPES).doc_type == UNKNOWN
    result = classify(page, DOCTYPES)
    assert result.doc_type == "passport" and result.by_values
    assert 0 < result.confidence <= 0.5


def test_the_sex_abbreviated_as_a_passport_prints_it_is_a_passport_s_evidence():
    """'ЖЕН.' (a SNILS card and an INN certificate print 'женский'): on a 345-px data page whose
    captions read as noise, it and 'Российская Федерация' are the passport's phrases found."""
    text = "РОССИЙСКАЯ ФЕДЕРАЦИЯ\nФамич» АБРАМОВА\nВЕРА\nАРТЕМОВНА\nПал ЖЕН.\nдать ржа 18.03.1975"
    assert classify_page(text, DOCTYPES).scores["passport"] == 2.0
    assert classify_page("РОССИЙСКАЯ ФЕДЕРАЦИЯ\nПол женский", DOCTYPES).scores["passport"] == 1.0


def test_a_machine_readable_zones_fillers_are_a_passport_s_evidence():
    """A faxed spread whose captions read as noise: its office's 'УФМС', the code's label lost,
    and the zone's second line read broken, its run of fillers whole ('M<<<<<<<4240.0.542029')."""
    text = ("м МС РОССИИ Пе 4 вост ИРСКОЙ ОБЛАСТИ 3\nЛЕНИНСКОМ Р-НЕ\n. 91.01.2024 54..-079\nВИШНЕВСКИЙ\n"
            "РИКТОР\nГИКТОРОВИЧ\nУФМС\n1227098050 96199М<<<<<<<4240.0.542029<65")
    assert classify_page(text, DOCTYPES).doc_type == "passport"
    assert classify_page("ИТОГО <<< 120.00", DOCTYPES).scores["passport"] == 0.0


def test_a_snils_whose_title_was_lost_is_known_by_its_check_digits():
    from obligations.classify import classify

    page = _page(["№ 112-233-445 95", "Фамилия ИВАНОВ", "Имя ПЕТР", "Дата регистрации 15.05.2001"])
    result = classify(page, DOCTYPES)
    assert result.doc_type == "snils" and result.by_values
    wrong = _page(["№ 112-233-445 96", "Фамилия ИВАНОВ", "Имя ПЕТР"])  # check digits fail
    assert classify(wrong, DOCTYPES).doc_type != "snils"


def test_a_card_whose_captions_were_lost_is_known_by_its_number_alone():
    """A SNILS card at 100 dpi: its title and captions read as noise, its number as printed.
    A check-digit number no other type prints is evidence enough; one that fails is none."""
    from obligations.classify import classify

    noise = ["CONAETEREC SO", "859-615-598 75", "ЕРЕМИНА", "ERIMEI9S", "Hemexatinpre"]
    result = classify(_page(noise), DOCTYPES)
    assert result.doc_type == "snils" and result.by_values and 0 < result.confidence <= 0.5
    noise[1] = "859-615-598 76"
    assert classify(_page(noise), DOCTYPES).doc_type == UNKNOWN
    # A 108-dpi card at JPEG quality 12: beside the number, only its registration date read,
    # which a certificate or a receipt could print as well.
    dated = ["093-922-985 11", "МОРЗОВ", "ГРИГОРАЙ", "BE 1393", "нужсной 28.05.2019"]
    result = classify(_page(dated), DOCTYPES)
    assert result.doc_type == "snils" and result.by_values
    dated[0] = "093-922-985 12"
    assert classify(_page(dated), DOCTYPES).doc_type == UNKNOWN


def test_a_readable_page_with_no_values_of_any_type_stays_unknown():
    from obligations.classify import classify

    page = _page(["Dear colleagues, the meeting is moved", "to the large room on the second floor",
                  "Please bring your laptops and the reports"])
    assert classify(page, DOCTYPES).doc_type == UNKNOWN


def test_a_forced_type_keeps_the_confidence_the_page_bears_out():
    snils_text = "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ 112-233-445 95"
    seen = classify_page(snils_text, DOCTYPES)
    assert seen.doc_type == "snils"
    agreed = forced("snils", seen)
    assert (agreed.doc_type, agreed.confidence, agreed.doubted_as) == ("snils", seen.confidence, None)
    doubted = forced("passport", seen)
    assert doubted.doc_type == "passport" and doubted.doubted_as == "snils"
    assert doubted.confidence == FORCED_DOUBT < 0.5
    assert forced("passport", classify_page("Lorem ipsum", DOCTYPES)).doubted_as == UNKNOWN


def test_a_receipt_whose_head_prints_only_its_number_starts_a_new_receipt():
    head = "KELLY RUIZ AND MORROW STORE\nTEL: 04-4657 3068\nRECEIPT\nINVOICE NO: 81784\nTEA 8.05\nTOTAL 150.45\nCASH 200.00"
    assert classify_page(head, DOCTYPES).opens
    assert not classify_page("MILK 3.20\nTOTAL 15.20\nTHANK YOU FOR YOUR RECEIPT", DOCTYPES).opens


def test_a_tax_registers_extract_about_a_person_is_an_inn_document_not_a_passport():
    """'Сведения о физическом лице (выписка из ЕГРН)' prints a passport's captions (Фамилия,
    Отчество, Место рождения, '... / дата выдачи') over its INN: its own phrases tell it."""
    text = ("ИНН 540987611356 стр. 001\nСВЕДЕНИЯ О ФИЗИЧЕСКОМ ЛИЦЕ\n"
            "(выписка из Единого государственного реестра налогоплательщиков)\nФамилия\nМАТВЕЕВ\nИмя\nПЕТР\n"
            "Отчество\nПЕТРОВИЧ\nДата рождения Пол\n08.11.1948\nмужской\nМесто рождения\nСТ. ВЕШЕНСКАЯ\n"
            "Дата постановки на учет / дата выдачи\n18.10.2023\nКод налогового органа 5403 ИФНС России по Калининскому району\n")
    assert classify_page(text, load_doctypes()).doc_type == "inn"
