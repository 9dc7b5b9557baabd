"""Vision-language models through `transformers`: the Qwen family answers questions about a
page (an "answerer"), GOT-OCR2 reads a page's text (a "reader").

A model loads once per process, on first use, and serves every page of the run; `unload()`
gives its memory back. Images are shrunk to a pixel budget before they reach the processor,
so a 300 dpi scan costs what the budget says, not what the scanner made.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from PIL import Image

from ..doctypes import DEFAULT_PIXEL_BUDGET
from .base import Answer, BackendInfo, Box, Capabilities, ChatItem, Word
from .blocks import VLM_CONFIDENCE, markdown_lines, words_from_block
from .loading import (
    ModelRequest,
    check_quantized,
    free_memory,
    load_kwargs,
    peak_memory_gb,
    place,
    require_torch,
    resolve_weights,
)



def fit_pixel_budget(image: Image.Image, budget: int | None) -> Image.Image:
    """The image scaled down (never up) to at most `budget` pixels, aspect kept."""
    if not budget or image.width * image.height <= budget:
        return image
    scale = math.sqrt(budget / (image.width * image.height))
    size = (max(28, int(image.width * scale)), max(28, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


class ChatModel:
    """A model driven by a chat template with images: load, batched generate, unload."""

    service = "qwen_local"
    # One copy of the weights: pages are read in the main process.
    capabilities = Capabilities(kind="answerer", text_source="vlm", in_process=True, boxes=False,
                                generates=True, loads=True)

    def __init__(self, request: ModelRequest, reason: str = ""):
        self.request = request
        self.reason = reason
        self.load_s: float | None = None
        self.quantized_layers = 0
        self._model = None
        self._processor = None

    # -------------------------------------------------------------- lifecycle

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, self.request.model_id, self.request.device, self.request.precision, self.reason)

    def load(self) -> None:
        if self._model is not None:
            return
        require_torch()
        started = time.perf_counter()
        path = resolve_weights(self.request.repo, self.request.model_path)
        self._processor = self._load_processor(path)
        self._model = self._load_model(path)
        self.quantized_layers = check_quantized(self._model, self.request.precision)
        self.load_s = time.perf_counter() - started

    def unload(self) -> None:
        self._model = None
        self._processor = None
        free_memory(self.request.device)

    def __getstate__(self):  # a loaded model never travels to another process
        state = self.__dict__.copy()
        state["_model"] = state["_processor"] = None
        return state

    def _load_processor(self, path: str):
        from transformers import AutoProcessor

        processor = AutoProcessor.from_pretrained(path, trust_remote_code=self.request.trust_remote_code)
        processor.tokenizer.padding_side = "left"  # batched generation continues every row at its end
        return processor

    def _load_model(self, path: str):
        kwargs = load_kwargs(self.request)
        return place(self._auto_class().from_pretrained(path, **kwargs), self.request, kwargs)

    def _auto_class(self):
        from transformers import AutoModelForImageTextToText

        return AutoModelForImageTextToText

    # -------------------------------------------------------------- asking

    def chat(self, image: Image.Image, prompts: list[str], system: str | None = None,
             max_new_tokens: int = 64, pixel_budget: int | None = DEFAULT_PIXEL_BUDGET) -> list[Answer]:
        """One answer per prompt, all about the same image, in one `generate` call."""
        return self.generate([ChatItem(image, prompt, system) for prompt in prompts], max_new_tokens, pixel_budget)

    def generate(self, items: list["ChatItem"], max_new_tokens: int = 64,
                 pixel_budget: int | None = DEFAULT_PIXEL_BUDGET) -> list[Answer]:
        """One answer per item (each its own image, prompt and system prompt), in one batch."""
        if not items:
            return []
        self.load()
        import torch

        budget = self.request.max_pixels or pixel_budget
        images, conversations, firsts = [], [], []
        for item in items:
            firsts.append(len(images))
            images += [fit_pixel_budget(image.convert("RGB"), budget) for image in item.images]
            content = [{"type": "image"} for _ in item.images] + [{"type": "text", "text": item.prompt}]
            messages = [{"role": "user", "content": content}]
            if item.system:
                messages.insert(0, {"role": "system", "content": [{"type": "text", "text": item.system}]})
            conversations.append(
                self._processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
        inputs = self._processor(text=conversations, images=images, padding=True, return_tensors="pt")
        inputs = inputs.to(self._model.device)
        with torch.inference_mode():
            out = self._model.generate(
                **inputs, max_new_tokens=max_new_tokens, do_sample=False,
                return_dict_in_generate=True, output_scores=True,
            )
        new_tokens = out.sequences[:, inputs["input_ids"].shape[1]:]
        texts = self._processor.batch_decode(new_tokens, skip_special_tokens=True)
        confidences = self._token_confidences(out, new_tokens)
        sizes = self._input_sizes(inputs, images)
        read = inputs["attention_mask"].sum(dim=1).tolist()  # each prompt's own tokens, padding left out
        written = self._written_tokens(new_tokens)
        return [Answer(text.strip(), conf, sizes[first], int(n_read), n_written)
                for text, conf, first, n_read, n_written in zip(texts, confidences, firsts, read, written)]

    def _written_tokens(self, new_tokens) -> list[int]:
        """Tokens each answer wrote: up to and with its end-of-sequence token, none of the padding
        after it (a batch's shorter answers are padded to the longest)."""
        pad = self._processor.tokenizer.pad_token_id
        counts = []
        for row in new_tokens.tolist():
            while row and row[-1] == pad:
                row.pop()
            counts.append(len(row))
        return counts

    def _token_confidences(self, out, new_tokens) -> list[float]:
        import torch

        scores = self._model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)
        special = set(self._processor.tokenizer.all_special_ids)
        keep = torch.tensor([[int(t) not in special for t in row] for row in new_tokens.tolist()], dtype=torch.bool)
        probs = scores.float().exp().cpu()
        result = []
        for row, mask in zip(probs, keep):
            picked = row[mask[: row.shape[0]]]
            result.append(round(float(picked.mean()), 3) if picked.numel() else 0.0)
        return result

    def _input_sizes(self, inputs, images: list[Image.Image]) -> list[tuple[int, int]]:
        """The size of each image as the vision tower saw it (Qwen resizes to whole patches)."""
        grid = inputs.get("image_grid_thw")
        patch = getattr(getattr(self._processor, "image_processor", None), "patch_size", None)
        if grid is None or not patch or len(grid) != len(images):
            return [image.size for image in images]
        return [(int(cols) * int(patch), int(rows) * int(patch)) for _, rows, cols in grid.tolist()]

    def peak_memory_gb(self) -> float | None:
        return peak_memory_gb(self.request.device)



class QwenAnswerer(ChatModel):
    """Qwen2-VL, Qwen2.5-VL and Qwen3-VL: asked one question per field, or for one JSON object."""

    service = "qwen_local"


class PageReader(ChatModel):
    """A model that reads a whole page into words for the field locator."""

    capabilities = Capabilities(kind="reader", text_source="vlm", in_process=True, generates=True, loads=True)

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        raise NotImplementedError

    def read_region(self, image: Image.Image, box: Box, angle: int, lang: str | None = None,
                    flatten: bool = False, keep_rules: bool = False) -> list[Word]:
        if angle:
            return []  # strips turned upright are Tesseract's work; a model reads the page as it stands
        words, _ = self.read(image.crop(box))
        x, y = box[0], box[1]
        return [Word(w.text, (w.bbox[0] + x, w.bbox[1] + y, w.bbox[2] + x, w.bbox[3] + y), w.conf, (box, w.line))
                for w in words]


class GotReader(PageReader):
    """GOT-OCR2 reads a page as plain text. It gives no boxes: words get the page's box split
    by lines, enough to keep reading order for the locator; fields get real boxes only from a
    Tesseract pass (--locate)."""

    service = "got"
    capabilities = replace(PageReader.capabilities, boxes=False)

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        text = self.read_text(image)
        return words_from_block(text, (0, 0, image.width, image.height), "got", VLM_CONFIDENCE), 0

    def read_text(self, image: Image.Image, max_new_tokens: int = 2048) -> str:
        self.load()
        import torch

        image = fit_pixel_budget(image.convert("RGB"), self.request.max_pixels)
        inputs = self._processor(image, return_tensors="pt").to(self._model.device)
        with torch.inference_mode():
            out = self._model.generate(
                **inputs, do_sample=False, max_new_tokens=max_new_tokens,
                tokenizer=self._processor.tokenizer, stop_strings="<|im_end|>",
            )
        return self._processor.decode(out[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()


class PromptedPageReader(PageReader):
    """An OCR model asked, through its chat template, to transcribe the whole page with one fixed
    prompt (its model card's plain-OCR prompt). The answer is text or Markdown without boxes:
    its printed lines are laid over the page in reading order (as GOT's are), so the locator
    finds values among them; fields get real boxes only from a Tesseract pass (--locate)."""

    capabilities = replace(PageReader.capabilities, boxes=False)
    prompt = ""  # set by each engine
    max_new_tokens = 4096  # a dense A4 page runs to 2-3 thousand tokens

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        # No pixel budget of ours: the model's own processor resizes within the bounds it was trained on.
        answer = self.chat(image, [self.prompt], max_new_tokens=self.max_new_tokens, pixel_budget=None)[0]
        return page_words(answer.text, image.size, self.service), 0


def page_words(text: str, size: tuple[int, int], prefix: str, conf: float = VLM_CONFIDENCE) -> list[Word]:
    """Words of a whole-page transcription (plain text or Markdown with HTML tables) spread over
    the page: one printed line per line, markup removed."""
    return words_from_block("\n".join(markdown_lines(text or "")), (0, 0, size[0], size[1]), prefix, conf)
