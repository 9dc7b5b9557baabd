"""GLM-OCR (zai-org/GLM-OCR, native `glm_ocr` in transformers): its prompts and its reader.

The model card documents two kinds of prompt and no others: document parsing, one of
"Text Recognition:", "Table Recognition:", "Formula Recognition:" (the page or a region as
Markdown, tables as HTML, formulas as LaTeX, no boxes); and information extraction, a fixed
Chinese instruction followed by an empty JSON template whose keys the model fills in. Here it
reads pages as a reader (text for the field locator) by default, and with `--mode json` answers
a document's fields in one information-extraction answer (`kie_prompt`, `parse_kie`).
"""

from __future__ import annotations

import json

from ..lenient_json import json_candidates, strip_code_fences
from .transformers_vlm import ChatModel, PromptedPageReader

__all__ = ["GLM_TEXT_PROMPT", "GLM_TABLE_PROMPT", "GLM_FORMULA_PROMPT", "GLM_KIE_INSTRUCTION", "GlmOcrAnswerer",
           "GlmOcrReader", "kie_prompt", "parse_kie"]

GLM_TEXT_PROMPT = "Text Recognition:"
GLM_TABLE_PROMPT = "Table Recognition:"
GLM_FORMULA_PROMPT = "Formula Recognition:"
# "Output the information in the image in the following JSON format:" - the card's wording,
# which the model was trained on; the template follows on the next line.
GLM_KIE_INSTRUCTION = "请按下列JSON格式输出图中信息:"


class GlmOcrReader(PromptedPageReader):
    """GLM-OCR asked for the page's text (Markdown); lines laid over the page for the locator."""

    service = "glm_ocr"
    prompt = GLM_TEXT_PROMPT


class GlmOcrAnswerer(ChatModel):
    """GLM-OCR asked a document's fields in one answer, with its card's information-extraction
    prompt (`--mode json`): the pipeline asks it as it asks the Qwen family (fields.asking), the
    prompt being `kie_prompt` (prompts.json_prompt gives it for the glm-ocr family)."""

    service = "glm_ocr"


def kie_prompt(fields: list[str]) -> str:
    """The information-extraction prompt for `fields`: the instruction, then a JSON object with
    every field's key and an empty value, indented as in the card."""
    return GLM_KIE_INSTRUCTION + "\n" + json.dumps({name: "" for name in fields}, ensure_ascii=False, indent=4)


def parse_kie(text: str, fields: list[str]) -> dict[str, str | None]:
    """Each asked field's value from an information-extraction answer (None: absent, empty or
    not a string/number); keys the prompt did not ask are dropped. A cut-off answer keeps the
    values it finished; an answer that is no JSON gives None for all."""
    values: dict[str, str | None] = {name: None for name in fields}
    for candidate in json_candidates(strip_code_fences(text or ""), numbers_as_text=True):
        if not isinstance(candidate, dict):
            continue
        for name in fields:  # a cut-off object (PartialDict) holds only its finished members
            value = candidate.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                values[name] = value.strip()
        break
    return values
