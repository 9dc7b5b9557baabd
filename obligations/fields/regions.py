"""The regions a Russian place of birth or an issuing office names ('ТУЛЬСКОЙ ОБЛ.', 'ПО
ПЕРМСКОМУ КРАЮ'), read back where OCR misread a letter or two of one ('МУРМАИСКОЙ ОБЛ.',
'Пермекой области'): a closed list, unlike a settlement's or a district's name.

Only the word right before a region's noun ('ОБЛ.', 'области', 'края', 'АО') is read back,
only where it is not a listed region already, and only where one listed region is closest
and close enough: one letter off for a stem of six letters or more, two for one of nine or
more. The words of an issuing office's name, a closed list too, read in two ('РОС СИИ') are
joined."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

# Adjective stems, as '-СКАЯ ОБЛАСТЬ' and '-СКИЙ КРАЙ' decline: oblasts and krais of today and
# of Soviet times (as older documents print them), and of the other Soviet republics.
REGION_STEMS = (
    "АМУРСК", "АРХАНГЕЛЬСК", "АСТРАХАНСК", "БЕЛГОРОДСК", "БРЯНСК", "ВЛАДИМИРСК", "ВОЛГОГРАДСК", "ВОЛОГОДСК",
    "ВОРОНЕЖСК", "ИВАНОВСК", "ИРКУТСК", "КАЛИНИНГРАДСК", "КАЛУЖСК", "КЕМЕРОВСК", "КИРОВСК", "КОСТРОМСК",
    "КУРГАНСК", "КУРСК", "ЛЕНИНГРАДСК", "ЛИПЕЦК", "МАГАДАНСК", "МОСКОВСК", "МУРМАНСК", "НИЖЕГОРОДСК",
    "НОВГОРОДСК", "НОВОСИБИРСК", "ОМСК", "ОРЕНБУРГСК", "ОРЛОВСК", "ПЕНЗЕНСК", "ПСКОВСК", "РОСТОВСК",
    "РЯЗАНСК", "САМАРСК", "САРАТОВСК", "САХАЛИНСК", "СВЕРДЛОВСК", "СМОЛЕНСК", "ТАМБОВСК", "ТВЕРСК", "ТОМСК",
    "ТУЛЬСК", "ТЮМЕНСК", "УЛЬЯНОВСК", "ЧЕЛЯБИНСК", "ЯРОСЛАВСК", "АЛТАЙСК", "ЗАБАЙКАЛЬСК", "КАМЧАТСК",
    "КРАСНОДАРСК", "КРАСНОЯРСК", "ПЕРМСК", "ПРИМОРСК", "СТАВРОПОЛЬСК", "ХАБАРОВСК", "ЕВРЕЙСК", "ЧУКОТСК",
    "НЕНЕЦК", "ХАНТЫ-МАНСИЙСК", "ЯМАЛО-НЕНЕЦК", "КУЙБЫШЕВСК", "ГОРЬКОВСК", "КАЛИНИНСК", "ЧИТИНСК",
    "ЧКАЛОВСК", "МОЛОТОВСК", "СТАЛИНГРАДСК", "ВОРОШИЛОВГРАДСК", "ДОНЕЦК", "ЛУГАНСК", "ХАРЬКОВСК",
    "КИЕВСК", "ОДЕССК", "ДНЕПРОПЕТРОВСК", "ЗАПОРОЖСК", "ХЕРСОНСК", "НИКОЛАЕВСК", "ПОЛТАВСК", "ЛЬВОВСК",
    "ВИННИЦК", "ЧЕРНИГОВСК", "ЖИТОМИРСК", "КРЫМСК", "МИНСК", "ГОМЕЛЬСК", "ВИТЕБСК", "МОГИЛЕВСК",
    "ГРОДНЕНСК", "БРЕСТСК", "КАРАГАНДИНСК", "АКМОЛИНСК", "ЦЕЛИНОГРАДСК", "ПАВЛОДАРСК", "СЕМИПАЛАТИНСК",
    "АЛМА-АТИНСК", "ЧИМКЕНТСК", "ДЖАМБУЛСК", "КУСТАНАЙСК", "КОКЧЕТАВСК", "ТАШКЕНТСК", "САМАРКАНДСК",
    "ЧЕРКАССК", "СУМСК", "ВОЛЫНСК", "РОВЕНСК", "ХМЕЛЬНИЦК", "ИВАНО-ФРАНКОВСК", "ТЕРНОПОЛЬСК", "ЗАКАРПАТСК",
    "КИРОВОГРАДСК", "ЧЕРНОВИЦК", "АКТЮБИНСК", "ГУРЬЕВСК", "КЗЫЛ-ОРДИНСК", "ТАЛДЫ-КУРГАНСК", "УРАЛЬСК",
    "ВОСТОЧНО-КАЗАХСТАНСК", "СЕВЕРО-КАЗАХСТАНСК", "ЮЖНО-КАЗАХСТАНСК", "ЗАПАДНО-КАЗАХСТАНСК", "МАНГЫШЛАКСК",
    "ЖЕЗКАЗГАНСК", "ТУРГАЙСК", "АНДИЖАНСК", "БУХАРСК", "ФЕРГАНСК", "НАМАНГАНСК", "ХОРЕЗМСК", "ОШСК",
    "ИССЫК-КУЛЬСК", "НАРЫНСК", "ТАЛАССК", "ДЖАЛАЛ-АБАДСК", "ЛЕНИНАБАДСК", "ГОРНО-АЛТАЙСК", "КАМЕНСК",
    "БАЛАШОВСК", "АРЗАМАССК", "ВЕЛИКОЛУКСК", "ГРОЗНЕНСК",
)
# The region's noun after the word ('ОБЛ.', 'области', 'КРАЯ', 'автономного округа', 'АО').
_BEFORE_NOUN = re.compile(r"(?<![\w-])([А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?)"
                          r"(?= (?i:обл(?:\.|аст[иьяю]\b|\b)|кра[йяю]\b|кр\.|автономн)| АО\b)")
_ENDING = re.compile(r"(ОЙ|ОГО|ОМУ|ОМ|АЯ|УЮ|ИЙ|ЫЙ|ОЕ)$")
ONE_LETTER_FROM = 6  # a stem this long may be one letter off; shorter ones are too alike ('ОМСК', 'ТОМСК')
TWO_LETTERS_FROM = 9


def respelled_regions(text: str) -> str:
    """`text` with each word before a region's noun that is one or two letters off a listed
    region's stem, nearer to it than to any other, read as that region, its ending and its
    case kept; and an issuing office's word read in two joined."""
    text = _office_words_joined(text)
    return _BEFORE_NOUN.sub(lambda m: _respelled(m[1]), _SPLIT_BEFORE_NOUN.sub(_joined, text))


# The words an issuing office's name is made of, read in two on a speckled or faxed page ('ГУ МВД
# РОС СИИ', 'ОТДЕЛ ОМ'): joined where the halves make one of them and neither half is one (nor a
# word of its own: 'ПО', 'В').
OFFICE_WORDS = frozenset({
    "РОССИИ", "ОТДЕЛОМ", "ОТДЕЛЕНИЕМ", "ОТДЕЛЕНИЯ", "УПРАВЛЕНИЕМ", "УПРАВЛЕНИЯ", "ФЕДЕРАЛЬНОЙ", "МИГРАЦИОННОЙ",
    "СЛУЖБЫ", "ВНУТРЕННИХ", "ДЕЛ", "ГЛАВНЫМ", "ТЕРРИТОРИАЛЬНЫМ", "ПУНКТОМ", "ПАСПОРТНО-ВИЗОВОЙ", "ПАСПОРТНЫМ",
    "СТОЛОМ", "МИЛИЦИИ", "РАЙОНЕ", "РАЙОНА", "ГОРОДЕ", "ГОРОДА", "ОКРУГЕ", "ОКРУГА", "ОБЛАСТИ", "КРАЮ",
    "РЕСПУБЛИКЕ", "РЕСПУБЛИКИ", "МУНИЦИПАЛЬНОМ", "ВОПРОСАМ", "МИГРАЦИИ", "ОТДЕЛОВ", "УФМС", "ОУФМС", "ГУВД",
    "РОВД", "ОВД", "УВД", "МВД", "ГУ",
})
_WORDS_OF_THEIR_OWN = frozenset({"ПО", "ВО", "НА", "ИЗ", "ОТ", "ДО", "ЗА", "ПРИ", "ДЛЯ", "ИЛИ"})
_LETTERS = re.compile(r"[А-ЯЁа-яё]{2,}")


def _office_words_joined(text: str) -> str:
    """`text` with two words that make one of OFFICE_WORDS, neither of them one, joined."""
    words = text.split(" ")
    out: list[str] = []
    for word in words:
        if out and _LETTERS.fullmatch(out[-1]) and _LETTERS.fullmatch(word):
            halves = (out[-1].upper(), word.upper())
            if (halves[0] + halves[1]) in OFFICE_WORDS and not any(
                    h in OFFICE_WORDS or h in _WORDS_OF_THEIR_OWN for h in halves):
                out[-1] += word
                continue
        out.append(word)
    return " ".join(out)


# A word before a region's noun split in two ('АСТ РАХАНСКОЙ ОБЛАСТИ'): joined where the two
# halves make a listed region and neither is one.
_SPLIT_BEFORE_NOUN = re.compile(r"(?<![\w-])([А-ЯЁа-яё]{1,5}) ([А-ЯЁа-яё]{3,})(?= (?i:обл|кра[йяю]\b|кр\.))")


def _joined(m: re.Match[str]) -> str:
    whole = (m[1] + m[2]).upper()
    ending = _ENDING.search(whole)
    halves_listed = any((e := _ENDING.search(part.upper())) and part.upper()[: e.start()] in _STEMS for part in (m[1], m[2]))
    if ending is None or halves_listed or whole[: ending.start()] not in _STEMS:
        return m[0]
    return m[1] + m[2]


def _respelled(word: str) -> str:
    upper = word.upper()
    ending = _ENDING.search(upper)
    if ending is None:
        return word
    stem = upper[: ending.start()]
    region = _nearest(stem)
    if region is None or region == stem:
        return word
    read = region + ending[1]
    if word.isupper():
        return read
    if word.islower():
        return read.lower()
    if all(part[:1].isupper() and part[1:].islower() for part in word.split("-")):  # 'Ханты-Мансийский'
        return "-".join(part.capitalize() for part in read.lower().split("-"))
    return word  # a mix of cases: as read


@lru_cache(maxsize=4096)
def _nearest(stem: str) -> str | None:
    """The listed stem `stem` is, or the one listed stem it is close enough to; else None."""
    if stem in _STEMS:
        return stem
    allowed = 2 if len(stem) >= TWO_LETTERS_FROM else 1 if len(stem) >= ONE_LETTER_FROM else 0
    if not allowed:
        return None
    near = sorted((d, s) for s in REGION_STEMS if (d := Levenshtein.distance(stem, s, score_cutoff=allowed)) <= allowed)
    if not near or len(near) > 1 and near[1][0] == near[0][0]:
        return None  # none close, or two as close: which was printed is not known
    return near[0][1]


_STEMS = frozenset(REGION_STEMS)
