"""Fake people, organisations and places, and the ways documents spell them.

Every value is generated together with its normalised ground-truth form.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker

from ._checks import inn10_check, inn12_checks, snils_check
from .base import collapse

MONTHS_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
LAST_DAY = date(2024, 12, 31)


@lru_cache(maxsize=None)
def _faker(locale: str) -> Faker:
    return Faker(locale)


def faker(locale: str, rng: random.Random) -> Faker:
    """A shared Faker for `locale`, reseeded from rng (deterministic per document)."""
    fk = _faker(locale)
    fk.seed_instance(rng.getrandbits(64))
    return fk


# --------------------------------------------------------------------------- dates


def random_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def date_after_birth(rng: random.Random, birth: date, not_before: date) -> date:
    """A date at least 14 years after birth, not before `not_before`, before 2025."""
    lo = max(add_years(birth, 14) + timedelta(days=1), not_before)
    return random_date(rng, min(lo, LAST_DAY), LAST_DAY)


DATE_STYLES = ("numeric", "words", "quoted", "words_year")


def format_date_ru(d: date, style: str, upper: bool = False) -> str:
    month = MONTHS_GEN[d.month - 1]
    text = {
        "numeric": f"{d:%d.%m.%Y}",
        "numeric_g": f"{d:%d.%m.%Y} г.",
        "words": f"{d.day} {month} {d.year} г.",
        "quoted": f"«{d:%d}» {month} {d.year} г.",
        "words_year": f"{d:%d} {month} {d.year} года",
    }[style]
    return text.upper() if upper else text


# --------------------------------------------------------------------------- spelling conventions

GENDER_SPELLINGS = {
    "male": ("МУЖ.", "муж.", "мужской", "МУЖСКОЙ", "Муж."),
    "female": ("ЖЕН.", "жен.", "женский", "ЖЕНСКИЙ", "Жен."),
}


@dataclass(frozen=True)
class Spelling:
    """How one document writes labels and values."""

    label_upper: bool
    colon: bool
    value_upper: bool
    date_style: str
    gender_index: int

    @classmethod
    def pick(cls, rng: random.Random, date_styles=DATE_STYLES, upper_values: float = 0.6) -> Spelling:
        return cls(
            label_upper=rng.random() < 0.3,
            colon=rng.random() < 0.35,
            value_upper=rng.random() < upper_values,
            date_style=rng.choice(date_styles),
            gender_index=rng.randrange(len(GENDER_SPELLINGS["male"])),
        )

    def label(self, text: str, colon: bool | None = None) -> str:
        text = text.upper() if self.label_upper else text
        return text + ":" if (self.colon if colon is None else colon) else text

    def name(self, value: str) -> str:
        return value.upper() if self.value_upper else value

    def date(self, d: date) -> str:
        return format_date_ru(d, self.date_style, upper=self.value_upper and self.date_style != "numeric")

    def gender(self, gender: str) -> str:
        return GENDER_SPELLINGS[gender][self.gender_index]


def title_name(printed: str) -> str:
    """Normalised personal name: Title Case, also for double names."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in printed.split("-"))


# --------------------------------------------------------------------------- people and places


@dataclass(frozen=True)
class Region:
    code: str  # subject code: INN prefix, division code prefix
    okato: str  # passport series prefix
    city: str  # nominative
    city_gen: str  # genitive: "ОВД ... г. Тулы"
    dative: str  # "УФМС России по ..."


REGIONS = (
    Region("77", "45", "Москва", "Москвы", "г. Москве"),
    Region("78", "40", "Санкт-Петербург", "Санкт-Петербурга", "г. Санкт-Петербургу и Ленинградской обл."),
    Region("50", "46", "Подольск", "Подольска", "Московской обл."),
    Region("66", "65", "Екатеринбург", "Екатеринбурга", "Свердловской обл."),
    Region("54", "50", "Новосибирск", "Новосибирска", "Новосибирской обл."),
    Region("16", "92", "Казань", "Казани", "Республике Татарстан"),
    Region("52", "22", "Нижний Новгород", "Нижнего Новгорода", "Нижегородской обл."),
    Region("61", "60", "Ростов-на-Дону", "Ростова-на-Дону", "Ростовской обл."),
    Region("63", "36", "Самара", "Самары", "Самарской обл."),
    Region("23", "03", "Краснодар", "Краснодара", "Краснодарскому краю"),
    Region("74", "75", "Челябинск", "Челябинска", "Челябинской обл."),
    Region("71", "70", "Тула", "Тулы", "Тульской обл."),
)

# Adjective stems of district names; endings -ом / -ого / -ому for the three cases used.
DISTRICTS = (
    "Ленинск", "Октябрьск", "Советск", "Кировск", "Центральн", "Заводск", "Приморск",
    "Калининск", "Фрунзенск", "Промышленн", "Железнодорожн", "Дзержинск", "Пролетарск",
)


@dataclass(frozen=True)
class Person:
    gender: str
    last: str
    first: str
    middle: str
    birth: date
    birth_place: str  # as printed, before case conventions


def birth_place(rng: random.Random, fk: Faker) -> str:
    region = rng.choice(REGIONS)
    kind = rng.random()
    if kind < 0.45:
        return f"{rng.choice(('г.', 'гор.'))} {region.city}"
    if kind < 0.8:
        return f"{rng.choice(('г.', 'гор.'))} {fk.city_name()}"
    settlement = rng.choice(("с.", "пос.", "дер."))
    return f"{settlement} {fk.city_name()}, {fk.region()}".replace("респ.", "Респ.")


def person(rng: random.Random) -> Person:
    fk = faker("ru_RU", rng)
    gender = rng.choice(("male", "female"))
    if gender == "male":
        names = fk.last_name_male(), fk.first_name_male(), fk.middle_name_male()
    else:
        names = fk.last_name_female(), fk.first_name_female(), fk.middle_name_female()
    birth = random_date(rng, date(1940, 1, 1), date(2005, 12, 31))
    return Person(gender, *names, birth, birth_place(rng, fk))


PERSON_LABELS = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "gender": "Пол",
    "birth_date": "Дата рождения",
    "birth_place": "Место рождения",
}


def person_fields(sp: Spelling, p: Person) -> tuple[dict[str, str], dict[str, str]]:
    """A person's fields (PERSON_LABELS' ids) as a document prints them, and as normalised
    ground truth: names in title case, dates ISO, the birth place as printed."""
    printed = {
        "last_name": sp.name(p.last),
        "first_name": sp.name(p.first),
        "middle_name": sp.name(p.middle),
        "gender": sp.gender(p.gender),
        "birth_date": sp.date(p.birth),
        "birth_place": sp.name(p.birth_place),
    }
    truth = {
        "last_name": title_name(printed["last_name"]),
        "first_name": title_name(printed["first_name"]),
        "middle_name": title_name(printed["middle_name"]),
        "gender": p.gender,
        "birth_date": p.birth.isoformat(),
        "birth_place": collapse(printed["birth_place"]),
    }
    return printed, truth


def issuing_authority(rng: random.Random, region: Region, issued: date) -> str:
    """Mixed-case name of a passport office, plausible for the issue date."""
    stem = rng.choice(DISTRICTS)
    if issued < date(2006, 1, 1):
        return rng.choice((
            f"ОВД {stem}ого района г. {region.city_gen}",
            f"{stem}им РОВД г. {region.city_gen}",
            f"Отделом внутренних дел {stem}ого района гор. {region.city_gen}",
        ))
    if issued < date(2016, 6, 1):
        return rng.choice((
            f"Отделом УФМС России по {region.dative} в {stem}ом районе гор. {region.city_gen}",
            f"Отделением УФМС России по {region.dative} в {stem}ом р-не",
            f"ТП № {rng.randint(1, 40)} отдела УФМС России по {region.dative} в {stem}ом районе",
        ))
    return rng.choice((
        f"ГУ МВД России по {region.dative}",
        f"УМВД России по {region.dative}",
        f"Отделом по вопросам миграции ОМВД России по {stem}ому району г. {region.city_gen}",
    ))


def division_code(rng: random.Random, region: Region) -> str:
    return f"{region.code}{rng.randint(0, 3)}-{rng.randint(1, 120):03d}"


def snils_number(rng: random.Random) -> str:
    body = f"{rng.randint(2_000_000, 999_999_999):09d}"
    return f"{body[:3]}-{body[3:6]}-{body[6:]} {snils_check(body)}"


def inn12(rng: random.Random, region: Region, office: int) -> str:
    body = f"{region.code}{office:02d}{rng.randint(0, 999_999):06d}"
    return body + inn12_checks(body)


def inn10(rng: random.Random, region: Region, office: int) -> str:
    body = f"{region.code}{office:02d}{rng.randint(0, 99_999):05d}"
    return body + inn10_check(body)


def kpp(inn: str, rng: random.Random) -> str:
    return f"{inn[:4]}{rng.choice(('01', '01', '01', '43', '02'))}{rng.randint(1, 9):03d}"


ORG_WORDS = (
    "Ромашка", "Вектор", "Альфа-Строй", "Меридиан", "Северный ветер", "ТехноСнаб", "Гранит",
    "Полюс", "Бумажный мир", "Светоч", "Интерком", "Стройресурс", "Агроторг", "Кристалл",
    "Сибирские ресурсы", "Фортуна", "Логистик-Центр", "Новые технологии",
)


def organisation(rng: random.Random) -> str:
    fk = faker("ru_RU", rng)
    base = rng.choice(ORG_WORDS) if rng.random() < 0.6 else f"{fk.last_name_male()} и партнеры"
    prefix = rng.choice(("ООО", "ООО", "АО", "ПАО", "ЗАО"))
    if rng.random() < 0.2:
        prefix = {"ООО": "Общество с ограниченной ответственностью", "АО": "Акционерное общество"}.get(prefix, prefix)
    return f"{prefix} «{base}»"


def ru_address(rng: random.Random) -> str:
    fk = faker("ru_RU", rng)
    region = rng.choice(REGIONS)
    return f"{fk.postcode()}, г. {region.city}, {fk.street_address()}"


def rub(amount_kop: int, style: str) -> str:
    """Money as printed in a Russian document: 118 000,00 / 118000,00 / 118 000-00."""
    rub_, kop = divmod(amount_kop, 100)
    whole = f"{rub_:,}".replace(",", " ") if style != "plain" else str(rub_)
    return f"{whole}-{kop:02d}" if style == "dash" else f"{whole},{kop:02d}"


def money(amount_cents: int) -> str:
    """Normalised money: 1234.56."""
    return f"{amount_cents // 100}.{amount_cents % 100:02d}"
