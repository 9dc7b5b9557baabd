"""Asking a vision-language model for a document's fields, and checking its answers.

Any answerer serves: a local Qwen-family model or a remote server, as long as it has
`chat(image, prompts, system, max_new_tokens, pixel_budget) -> [Answer]`. Two modes:
`per-field` asks one question per field, all of a page's questions in one batched call;
`json` asks once for every field as one JSON object. An answer that fails its check
(check digits, script, calendar) is asked about once more with a corrective prompt; if the
second answer is no better, the first is reported with valid: false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from ..backends.base import Word
from ..doctypes import DocType, FieldSpec
from ..prompts import PromptCollection, corrective_prompt, field_prompt, json_prompt, load_system_prompt
from .answers import clean_field_answer, parse_json_answer
from .locate import Found, locate_answer

MODES = ("per-field", "json")
FIELD_ANSWER_TOKENS = 64
JSON_TOKENS_PER_FIELD = 48


class Answerer(Protocol):
    family: str

    def chat(self, image: Image.Image, prompts: list[str], system: str | None = None,
             max_new_tokens: int = 64, pixel_budget: int | None = None) -> list: ...


@dataclass
class Questions:
    """How to ask: the mode and where prompts come from (collection, system prompt file)."""

    mode: str = "per-field"
    collection: PromptCollection | None = None
    system_prompt_path: object = None  # Path | None


def ask_fields(model: Answerer, image: Image.Image, doctype: DocType, specs: list[FieldSpec], page: int,
               words: list[Word], questions: Questions) -> dict[str, Found]:
    """Every field in `specs` answered from one page image: normalised, validated, boxed
    (when OCR `words` of the page are given), invalid ones asked once more."""
    family = getattr(model, "family", "qwen")
    system = load_system_prompt(questions.system_prompt_path, doctype)
    prompts = {spec.id: field_prompt(doctype, spec, family, questions.collection) for spec in specs}
    if questions.mode == "json":
        # A server that constrains its output to a schema (vLLM, SGLang) is given the fields'.
        shape = {"response_format": answer_schema(doctype, specs)} if hasattr(model, "structured_output") else {}
        answer = model.chat(image, [json_prompt(doctype, specs, family)], system,
                            JSON_TOKENS_PER_FIELD * len(specs) + 32, doctype.pixel_budget, **shape)[0]
        values = parse_json_answer(answer.text, [s.id for s in specs])
        raw = {spec.id: (values.get(spec.id), answer.confidence) for spec in specs}
    else:
        answers = model.chat(image, [prompts[s.id] for s in specs], system, FIELD_ANSWER_TOKENS, doctype.pixel_budget)
        raw = {spec.id: (clean_field_answer(a.text), a.confidence) for spec, a in zip(specs, answers)}
    found = {spec.id: locate_answer(spec, *raw[spec.id], page, words) for spec in specs}

    invalid = [spec for spec in specs if found[spec.id].value is not None and not found[spec.id].valid]
    if invalid:
        again = model.chat(
            image,
            [corrective_prompt(spec, found[spec.id].raw or "", _problem(found[spec.id]), prompts[spec.id])
             for spec in invalid],
            system, FIELD_ANSWER_TOKENS, doctype.pixel_budget)
        for spec, answer in zip(invalid, again):
            second = locate_answer(spec, clean_field_answer(answer.text), answer.confidence, page, words)
            if second.value is not None and second.valid:
                found[spec.id] = second
    return found


def answer_schema(doctype: DocType, specs: list[FieldSpec]) -> dict:
    """OpenAI's response_format for a JSON answer: every field asked, a string or null."""
    properties = {spec.id: {"type": ["string", "null"]} for spec in specs}
    return {"type": "json_schema", "json_schema": {
        "name": doctype.id, "strict": True,
        "schema": {"type": "object", "properties": properties, "required": list(properties),
                   "additionalProperties": False}}}


def _problem(found: Found) -> str:
    warning = found.warning or "the value failed its check"
    return warning.split(": ", 1)[-1]
