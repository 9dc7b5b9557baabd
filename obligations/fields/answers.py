"""Field values out of what a chat model answered.

A Qwen-family model asked for all fields at once answers with a JSON object,
more or less: fenced, wrapped in prose, in Python syntax, nested, or cut off.
Asked for one field, it answers with the value, more or less: after "Ответ:",
in quotes, with a full stop. These functions take the value out and turn the
ways of saying "not there" into None; normalising and validating the value is
left to `normalize`/`validate`.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..lenient_json import json_candidates, strip_code_fences

__all__ = ["ABSENT_ANSWERS", "is_absent", "parse_json_answer", "clean_field_answer"]

# Answers that say the field is not on the document (compared lower-cased, ё as е,
# without surrounding punctuation).
ABSENT_ANSWERS = frozenset({
    "", "null", "none", "nil", "n/a", "na", "n.a", "-", "—", "–", "--", "?", "unknown",
    "not found", "not available", "not specified", "not present", "not visible", "missing", "empty",
    "нет", "не указано", "не указан", "не указана", "не указаны", "отсутствует", "отсутствуют",
    "не найдено", "не найден", "не найдена", "нет данных", "неизвестно", "не видно", "пусто",
})

_THINKING = re.compile(r"<think>.*?(?:</think>|\Z)", re.S | re.I)
_CHAT_TOKENS = re.compile(r"<\|(?:im_start|im_end|endoftext|end)\|>|</?s>")


def is_absent(value: str) -> bool:
    """Whether an answer means the field is absent ("нет", "N/A", "null", "-", ...)."""
    folded = value.lower().replace("ё", "е").strip()
    folded = " ".join(folded.strip(" .,;:!\"'`«»“”()[]").split())
    # a lone mark such as "?" or "…" says nothing either
    return folded in ABSENT_ANSWERS or (len(folded) <= 3 and not any(ch.isalnum() for ch in folded))


def _compact_key(key: str) -> str:
    """'Last Name', 'last-name', 'LAST_NAME' and 'lastName' all read as 'lastname'."""
    return re.sub(r"[\W_]+", "", key.lower())


def parse_json_answer(text: str, field_ids: Sequence[str]) -> dict[str, str | None]:
    """Each of `field_ids` mapped to its value in a model's JSON answer (None when missing
    or absent). Never raises: an answer with no usable JSON gives all None."""
    wanted = {_compact_key(fid): fid for fid in field_ids}
    result: dict[str, str | None] = {fid: None for fid in field_ids}
    body = _CHAT_TOKENS.sub(" ", _THINKING.sub(" ", text or ""))
    best: dict[str, Any] = {}
    for source in dict.fromkeys((strip_code_fences(body), body)):  # a fence first, else the whole text
        for candidate in json_candidates(source, numbers_as_text=True):
            found = _fields_object(candidate, wanted)
            if _score(found, wanted) > _score(best, wanted):
                best = found
        if best:
            break
    if not best:
        best = _key_value_lines(body, wanted)
    for key, value in best.items():
        fid = wanted.get(_compact_key(str(key)))
        if fid is not None and result[fid] is None:
            result[fid] = _as_text(value)
    return result


def _score(obj: dict, wanted: dict[str, str]) -> int:
    return sum(_compact_key(str(k)) in wanted for k in obj)


def _fields_object(value: Any, wanted: dict[str, str], depth: int = 0) -> dict:
    """The object, at any depth, that holds the most requested keys ({"fields": {...}},
    [{...}], {"document": {"fields": {...}}})."""
    if depth > 5:
        return {}
    best: dict = value if isinstance(value, dict) else {}
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        if isinstance(child, (dict, list)):
            found = _fields_object(child, wanted, depth + 1)
            if _score(found, wanted) > _score(best, wanted):
                best = found
    return best


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # {"value": "...", "bbox": [...]}
        inner = next((value[k] for k in value if _compact_key(str(k)) in ("value", "text", "answer")), None)
        return _as_text(inner) if not isinstance(inner, dict) else None
    if isinstance(value, list):
        parts = [p for p in (_as_text(v) for v in value if not isinstance(v, (dict, list))) if p]
        value = " ".join(parts)
    text = " ".join(str(value).split())
    return None if is_absent(text) else text


_KEY_VALUE = re.compile(r"^\s*[-*•]?\s*[\"'`*]*([\w\- ]{1,40}?)[\"'`*]*\s*[:=]\s*(.*?)\s*,?\s*$")


def _key_value_lines(text: str, wanted: dict[str, str]) -> dict[str, str]:
    """Pairs from 'key: value' lines, for an answer that skipped the braces."""
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        match = _KEY_VALUE.match(line)
        if match and _compact_key(match[1]) in wanted:
            pairs.setdefault(match[1], match[2].strip("\"'`"))
    return pairs


# --------------------------------------------------------------------------
# One field's answer
# --------------------------------------------------------------------------

_LEADIN_WORDS = (r"(?:ответ(?:\s+модели)?|answer|final answer|assistant|ассистент|output|result|результат|"
                 r"значение(?:\s+поля)?|value)")
# A lead-in needs its colon or dash (or the line to itself): "Result Ltd" is a company.
_LEADINS = re.compile(rf"^(?:{_LEADIN_WORDS}\s*(?:[:：]|[-—](?=\s)|$)|the answer is\b:?)\s*", re.I)
# A short label before a colon ("Фамилия:", "Дата рождения:"): letters only, up to four words.
_LABEL_PREFIX = re.compile(r"^[^\W\d_][^\W\d_.\-]*(?:[ \-][^\W\d_]+\.?){0,3}\s*[:：]\s+(?=\S)")
_WRAPPING_QUOTES = ("\"\"", "''", "``", "“”", "„“", "‘’", "«»")
_ABBREVIATIONS = frozenset({
    "муж", "жен", "м", "ж", "г", "гор", "обл", "ул", "д", "кв", "корп", "стр", "пос", "пгт", "с",
    "ст", "дер", "р-н", "р-на", "респ", "им", "пр", "пр-т", "пер", "наб", "ш", "б-р", "мкр", "тер",
    "о", "оф", "пом", "тел", "руб", "коп", "шт", "см", "т", "п", "гр", "тд", "тп", "ооо",
    "янв", "фев", "февр", "мар", "апр", "июн", "июл", "авг", "сен", "сент", "окт", "ноя", "нояб",
    "дек", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "ltd", "inc", "co", "corp", "st", "rd", "ave", "no", "jr", "sr", "bhd", "sdn", "dr", "mr", "mrs",
})
_DATE_OR_NUMBER = re.compile(r"[\d.,/\-]*\d")


def clean_field_answer(text: str, field_names: Sequence[str] = ()) -> str | None:
    """The value in a model's answer about one field, or None when it says there is none.

    Strips thinking, code fences, "Ответ:"/"Answer:" and a field name before a colon (any of
    `field_names`, or a short label), surrounding quotes and backticks, bold marks and a
    final full stop that ends no abbreviation ("муж.", "И.И."); keeps the first line left.
    """
    body = _CHAT_TOKENS.sub(" ", _THINKING.sub(" ", text or ""))
    body = strip_code_fences(body)
    names = sorted((n for n in field_names if n), key=len, reverse=True)
    for line in body.splitlines():
        value = _clean_line(line, names)
        if value:
            return None if is_absent(value) else value
    return None


def _clean_line(line: str, names: Sequence[str]) -> str:
    value = " ".join(line.replace("**", "").split())
    for _ in range(3):  # "Ответ: Фамилия: «Иванов»" peels in layers
        before = value
        value = _LEADINS.sub("", value)
        for name in names:
            if value.lower().startswith(name.lower()) and value[len(name):].lstrip()[:1] in (":", "："):
                value = value[len(name):].lstrip()[1:].lstrip()
                break
        else:
            value = _LABEL_PREFIX.sub("", value)
        value = value.strip()
        if value.endswith(".") and _unquote(value[:-1]) != value[:-1]:  # '"Иванов".'
            value = value[:-1]
        value = _unquote(value)
        if value == before:
            break
    return _drop_final_stop(value)


def _unquote(value: str) -> str:
    while len(value) >= 2:
        pair = next((q for q in _WRAPPING_QUOTES if value[0] == q[0] and value[-1] == q[1]), None)
        if pair is None or pair[0] in value[1:-1] or pair[1] in value[1:-1]:
            break  # «Ромашка» и «Лютик»: the marks belong to the names
        value = value[1:-1].strip()
    return value


def _drop_final_stop(value: str) -> str:
    if not value.endswith(".") or value.endswith(".."):
        return value
    last = value[:-1].split()[-1] if value[:-1].split() else ""
    if _DATE_OR_NUMBER.fullmatch(last):  # "12.03.2001." / "1234.50.": the stop ends the sentence
        return value[:-1]
    word = last.lower().lstrip("(«\"'")
    if word in _ABBREVIATIONS or "." in word or (len(word) == 1 and word.isalpha()):
        return value  # "муж.", "гор.", "И.И.", "т.д.", an initial
    return value[:-1]
