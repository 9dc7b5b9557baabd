"""PaddleOCR-VL (PaddlePaddle/PaddleOCR-VL, native `paddleocr_vl` in transformers): its prompts
and its reader.

The model recognises one element at a time, named by its prompt: "OCR:" (text),
"Table Recognition:", "Formula Recognition:", "Chart Recognition:". Page-level parsing with
boxes is the job of PaddleOCR's own layout detector (PP-DocLayout), which is not a
transformers model; through transformers the whole page is read as one text element, which
gives its text without boxes.
"""

from __future__ import annotations

from .transformers_vlm import PromptedPageReader

__all__ = ["PADDLE_OCR_PROMPT", "PADDLE_TABLE_PROMPT", "PADDLE_FORMULA_PROMPT", "PADDLE_CHART_PROMPT",
           "PaddleOcrVlReader"]

PADDLE_OCR_PROMPT = "OCR:"
PADDLE_TABLE_PROMPT = "Table Recognition:"
PADDLE_FORMULA_PROMPT = "Formula Recognition:"
PADDLE_CHART_PROMPT = "Chart Recognition:"


class PaddleOcrVlReader(PromptedPageReader):
    """PaddleOCR-VL asked for the page's text; lines laid over the page for the locator."""

    service = "paddleocr_vl"
    prompt = PADDLE_OCR_PROMPT
