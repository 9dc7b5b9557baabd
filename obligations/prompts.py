"""What the vision-language backends ask: system prompts, per-field prompts, one prompt for all
fields as JSON, a second try after a failed check, and VLMHyperBench prompt collections.

A prompt collection is VLMHyperBench's CSV (``prompt;doc_class_question_type;cer``): the key
is "<doc class> <question type>", e.g. "passport Серия и номер паспорта", with Russian
question types and the benchmark's doc classes. Those are read as aliases of this project's
doc type and field ids, so a collection tuned there applies here unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .errors import UsageError

__all__ = [
    "PromptEntry", "PromptCollection", "DEFAULT_SYSTEM_PROMPT", "load_system_prompt", "field_prompt",
    "json_prompt", "corrective_prompt",
]

DEFAULT_SYSTEM_PROMPT = (
    "Ты извлекаешь значения полей из скана документа. Отвечай только значением, как оно напечатано, "
    "без пояснений. / You extract field values from a scanned document. Answer with the value only, "
    "as printed, without explanations."
)

COLUMNS = ("prompt", "doc_class_question_type", "cer")


def _fold(name: str) -> str:
    """Case, ё/е, and spaces/underscores/hyphens between words do not matter in names."""
    name = name.lower().replace("ё", "е")
    return " ".join(re.sub(r"[_\-\s]+", " ", name).strip(" .:;,*\"'«»").split())


# VLMHyperBench's doc classes (and Russian names) for this project's doc type ids.
_DOC_CLASS_ALIASES = {
    "snils": ("снилс", "страховое свидетельство", "snils card"),
    "inn": ("инн", "свидетельство инн", "inn certificate"),
    "passport": ("паспорт", "паспорт рф", "passport hd", "passport rf", "passport rus"),
    "invoice": ("счет фактура", "счет фактуры", "счета фактуры", "invoice hd", "сф"),
    "receipt": ("чек", "кассовый чек", "sroie"),
}

# Question types (the benchmark's Russian ones first) for each doc type's field ids.
_NAME_QUESTIONS = {
    "last_name": ("фамилия",),
    "first_name": ("имя",),
    "middle_name": ("отчество",),
    "birth_date": ("дата рождения",),
    "birth_place": ("место рождения", "полное место рождения"),
    "gender": ("пол",),
}
_QUESTION_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "snils": {
        **_NAME_QUESTIONS,
        "number": ("номер снилс", "снилс", "страховой номер", "номер страхового свидетельства", "номер"),
        "registration_date": ("дата регистрации",),
    },
    "inn": {
        **_NAME_QUESTIONS,
        "inn": ("инн", "номер инн", "идентификационный номер налогоплательщика"),
        "issue_date": ("дата выдачи", "дата постановки на учет", "дата выдачи свидетельства"),
    },
    "passport": {
        **_NAME_QUESTIONS,
        "series_number": ("серия и номер паспорта", "серия и номер", "полный номер паспорта", "номер паспорта"),
        "issued_by": ("кем выдан", "паспорт выдан", "полное место выдачи", "место выдачи"),
        "issue_date": ("дата выдачи",),
        "division_code": ("код подразделения", "номер подразделения"),
    },
    "invoice": {
        "number": ("номер счет фактуры", "номер счета фактуры", "номер"),
        "date": ("дата счет фактуры", "дата счета фактуры", "дата"),
        "seller_name": ("продавец", "наименование продавца"),
        "seller_inn": ("инн продавца",),
        "seller_kpp": ("кпп продавца",),
        "buyer_name": ("покупатель", "наименование покупателя"),
        "buyer_inn": ("инн покупателя",),
        "buyer_kpp": ("кпп покупателя",),
        "total": ("всего к оплате", "итого", "сумма", "итоговая сумма", "сумма к оплате"),
    },
    "receipt": {
        "company": ("компания", "организация", "продавец", "company name"),
        "address": ("адрес",),
        "date": ("дата",),
        "total": ("итого", "сумма", "total amount"),
    },
}


@dataclass(frozen=True)
class PromptEntry:
    prompt: str
    doc_class: str  # as written in the collection ("passport", "passport_HD", "СНИЛС")
    question_type: str  # as written ("Серия и номер паспорта", "last_name")
    cer: float | None = None  # the character error rate the prompt reached, when measured

    @property
    def key(self) -> str:
        return f"{self.doc_class} {self.question_type}"


class PromptCollection:
    """Prompts by doc class and question type, as VLMHyperBench keeps them."""

    def __init__(self, entries: Iterable[PromptEntry] = ()):
        self.entries = list(entries)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, path: Path | str) -> PromptCollection:
        """Read a collection CSV (UTF-8 with or without BOM, `;` or `,` between columns)."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"prompt collection {path}: {exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1251")  # what Excel writes on a Russian Windows
        header = text.lstrip().split("\n", 1)[0]
        delimiter = ";" if header.count(";") >= header.count(",") else ","
        rows = list(csv.reader(io.StringIO(text.lstrip()), delimiter=delimiter))
        if not rows:
            raise UsageError(f"prompt collection {path}: the file is empty")
        columns = [c.strip().lower() for c in rows[0]]
        return cls(cls._entries(path, columns, rows[1:]))

    @staticmethod
    def _entries(path: Path, columns: list[str], rows: list[list[str]]) -> list[PromptEntry]:
        joined = "doc_class_question_type" in columns
        split = "doc_class" in columns and "question_type" in columns
        if "prompt" not in columns or not (joined or split):
            raise UsageError(
                f"prompt collection {path}: needs columns prompt;doc_class_question_type[;cer], "
                f"found {';'.join(columns) or 'none'}"
            )
        at = {name: i for i, name in reversed(list(enumerate(columns)))}
        entries = []
        for row in rows:
            cell = {name: row[i].strip() if i < len(row) else "" for name, i in at.items()}
            if not cell["prompt"]:
                continue
            if joined:
                doc_class, question_type = _split_key(cell["doc_class_question_type"])
            else:
                doc_class, question_type = cell["doc_class"], cell["question_type"]
            if doc_class and question_type:
                entries.append(PromptEntry(cell["prompt"], doc_class, question_type, _cer(cell.get("cer", ""))))
        return entries

    def write(self, path: Path | str) -> None:
        """Write in VLMHyperBench's format: UTF-8 with BOM, `;` between columns."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, delimiter=";", lineterminator="\n")
            writer.writerow(COLUMNS)
            for entry in self.entries:
                writer.writerow([entry.prompt, entry.key, "" if entry.cer is None else repr(entry.cer)])

    def get(self, doc_type: str, field_id: str, labels: Sequence[str] = ()) -> str | None:
        """The prompt for `field_id` of `doc_type`: an entry keyed by the ids themselves first,
        then by the benchmark's names for them, then by the field's printed `labels`; among
        equals, the lowest cer, then the earliest. None when the collection has none."""
        doc_names = _doc_names(doc_type)
        # rank 0: the id itself, 1: the benchmark's name for it, 2: one of its printed labels
        ranks = {_fold(label): 2 for label in labels}
        ranks.update({_fold(n): 1 for n in _QUESTION_ALIASES.get(doc_type, {}).get(field_id, ())})
        ranks[_fold(field_id)] = 0
        matches = []
        for order, entry in enumerate(self.entries):
            rank = ranks.get(_fold(entry.question_type))
            if rank is not None and _fold(entry.doc_class) in doc_names:
                cer = entry.cer if entry.cer is not None else float("inf")
                matches.append((rank, cer, order, entry.prompt))
        return min(matches)[3] if matches else None


def _doc_names(doc_type: str) -> set[str]:
    return {_fold(doc_type), *(_fold(a) for a in _DOC_CLASS_ALIASES.get(doc_type, ()))}


_KNOWN_DOC_CLASSES = {_fold(n) for doc_type, aliases in _DOC_CLASS_ALIASES.items() for n in (doc_type, *aliases)}


def _split_key(key: str) -> tuple[str, str]:
    """'passport Серия и номер паспорта' -> ('passport', 'Серия и номер паспорта'); a doc class
    of several words ('Счет фактура Продавец') is recognised when it is a known one."""
    parts = key.split()
    for cut in range(len(parts) - 1, 1, -1):  # the longest known class first
        if _fold(" ".join(parts[:cut])) in _KNOWN_DOC_CLASSES:
            return " ".join(parts[:cut]), " ".join(parts[cut:])
    return (parts[0], " ".join(parts[1:])) if parts else ("", "")


def _cer(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text else None
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Prompts
# --------------------------------------------------------------------------


def load_system_prompt(path: Path | None, doctype=None) -> str:
    """The system prompt: the file's text when given, else the doc type's `prompts.system`,
    else a default in Russian and English."""
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"system prompt {path}: {getattr(exc, 'strerror', None) or exc}") from None
        if not text:
            raise UsageError(f"system prompt {path}: the file is empty")
        return text
    system = (getattr(doctype, "prompts", None) or {}).get("system")
    return system.strip() if isinstance(system, str) and system.strip() else DEFAULT_SYSTEM_PROMPT


def field_prompt(doctype, field_spec, family: str, collection: PromptCollection | None = None) -> str:
    """The question for one field: from the collection, else the field's prompt for this model
    family, else its prompt for any family, else its question, else one built from its label."""
    if collection is not None:
        found = collection.get(doctype.id, field_spec.id, field_spec.labels)
        if found:
            return found
    prompts = {k: v for k, v in (field_spec.prompts or {}).items() if isinstance(v, str) and v.strip()}
    if family in prompts:
        return prompts[family].strip()
    if prompts:
        return next(iter(prompts.values())).strip()
    if field_spec.question.strip():
        return field_spec.question.strip()
    return _generic_prompt(field_spec, _is_russian(doctype))


def _label(field_spec) -> str | None:
    """The field's first label that is a word ("Страховой номер", not "№")."""
    return next((label for label in field_spec.labels if sum(ch.isalpha() for ch in label) >= 3), None)


def _generic_prompt(field_spec, russian: bool) -> str:
    label = _label(field_spec)
    if russian:
        quoted = f" «{label}»" if label else ""
        return f"Выпиши значение поля {field_spec.id}{quoted} так, как оно напечатано."
    quoted = f' "{label}"' if label else ""
    return f"Write the value of the field {field_spec.id.replace('_', ' ')}{quoted} exactly as printed."


def _is_russian(doctype) -> bool:
    """Whether a doc type speaks Russian: its title, system prompt or field prompts are Cyrillic."""
    texts = [getattr(doctype, "title", ""), str((getattr(doctype, "prompts", None) or {}).get("system", ""))]
    for spec in getattr(doctype, "fields", ()):
        texts += [spec.question, *map(str, (spec.prompts or {}).values())]
    text = " ".join(texts)
    cyrillic = len(re.findall(r"[А-Яа-яЁё]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return cyrillic >= latin if cyrillic + latin else True


def json_prompt(doctype, field_specs: Sequence, family: str, collection: PromptCollection | None = None) -> str:
    """One prompt asking for all `field_specs` as a single JSON object with exactly their ids
    as keys, null for a field not on the document, each key explained by its label and prompt.
    GLM-OCR is trained on one form of it: its card's instruction and an empty JSON template."""
    if family == "glm-ocr":
        from .backends.glm_ocr import kie_prompt

        return kie_prompt([spec.id for spec in field_specs])
    russian = _is_russian(doctype)
    keys = ", ".join(f'"{spec.id}"' for spec in field_specs)
    lines = []
    for spec in field_specs:
        label = f" ({_label(spec)})" if _label(spec) else ""
        what = field_prompt(doctype, spec, family, collection)
        if spec.normalize == "date" and not re.search(r"ДД|DD|YYYY|ГГГГ", what):
            what += " (ДД.ММ.ГГГГ)" if russian else " (DD.MM.YYYY)"
        lines.append(f'- "{spec.id}"{label}: {what}')
    title = getattr(doctype, "title", doctype.id)
    if russian:
        head = (f"Прочитай документ «{title}» и верни один JSON-объект ровно с ключами {keys}.\n"
                "Что означает каждый ключ:")
        tail = ("Значения пиши строками так, как они напечатаны в документе (даты — как напечатаны, "
                "например ДД.ММ.ГГГГ). Если поля нет в документе или его не прочесть, ставь null. "
                "Ответь только JSON-объектом, без пояснений.")
    else:
        head = (f"Read the document \"{title}\" and return one JSON object with exactly the keys {keys}.\n"
                "What each key means:")
        tail = ("Write values as strings, as printed on the document. If a field is not on the document "
                "or cannot be read, use null. Answer with the JSON object only, without explanations.")
    return "\n".join([head, *lines, tail])


def corrective_prompt(field_spec, bad_value: str, problem: str, base_prompt: str) -> str:
    """`base_prompt` asked once more: the previous answer and why it failed its check, and a
    request to read the field again, character by character."""
    problem = problem.strip().rstrip(".")
    label = _label(field_spec) or field_spec.id
    if _is_cyrillic(base_prompt):
        return (f"{base_prompt.strip()}\n"
                f"Предыдущий ответ для поля «{label}» был «{bad_value}», и он не прошёл проверку: {problem}. "
                "Внимательно перечитай это поле на изображении, символ за символом, и ответь ещё раз "
                "только значением. Если поля на документе нет, ответь: нет.")
    return (f"{base_prompt.strip()}\n"
            f"The previous answer for the field \"{label}\" was \"{bad_value}\" and it failed its check: "
            f"{problem}. Read this field on the image again carefully, character by character, and answer "
            "with the value only. If the field is not on the document, answer: none.")


def _is_cyrillic(text: str) -> bool:
    return len(re.findall(r"[А-Яа-яЁё]", text)) >= len(re.findall(r"[A-Za-z]", text))
