"""The HTTP surface of `obligations serve` (FastAPI).

GET /health, GET /info, POST /ocr (the existing clients' request shape), POST /extract (the
`obligations run` JSON for one file), POST /v1/chat/completions and GET /v1/models (OpenAI
wire format, so this server, vLLM and SGLang are interchangeable), GET /metrics (Prometheus).

Limits answer with their own status: body too large 413, bad base64 or image 400, unknown
doc type 422, queue full 503 with Retry-After. With an API key set, every endpoint but
/health wants `Authorization: Bearer <key>`, compared in constant time; the key is never
logged or echoed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import math
import platform
import time
import uuid
import warnings
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from PIL import Image

from .. import __version__
from ..backends.base import ChatItem
from ..errors import ObligationsError
from ..pipeline import RunOptions
from ..sources import parse_page_spec, to_8bit
from .engine import LANGUAGES, Engine, QueueFull, Scheduler
from .metrics import Metrics

LOOPBACK = ("127.0.0.1", "localhost", "::1")
RETRY_AFTER_S = 2


@dataclass
class ServerConfig:
    options: RunOptions
    api_key: str | None = None
    max_body_bytes: int = 50 * 2**20
    max_pixels: int = 60_000_000
    max_queue: int = 64
    max_batch: int = 8
    workers: int | None = None


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def create_app(config: ServerConfig, engine: Engine | None = None) -> FastAPI:
    metrics = Metrics()
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app):
        state["engine"] = engine or Engine(config.options)
        state["scheduler"] = Scheduler(state["engine"], metrics, config.max_queue, config.max_batch, config.workers)
        state["scheduler"].start()
        state["started"] = time.time()
        yield
        await state["scheduler"].stop()

    app = FastAPI(title="Obligations", version=__version__, lifespan=lifespan)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        started = time.perf_counter()
        endpoint = request.url.path
        try:
            if config.api_key and endpoint != "/health":
                _check_key(request.headers.get("authorization", ""), config.api_key)
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > config.max_body_bytes:
                raise HTTPProblem(413, f"request body over {config.max_body_bytes} bytes")
            response = await call_next(request)
        except HTTPProblem as problem:
            response = JSONResponse({"detail": problem.message}, problem.status, headers=problem.headers)
        metrics.requests.inc(endpoint=endpoint, status=response.status_code)
        if response.status_code >= 400:
            metrics.errors.inc(endpoint=endpoint, status=response.status_code)
        metrics.latency.observe(time.perf_counter() - started, endpoint=endpoint)
        return response

    @app.exception_handler(HTTPProblem)
    async def problem_handler(request, problem: HTTPProblem):
        return JSONResponse({"detail": problem.message}, problem.status, headers=problem.headers)

    @app.get("/health")
    async def health():
        engine_ = state["engine"]
        vram = engine_.vram_gb()
        return {
            "status": "ok", "service": engine_.info.service, "model": engine_.info.model,
            "device": engine_.info.device, "loaded": engine_.loaded, "vram_used_gb": vram,
            "queue_depth": state["scheduler"].depth,
        }

    @app.get("/info")
    async def info():
        engine_ = state["engine"]
        return {
            "service": engine_.info.service, "model": engine_.info.model, "precision": engine_.info.precision,
            "device": engine_.info.device, "reason": engine_.info.reason,
            "versions": {"obligations": __version__, "python": platform.python_version(), **_library_versions()},
            "doc_types": {d.id: d.field_ids for d in engine_.doctypes().values()},
            "limits": {"max_body_bytes": config.max_body_bytes, "max_pixels": config.max_pixels,
                       "max_queue": config.max_queue, "max_batch": state["scheduler"].max_batch},
        }

    @app.post("/ocr")
    async def ocr(request: Request):
        body = await _json_body(request, config)
        image = _decode_image(body.get("image"), config.max_pixels)
        language = str(body.get("language", "auto")).lower()
        if language not in LANGUAGES:
            raise HTTPProblem(422, f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
        return await _submit(state, "ocr", (image, LANGUAGES[language]))

    @app.post("/extract")
    async def extract(request: Request):
        data, filename, doc_type, pages = await _extract_input(request, config)
        known = state["engine"].doctypes()
        if doc_type != "auto" and doc_type not in known:
            raise HTTPProblem(422, f"unknown doc_type {doc_type!r}: use auto or one of {', '.join(sorted(known))}")
        try:
            page_set = parse_page_spec(pages) if pages else None
        except ObligationsError as exc:
            raise HTTPProblem(422, exc.message) from None
        return await _submit(state, "extract", (data, filename, doc_type, page_set))

    @app.get("/v1/models")
    async def models():
        info_ = state["engine"].info
        return {"object": "list", "data": [
            {"id": info_.model or info_.service, "object": "model", "created": int(state["started"]),
             "owned_by": "obligations"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await _json_body(request, config)
        image, prompt, system = _chat_message(body, config.max_pixels)
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or 256
        if not isinstance(max_tokens, int) or not 1 <= max_tokens <= 32768:
            raise HTTPProblem(400, "max_tokens must be an integer between 1 and 32768")
        answer = await _submit(state, "chat", (ChatItem(image, prompt, system), max_tokens))
        logprob = math.log(max(answer.confidence, 1e-9))
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": state["engine"].info.model or state["engine"].info.service,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer.text},
                         # One entry carrying the answer's mean token probability.
                         "logprobs": {"content": [{"token": "", "logprob": logprob}]}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    @app.get("/metrics")
    async def prometheus():
        engine_ = state["engine"]
        vram = engine_.vram_gb()
        metrics.vram_used.set((vram or 0.0) * 2**30)
        metrics.queue_depth.set(state["scheduler"].depth)
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return app


# ---------------------------------------------------------------------- request helpers


async def _submit(state: dict, kind: str, payload):
    try:
        return await state["scheduler"].submit(kind, payload)
    except QueueFull as exc:
        raise HTTPProblem(503, str(exc), {"Retry-After": str(RETRY_AFTER_S)}) from None
    except ObligationsError as exc:
        raise HTTPProblem(400 if exc.exit_code != 3 else 500, exc.message) from None


def _check_key(header: str, key: str) -> None:
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), key.encode()):
        raise HTTPProblem(401, "missing or wrong API key (Authorization: Bearer <key>)",
                          {"WWW-Authenticate": "Bearer"})


async def _read_body(request, config: ServerConfig) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():  # a body without Content-Length is counted as it arrives
        size += len(chunk)
        if size > config.max_body_bytes:
            raise HTTPProblem(413, f"request body over {config.max_body_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_body(request, config: ServerConfig) -> dict:
    import json

    raw = await _read_body(request, config)
    try:
        body = json.loads(raw)
    except ValueError:
        raise HTTPProblem(400, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HTTPProblem(400, "request body must be a JSON object")
    return body


def _decode_base64(data) -> bytes:
    if not isinstance(data, str) or not data:
        raise HTTPProblem(400, "expected base64 data in a string")
    if data.startswith("data:"):
        _, _, data = data.partition(",")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPProblem(400, "invalid base64") from None


def _decode_image(data, max_pixels: int) -> Image.Image:
    raw = _decode_base64(data)
    Image.MAX_IMAGE_PIXELS = None  # our own limit below, checked before decoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(raw))
        if image.width * image.height > max_pixels:
            raise HTTPProblem(400, f"image is {image.width}x{image.height}, over the {max_pixels} pixel limit")
        image.load()
    except HTTPProblem:
        raise
    except Exception:
        raise HTTPProblem(400, "not a readable image (PNG, JPEG, TIFF, WEBP, BMP)") from None
    return to_8bit(image)


def _chat_message(body: dict, max_pixels: int) -> tuple[Image.Image, str, str | None]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise HTTPProblem(400, "messages must be a non-empty list")
    system, texts, image = None, [], None
    for message in messages:
        if not isinstance(message, dict):
            raise HTTPProblem(400, "each message must be an object")
        content = message.get("content")
        parts = [{"type": "text", "text": content}] if isinstance(content, str) else content or []
        for part in parts:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and message.get("role") == "system":
                system = (system + "\n" if system else "") + str(part.get("text", ""))
            elif part.get("type") == "text" and message.get("role") == "user":
                texts.append(str(part.get("text", "")))
            elif part.get("type") == "image_url":
                url = (part.get("image_url") or {}).get("url", "")
                if not str(url).startswith("data:"):
                    raise HTTPProblem(400, "image_url must be a data: URI (this server fetches nothing)")
                image = _decode_image(url, max_pixels)
    if image is None:
        raise HTTPProblem(400, "no image in the messages (send one as an image_url data URI)")
    return image, "\n".join(texts), system


async def _extract_input(request, config: ServerConfig) -> tuple[bytes, str, str, str | None]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise HTTPProblem(400, "multipart request needs a 'file' part")
        data = await upload.read()
        if len(data) > config.max_body_bytes:
            raise HTTPProblem(413, f"file over {config.max_body_bytes} bytes")
        return data, upload.filename or "upload", str(form.get("doc_type") or "auto"), form.get("pages") or None
    body = await _json_body(request, config)
    data = _decode_base64(body.get("file"))
    return data, str(body.get("filename") or "upload"), str(body.get("doc_type") or "auto"), body.get("pages")


def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("torch", "transformers", "tesserocr", "pymupdf", "fastapi"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")
