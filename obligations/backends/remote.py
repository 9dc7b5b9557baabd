"""Models on another machine: this project's own server (`obligations serve`) or any
OpenAI-compatible one (vLLM, SGLang, Ollama, LM Studio), both spoken to in the OpenAI chat
wire format with the page as an `image_url` data URI.

A Qwen-family model answers questions (the same `chat` as a local answerer); a dots.ocr model
behind the server reads pages with its layout prompt. Requests go out `concurrency` at a time;
connection errors, 5xx and 429 are retried with backoff, other 4xx are not (the request itself
is wrong). A server that stays down fails the pages in flight, each reported with its file.
"""

from __future__ import annotations

import base64
import io
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from ..errors import InputError, UsageError
from .base import Answer, BackendInfo, Box, Capabilities, Word
from .transformers_vlm import fit_pixel_budget

DEFAULT_OWN_URL = "http://localhost:8001"
RETRIES = 3
BACKOFF_S = 0.5
UNKNOWN_CONFIDENCE = 0.5  # a server that returns no log-probabilities
# OCR models served by vLLM that read the page with one prompt of their model card; the
# answer's lines are laid over the page (no boxes), as their local readers do.
TEXT_ONLY_READERS = ("glm-ocr", "paddleocr-vl")
# Tokens a reader's answer must keep: DeepSeek-OCR's grounding tags are special tokens, which
# vLLM drops unless told (`skip_special_tokens`, a vLLM extension of the OpenAI request).
KEEPS_SPECIAL_TOKENS = ("deepseek-ocr2", "deepseek-ocr")


def own_server_url(url: str | None) -> str:
    return (url or os.environ.get("QWEN_REMOTE_URL") or DEFAULT_OWN_URL).rstrip("/")


def health(url: str, timeout_s: float = 2.0, api_key: str | None = None) -> dict | None:
    """The server's /health answer (own server) or a /models listing (OpenAI-compatible), or
    None when nothing answers within the timeout. (urllib: `auto` asks this on every run, and
    the answer is usually "nothing there", not worth importing an HTTP client for.)"""
    import json
    import urllib.error
    import urllib.request

    url = url.rstrip("/")
    probe = f"{url}/models" if url.endswith("/v1") else f"{url}/health"
    request = urllib.request.Request(probe, headers=_auth(api_key))
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = json.loads(response.read(1 << 20))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return body if isinstance(body, dict) else None


class RemoteModel:
    """Chat completions on a remote server; `kind` is answerer (Qwen family) or reader (dots.ocr)."""


    def __init__(self, base_url: str, model: str, service: str, family: str = "qwen", reason: str = "",
                 api_key: str | None = None, concurrency: int = 4, timeout_s: float = 300.0,
                 max_pixels: int | None = None):
        import httpx

        self.base_url = base_url.rstrip("/")
        self.chat_url = self.base_url + ("/chat/completions" if self.base_url.endswith("/v1") else "/v1/chat/completions")
        self.model = model
        self.service = service
        self.family = family
        # A Qwen-family model answers questions; dots.ocr (layout prompt) and this project's
        # reader services (POST /ocr) give words with boxes for the local field locator.
        # One HTTP client for the run, in the main process; the server does the heavy work.
        self.capabilities = Capabilities(kind="answerer" if family == "qwen" else "reader",
                                         text_source="ocr" if family == "tesseract" else "vlm", in_process=True,
                                         boxes=family not in TEXT_ONLY_READERS, remote=True)
        self.reason = reason
        self.concurrency = max(1, concurrency)
        self.max_pixels = max_pixels
        self.load_s = 0.0
        self._api_key = api_key
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=5.0), headers=_auth(api_key))
        # Whether the server takes `response_format` (a JSON schema the answer must follow: vLLM's
        # and SGLang's guided decoding); None until a request says.
        self.structured_output: bool | None = None

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, self.model, f"remote {self.base_url}", None, self.reason)

    def peak_memory_gb(self) -> float | None:
        return None

    def unload(self) -> None:
        self._client.close()

    def __getstate__(self):
        raise TypeError("a remote model stays in the process that opened it")

    def __repr__(self) -> str:  # never shows the API key
        return f"RemoteModel({self.chat_url!r}, model={self.model!r})"

    # -------------------------------------------------------------- answering

    def chat(self, image: Image.Image, prompts: list[str], system: str | None = None,
             max_new_tokens: int = 64, pixel_budget: int | None = None,
             response_format: dict | None = None) -> list[Answer]:
        """`response_format` (OpenAI's `{"type": "json_schema", ...}`) is sent while the server
        takes it; one that answers HTTP 400 to it is asked again without, and not sent it again."""
        if not prompts:
            return []
        image = fit_pixel_budget(image.convert("RGB"), pixel_budget or self.max_pixels)
        data_uri = encode_image(image)
        bodies = [self._body(data_uri, prompt, system, max_new_tokens) for prompt in prompts]
        if response_format is not None and self.structured_output is not False:
            try:
                with_format = [{**body, "response_format": response_format} for body in bodies]
                replies = self._post_all(with_format)
                self.structured_output = True
                return [Answer(text, confidence, image.size) for text, confidence in replies]
            except InputError as exc:
                if "HTTP 400" not in exc.message:
                    raise
                self.structured_output = False
        replies = self._post_all(bodies)
        return [Answer(text, confidence, image.size) for text, confidence in replies]

    def _post_all(self, bodies: list[dict]) -> list[tuple[str, float]]:
        with ThreadPoolExecutor(min(self.concurrency, len(bodies))) as pool:
            return list(pool.map(self._post, bodies))

    # -------------------------------------------------------------- reading (OCR models)

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        if self.family == "dots-ocr":
            from .dots_ocr import DOTS_LAYOUT_PROMPT, parse_layout

            answer = self.chat(image, [DOTS_LAYOUT_PROMPT], max_new_tokens=8192)[0]
            return parse_layout(answer.text, image.size, answer.input_size), 0
        openai = self.base_url.endswith("/v1")  # vLLM and the like; this project's server reads on /ocr
        if openai and self.family in KEEPS_SPECIAL_TOKENS:
            from .deepseek_ocr import DEEPSEEK_DOCUMENT_PROMPT, parse_grounding

            # The chat template puts the image first: the prompt without its <image> placeholder.
            prompt = DEEPSEEK_DOCUMENT_PROMPT.replace("<image>\n", "")
            answer = self.chat(image, [prompt], max_new_tokens=4096)[0]
            return parse_grounding(answer.text, image.width, image.height), 0
        if openai and self.family in TEXT_ONLY_READERS:
            from .glm_ocr import GLM_TEXT_PROMPT
            from .paddleocr_vl import PADDLE_OCR_PROMPT
            from .transformers_vlm import page_words

            prompt = GLM_TEXT_PROMPT if self.family == "glm-ocr" else PADDLE_OCR_PROMPT
            answer = self.chat(image, [prompt], max_new_tokens=4096)[0]
            return page_words(answer.text, image.size, self.family), 0
        reply = self._request(self.base_url + "/ocr", {"image": encode_image(image), "language": lang or "auto"})
        words = []
        blocks = reply.get("blocks", [])
        # /ocr gives confidences 0-1 (servers before it did 0-100); a Word's are 0-100.
        scale = 100.0 if all(_number(b.get("confidence")) <= 1 for b in blocks if isinstance(b, dict)) else 1.0
        for block in blocks:
            try:
                x0, y0, x1, y1 = (int(v) for v in block["bbox"])
                line = block.get("line")
                line = tuple(line) if isinstance(line, list) else line  # JSON gives a list; a line key is hashed
                words.append(Word(str(block["text"]), (x0, y0, x1, y1), scale * float(block.get("confidence", 0.0)),
                                  ("remote", line)))
            except (KeyError, TypeError, ValueError):
                continue  # a malformed block costs that word, not the page
        return words, int(reply.get("rotation", 0) or 0)

    def read_region(self, image: Image.Image, box: Box, angle: int, lang: str | None = None,
                    flatten: bool = False, keep_rules: bool = False) -> list[Word]:
        if angle:
            return []  # turned strips are read locally only; the page's own reading stands
        words, _ = self.read(image.crop(box), lang=lang)
        return [Word(w.text, (w.bbox[0] + box[0], w.bbox[1] + box[1], w.bbox[2] + box[0], w.bbox[3] + box[1]),
                     w.conf, ("remote", box, w.line)) for w in words]

    # -------------------------------------------------------------- wire

    def _body(self, data_uri: str, prompt: str, system: str | None, max_tokens: int) -> dict:
        messages = []
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": data_uri}},
            {"type": "text", "text": prompt},
        ]})
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
                "logprobs": True}
        if self.family in KEEPS_SPECIAL_TOKENS:
            body["skip_special_tokens"] = False
        return body

    def _post(self, body: dict) -> tuple[str, float]:
        return _parse_completion(self._request(self.chat_url, body))

    def _request(self, url: str, body: dict) -> dict:
        """POST with retries on connection errors, 5xx and 429; the JSON answer."""
        import httpx

        delay = BACKOFF_S
        for attempt in range(RETRIES + 1):
            try:
                response = self._client.post(url, json=body)
            except httpx.TransportError as exc:
                if attempt == RETRIES:
                    raise InputError(f"remote server {self.base_url} did not answer: {type(exc).__name__}") from None
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise InputError(f"remote server {self.base_url} answered with something that is not JSON") from None
                if response.status_code in (401, 403):
                    raise UsageError(f"remote server {self.base_url} refused the API key (HTTP {response.status_code})")
                if response.status_code != 429 and response.status_code < 500 or attempt == RETRIES:
                    raise InputError(f"remote server {self.base_url}: HTTP {response.status_code}: "
                                     f"{_error_text(response)}")
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 30.0))
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


def encode_image(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _parse_completion(body: dict) -> tuple[str, float]:
    try:
        choice = body["choices"][0]
        text = choice["message"]["content"] or ""
    except (KeyError, IndexError, TypeError):
        raise InputError(f"remote server answered something that is not a chat completion: {str(body)[:200]!r}") from None
    if isinstance(text, list):  # content parts
        text = "".join(part.get("text", "") for part in text if isinstance(part, dict))
    logprobs = ((choice.get("logprobs") or {}).get("content")) or []
    values = [item.get("logprob") for item in logprobs if isinstance(item, dict) and item.get("logprob") is not None]
    confidence = round(sum(math.exp(v) for v in values) / len(values), 3) if values else UNKNOWN_CONFIDENCE
    return text.strip(), confidence


def _error_text(response) -> str:
    try:
        body = response.json()
        detail = body.get("detail") or body.get("error") or body
        if isinstance(detail, dict):
            detail = detail.get("message", detail)
        return str(detail)[:200]
    except ValueError:
        return response.text[:200]


def _auth(api_key: str | None) -> dict:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0
