"""DeepSeek-OCR-2 through transformers' native `deepseek_ocr2` classes (no remote code, no
flash-attn): the same prompts and grounding output as DeepSeek-OCR, read by the same parser.

The processor takes the prompt as plain text with an `<image>` placeholder (no chat
template), expands it to the image's tokens (a 1024 px global view plus 768 px tiles), and the
model answers ``<|ref|>LABEL<|/ref|><|det|>[[x0, y0, x1, y1]]<|/det|>`` items with boxes on a
0..999 grid of the page, each followed by the region's Markdown (deepseek_ocr.parse_grounding).
The remote-code DeepSeek-OCR (v1) stays in deepseek_ocr.py for its container.
"""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from .base import Word
from .deepseek_ocr import DEEPSEEK_DOCUMENT_PROMPT, DEEPSEEK_FREE_OCR_PROMPT, DEEPSEEK_OCR_PROMPT, parse_grounding
from .transformers_vlm import PageReader, fit_pixel_budget

__all__ = ["DEEPSEEK_DOCUMENT_PROMPT", "DEEPSEEK_OCR_PROMPT", "DEEPSEEK_FREE_OCR_PROMPT", "DeepSeekOcr2Reader"]


class DeepSeekOcr2Reader(PageReader):
    """DeepSeek-OCR-2 asked for the grounded Markdown of the page; its boxes become the words'."""

    service = "deepseek_ocr2"
    # No chat template: the server's /chat (generate) is not offered; pages are read one by one.
    capabilities = replace(PageReader.capabilities, generates=False)
    prompt = DEEPSEEK_DOCUMENT_PROMPT
    max_new_tokens = 4096

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        text = self.read_text(image)
        return parse_grounding(text, image.width, image.height), 0

    def read_text(self, image: Image.Image, prompt: str | None = None) -> str:
        """The model's raw answer, special tokens kept (the grounding tags are special tokens)."""
        self.load()
        import torch

        # The processor scales to its own views; a budget only when the user set one.
        page = fit_pixel_budget(image.convert("RGB"), self.request.max_pixels)
        inputs = self._processor(images=page, text=prompt or self.prompt, return_tensors="pt").to(self._model.device)
        with torch.inference_mode():
            out = self._model.generate(**inputs, do_sample=False, max_new_tokens=self.max_new_tokens)
        new_tokens = out[0, inputs["input_ids"].shape[1]:]
        tokenizer = self._processor.tokenizer
        drop = {tokenizer.pad_token_id, tokenizer.bos_token_id}  # the end of sentence is the parser's to drop
        return tokenizer.decode([t for t in new_tokens.tolist() if t not in drop], skip_special_tokens=False)
