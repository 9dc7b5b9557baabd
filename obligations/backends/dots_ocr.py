"""dots.ocr: its prompts and the parser of its layout output.

With its layout prompt, dots.ocr answers with a JSON list of
``{"bbox": [x1, y1, x2, y2], "category": ..., "text": ...}`` in reading order, the
boxes in pixels of the image it was shown — the page after its "smart resize"
to sides divisible by 28 within a pixel budget. Text is Markdown, tables are HTML,
formulas LaTeX, and pictures have no text. `parse_layout` maps that back to `Word`s
in page pixels and never raises on what the model wrote.
"""

from __future__ import annotations

import math

from ..lenient_json import PartialDict, PartialList, json_candidates, strip_code_fences
from PIL import Image

from .base import Word
from .blocks import VLM_CONFIDENCE, clip_box, html_table_lines, markdown_lines, words_from_block
from .transformers_vlm import PageReader

__all__ = ["DOTS_LAYOUT_PROMPT", "DOTS_OCR_PROMPT", "DOTS_CATEGORIES", "parse_layout",
           "model_input_size"]

# Verbatim from the model's repository (prompt_layout_all_en): the model was trained on it.
DOTS_LAYOUT_PROMPT = """Please output the layout information from the PDF image, including each layout element's bbox, its category, and the corresponding text content within the bbox.

1. Bbox format: [x1, y1, x2, y2]

2. Layout Categories: The possible categories are ['Caption', 'Footnote', 'Formula', 'List-item', 'Page-footer', 'Page-header', 'Picture', 'Section-header', 'Table', 'Text', 'Title'].

3. Text Extraction & Formatting Rules:
    - Picture: For the 'Picture' category, the text field should be omitted.
    - Formula: Format its text as LaTeX.
    - Table: Format its text as HTML.
    - All Others (Text, Title, etc.): Format their text as Markdown.

4. Constraints:
    - The output text must be the original text from the image, with no translation.
    - All layout elements must be sorted according to human reading order.

5. Final Output: The entire output must be a single JSON object.
"""

# prompt_ocr: the page's text without layout (page headers and footers left out).
DOTS_OCR_PROMPT = "Extract the text content from this image."

DOTS_CATEGORIES = ("Caption", "Footnote", "Formula", "List-item", "Page-footer", "Page-header",
                   "Picture", "Section-header", "Table", "Text", "Title")

# The image processor's resize rule: sides multiples of 28, pixels within these bounds.
_FACTOR = 28
_MIN_PIXELS = 3136
_MAX_PIXELS = 11289600


def model_input_size(page_size: tuple[int, int], min_pixels: int = _MIN_PIXELS,
                     max_pixels: int = _MAX_PIXELS, factor: int = _FACTOR) -> tuple[int, int]:
    """(width, height) of the image dots.ocr sees for a page of `page_size`: each side rounded
    to a multiple of `factor`, scaled down (or up) keeping the aspect so that the area lies
    within [min_pixels, max_pixels]."""
    width, height = page_size
    w = max(factor, round(width / factor) * factor)
    h = max(factor, round(height / factor) * factor)
    if w * h > max_pixels:
        scale = math.sqrt(width * height / max_pixels)
        w = max(factor, math.floor(width / scale / factor) * factor)
        h = max(factor, math.floor(height / scale / factor) * factor)
    elif w * h < min_pixels:
        scale = math.sqrt(min_pixels / (width * height))
        w = math.ceil(width * scale / factor) * factor
        h = math.ceil(height * scale / factor) * factor
    return w, h


def parse_layout(text: str, page_size: tuple[int, int], input_size: tuple[int, int] | None = None,
                 conf: float = VLM_CONFIDENCE) -> list[Word]:
    """Words of dots.ocr's layout JSON, boxes scaled from `input_size` (the image the model saw;
    None: the page itself) to `page_size`, both (width, height).

    Elements without text (pictures), without a four-number bbox, or cut off by the end of
    the output are skipped; text that is no JSON at all gives [] (the caller warns).
    """
    width, height = page_size
    seen_w, seen_h = input_size or page_size
    scale_x, scale_y = width / max(seen_w, 1), height / max(seen_h, 1)
    words: list[Word] = []
    for index, element in enumerate(_elements(text or "")):
        box = _bbox(element.get("bbox"))
        lines = _element_lines(element)
        if box is None or not lines:
            continue
        x0, y0, x1, y1 = box
        page_box = clip_box((x0 * scale_x, y0 * scale_y, x1 * scale_x, y1 * scale_y), width, height)
        words += words_from_block("\n".join(lines), page_box, ("dots", index), conf)
    return words


def _elements(text: str) -> list[dict]:
    """The complete layout elements of the first JSON value that holds any."""
    for value in json_candidates(strip_code_fences(text)):
        if isinstance(value, dict):
            # one element on its own, or the list wrapped in an object
            value = [value] if "bbox" in value else next(
                (v for v in value.values() if isinstance(v, list)), [])
        elements = [e for e in value if isinstance(e, dict) and not isinstance(e, PartialDict)]
        if elements:
            return elements
    return []


def _bbox(value) -> tuple[float, float, float, float] | None:
    if not isinstance(value, list) or isinstance(value, PartialList):
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    if len(value) == 4:
        return tuple(value)  # type: ignore[return-value]
    if len(value) == 8:  # a quadrilateral: its bounding rectangle
        xs, ys = value[0::2], value[1::2]
        return min(xs), min(ys), max(xs), max(ys)
    return None


def _element_lines(element: dict) -> list[str]:
    text = element.get("text")
    category = str(element.get("category") or "Text").strip()
    if category == "Picture" or not isinstance(text, str) or not text.strip():
        return []
    if category == "Table":
        return html_table_lines(text) if "<" in text else markdown_lines(text)
    if category == "Formula":
        # LaTeX stays as written; only its display delimiters go
        return [" ".join(line.split()) for line in _strip_math_delimiters(text).splitlines() if line.strip()]
    return markdown_lines(text)


def _strip_math_delimiters(latex: str) -> str:
    latex = latex.strip()
    for opening, closing in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if latex.startswith(opening) and latex.endswith(closing) and len(latex) >= len(opening) + len(closing):
            return latex[len(opening) : len(latex) - len(closing)]
    return latex


# --------------------------------------------------------------------------- the model


class DotsReader(PageReader):
    """dots.ocr (remote code on a Qwen2-VL-style chat model) asked for the page layout as
    JSON; its element boxes, scaled from the image it saw to the page, become the words'."""

    service = "dots"

    def _auto_class(self):
        from transformers import AutoModelForCausalLM  # its remote code registers a causal LM

        return AutoModelForCausalLM

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        answer = self.chat(image, [DOTS_LAYOUT_PROMPT], max_new_tokens=8192, pixel_budget=None)[0]
        return parse_layout(answer.text, image.size, answer.input_size), 0
