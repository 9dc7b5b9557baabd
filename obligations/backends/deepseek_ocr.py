"""DeepSeek-OCR: its prompt and the parser of its grounding output.

Asked with `<|grounding|>`, DeepSeek-OCR writes a sequence of items
``<|ref|>LABEL<|/ref|><|det|>[[x0, y0, x1, y1], ...]<|/det|>`` with coordinates on a
0..999 grid of the image (its own scripts map them to pixels as ``v / 999 * size``).
Converting a document to Markdown, LABEL is a layout category (text, title, table,
image, ...) and the region's Markdown/HTML follows up to the next ``<|ref|>``; in
locate/line-OCR mode LABEL is the text itself and nothing follows. The parser turns
either into `Word`s in page pixels and never raises on what the model wrote.
"""

from __future__ import annotations

import re
import tempfile

from PIL import Image

from .base import Box, Word
from .blocks import VLM_CONFIDENCE, clip_box, markdown_lines, words_from_block
from .loading import load_kwargs, place
from .transformers_vlm import PageReader

__all__ = ["DEEPSEEK_DOCUMENT_PROMPT", "DEEPSEEK_OCR_PROMPT", "DEEPSEEK_FREE_OCR_PROMPT",
           "GRID_MAX", "parse_grounding"]

# The prompts the model card documents: a document to Markdown with boxes, any image
# line by line with boxes, and plain text without layout.
DEEPSEEK_DOCUMENT_PROMPT = "<image>\n<|grounding|>Convert the document to markdown."
DEEPSEEK_OCR_PROMPT = "<image>\n<|grounding|>OCR this image."
DEEPSEEK_FREE_OCR_PROMPT = "<image>\nFree OCR."

GRID_MAX = 999  # coordinates run 0..999 over the image's width and height

# Layout categories of the Markdown mode. A LABEL of this shape with text after it is a
# category even if not listed; a LABEL outside it with nothing after it is located text.
_CATEGORIES = {
    "text", "title", "sub_title", "table", "table_caption", "table_footnote", "image",
    "image_caption", "figure", "figure_caption", "equation", "formula", "header", "footer",
    "page_header", "page_footer", "page_number", "footnote", "list", "list_item", "code",
    "caption", "reference",
}
_CATEGORY_SHAPE = re.compile(r"[a-z]+(?:_[a-z]+)*")
# Neither part may run into another special token: an item the output was cut inside
# must not swallow the next one.
_ITEM = re.compile(r"<\|ref\|>((?:(?!<\|).)*?)<\|/ref\|>\s*<\|det\|>((?:(?!<\|).)*?)<\|/det\|>", re.S)
_BOX = re.compile(r"\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]")
# End-of-sentence in both the tokenizer's full-width spelling and an ASCII one, and prompt
# tokens a decoder may echo.
_SPECIAL = re.compile(r"<[|｜]\s*end[▁_ ]of[▁_ ]sentence\s*[|｜]>|<[|｜]\s*(?:begin[▁_ ]of[▁_ ]sentence|grounding)\s*[|｜]>|<image>")


def parse_grounding(text: str, width: int, height: int, conf: float = VLM_CONFIDENCE) -> list[Word]:
    """Words of DeepSeek-OCR's grounding output, boxes in pixels of a `width` x `height` page.

    Several boxes after one ref share its lines in order; image regions without text, items
    the output was cut inside and boxes that are not four numbers are skipped. Text before
    the first ref (or an output with no refs at all) is placed above the first region
    (or over the whole page), since it was read there first.
    """
    text = _SPECIAL.sub("", text or "")
    items = list(_ITEM.finditer(text))
    words: list[Word] = []
    first_top: int | None = None  # where the first located region starts
    for index, item in enumerate(items):
        label = item[1].strip()
        boxes = [_to_pixels(b, width, height) for b in _BOX.findall(item[2])]
        if not boxes:
            continue
        if first_top is None:
            first_top = boxes[0][1]
        follows_end = items[index + 1].start() if index + 1 < len(items) else len(text)
        content = _before_cut(text[item.end() : follows_end])
        if _is_category(label, content):
            per_box = _share_lines(markdown_lines(content), boxes)
        else:  # located text: every box is one place it was found
            lines = markdown_lines("\n".join(part for part in (label, content) if part.strip()))
            per_box = [lines] * len(boxes)
        for box_index, (box, box_lines) in enumerate(zip(boxes, per_box)):
            words += words_from_block("\n".join(box_lines), box, ("deepseek", index, box_index), conf)
    head_lines = markdown_lines(_before_cut(text[: items[0].start()] if items else text))
    head_bottom = height if first_top is None else first_top
    if head_lines and head_bottom > 0:
        head = words_from_block("\n".join(head_lines), (0, 0, width, head_bottom), ("deepseek", "head"), conf)
        words = head + words
    return words


_STRAY_DET = re.compile(r"<\|det\|>.*?(?:<\|/det\|>|\Z)", re.S)
_STRAY_TOKEN = re.compile(r"<\|/?[a-z_]+\|>")


def _before_cut(content: str) -> str:
    """Content up to a ref the output was cut inside (an unclosed <|ref|> or <|det|>), without
    stray boxes or tokens that belong to no complete item."""
    cut = content.find("<|ref|>")
    content = content if cut < 0 else content[:cut]
    return _STRAY_TOKEN.sub(" ", _STRAY_DET.sub(" ", content))


def _is_category(label: str, content: str) -> bool:
    if label in _CATEGORIES:
        return True
    return bool(_CATEGORY_SHAPE.fullmatch(label)) and bool(content.strip())


def _to_pixels(grid_box: tuple[str, str, str, str], width: int, height: int) -> Box:
    x0, y0, x1, y1 = (min(max(float(v), 0.0), GRID_MAX) for v in grid_box)
    return clip_box((x0 / GRID_MAX * width, y0 / GRID_MAX * height, x1 / GRID_MAX * width,
                     y1 / GRID_MAX * height), width, height)


def _share_lines(lines: list[str], boxes: list[Box]) -> list[list[str]]:
    """A region's lines split over its boxes in reading order, in proportion to the boxes'
    heights; with fewer lines than boxes, all lines go to the first box."""
    if len(boxes) == 1 or len(lines) < len(boxes):
        return [lines] + [[] for _ in boxes[1:]]
    heights = [max(b[3] - b[1], 1) for b in boxes]
    total = sum(heights)
    shares, start, above = [], 0, 0
    for i, h in enumerate(heights):
        above += h
        # every box keeps at least one line, and leaves one for each box after it
        end = len(lines) if i == len(boxes) - 1 else round(len(lines) * above / total)
        end = min(max(end, start + 1), len(lines) - (len(boxes) - 1 - i))
        shares.append(lines[start:end])
        start = end
    return shares


# --------------------------------------------------------------------------- the model


class DeepSeekReader(PageReader):
    """DeepSeek-OCR through its own remote code (`model.infer`), asked for the grounded
    markdown of the page; its boxes become the words' boxes. Needs flash-attn (the catalog
    says so, and selection refuses it without)."""

    service = "deepseek"

    def _load_processor(self, path: str):
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(path, trust_remote_code=True)

    def _load_model(self, path: str):
        from transformers import AutoModel

        kwargs = load_kwargs(self.request)
        kwargs["_attn_implementation"] = kwargs.pop("attn_implementation")
        return place(AutoModel.from_pretrained(path, use_safetensors=True, **kwargs), self.request, kwargs)

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        self.load()
        with tempfile.TemporaryDirectory(prefix="deepseek-ocr-") as tmp:
            path = f"{tmp}/page.png"
            image.convert("RGB").save(path)
            # eval_mode returns the raw text instead of printing it; the sizes are the model
            # card's "Gundam" setting (1024 global view, 640 crops) for dense documents.
            text = self._model.infer(self._processor, prompt=DEEPSEEK_DOCUMENT_PROMPT, image_file=path, output_path=tmp,
                                     base_size=1024, image_size=640, crop_mode=True, save_results=False,
                                     eval_mode=True)
        return parse_grounding(text or "", image.width, image.height), 0
