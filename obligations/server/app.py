"""The HTTP surface of `obligations serve` (FastAPI).

GET /health, GET /info, POST /ocr (the existing clients' request shape), POST /extract (the
`obligations run` JSON for one file), POST /v1/chat/completions and GET /v1/models (OpenAI
wire format, so this server, vLLM and SGLang are interchangeable), GET /metrics (Prometheus),
the review page at / with its API under /api/review/, and /docs (OpenAPI, rendered by a page
of this package: nothing is fetched from elsewhere).

Limits answer with their own status: body too large 413, bad base64 or image 400, unknown
doc type 422, queue full 503 with Retry-After. With an API key set, every endpoint but
/health, /docs, /openapi.json and the review page's own files (/, /static/...: code, no data)
wants `Authorization: Bearer <key>`, compared in constant time; the key is never logged or
echoed. Every response carries an X-Request-ID (the client's, when sane), which the log
records of that request name.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import io
import json
import math
import platform
import time
import uuid
import warnings
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from PIL import Image
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from .. import __version__
from ..backends.base import ChatItem
from ..errors import ObligationsError
from ..pipeline import RunOptions
from ..sources import parse_page_spec, to_8bit
from . import logs, schemas
from .engine import LANGUAGES, Engine, QueueFull, Scheduler, limit_arenas
from .metrics import UNMATCHED, Metrics
from .review import LOW_CONFIDENCE, ReviewError, ReviewStore

LOOPBACK = ("127.0.0.1", "localhost", "::1")
RETRY_AFTER_S = 2
# Reachable without the API key: the health check, the API's description, and the review
# page's own files (code and styles; every piece of data they show comes from keyed endpoints).
PUBLIC = {"/health", "/docs", "/openapi.json", "/", "/static/{name}", "/favicon.ico"}
STATIC = {"review.js": "text/javascript", "review.css": "text/css", "docs.js": "text/javascript",
          "docs.css": "text/css"}
PROBLEMS = {status: {"model": schemas.Problem} for status in (400, 401, 404, 409, 413, 422, 500, 503)}


@dataclass
class ServerConfig:
    options: RunOptions
    api_key: str | None = None
    max_body_bytes: int = 50 * 2**20
    max_pixels: int = 60_000_000
    max_queue: int = 64
    max_batch: int = 8
    workers: int | None = None
    review_paths: list[Path] = field(default_factory=list)  # result folders/files the page lists
    workspace: Path | None = None  # where uploads from the page are kept (None: a temporary folder)
    low_confidence: float = LOW_CONFIDENCE
    access_log: bool = True
    root_path: str = ""


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def create_app(config: ServerConfig, engine: Engine | None = None) -> FastAPI:
    metrics = Metrics()
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app):
        limit_arenas()
        state["engine"] = engine or Engine(config.options)
        state["scheduler"] = Scheduler(state["engine"], metrics, config.max_queue, config.max_batch, config.workers)
        state["scheduler"].start()
        state["started"] = time.time()
        state["review"] = ReviewStore(config.review_paths, config.workspace, state["engine"].doctypes(),
                                      config.low_confidence, config.options.password, config.options.max_pixels)
        state["tasks"] = set()
        yield
        await state["scheduler"].stop()
        state["review"].close()

    # The root path (--root-path) reaches each request from uvicorn, as scope["root_path"].
    app = FastAPI(title="Obligations", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description=__doc__)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        started = time.perf_counter()
        rid = logs.new_request_id(request.headers.get("x-request-id"))
        logs.request_id.set(rid)
        template = _route_template(app, request.scope)
        try:
            if config.api_key and template not in PUBLIC:
                _check_key(request.headers.get("authorization", ""), config.api_key)
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > config.max_body_bytes:
                raise HTTPProblem(413, f"request body over {config.max_body_bytes} bytes")
            response = await call_next(request)
        except HTTPProblem as problem:
            response = JSONResponse({"detail": problem.message}, problem.status, headers=problem.headers)
        except Exception:  # what a handler did not expect: logged here, never shown to the client
            logs.log.exception("unexpected error in %s %s", request.method, template)
            response = JSONResponse({"detail": f"internal error (request id {rid})"}, 500)
        elapsed = time.perf_counter() - started
        response.headers["X-Request-ID"] = rid
        metrics.observe_request(template, response.status_code, elapsed)
        if config.access_log:
            client = request.client
            logs.access_log.info('%s "%s %s" %d %.1f ms', f"{client.host}:{client.port}" if client else "-",
                                 request.method, request.url.path, response.status_code, elapsed * 1000)
        return response

    @app.exception_handler(HTTPProblem)
    async def problem_handler(request, problem: HTTPProblem):
        return JSONResponse({"detail": problem.message}, problem.status, headers=problem.headers)

    @app.exception_handler(ReviewError)
    async def review_problem(request, problem: ReviewError):
        return JSONResponse({"detail": problem.message}, problem.status)

    # ------------------------------------------------------------------ service

    @app.get("/health", response_model=schemas.Health, tags=["service"])
    async def health():
        """Liveness and what is loaded; needs no API key."""
        engine_ = state["engine"]
        vram = engine_.vram_gb()
        return {
            "status": "ok", "service": engine_.info.service, "model": engine_.info.model,
            "device": engine_.info.device, "loaded": engine_.loaded, "vram_used_gb": vram,
            "queue_depth": state["scheduler"].depth,
        }

    @app.get("/info", response_model=schemas.Info, responses=PROBLEMS, tags=["service"])
    async def info():
        """The backend, library versions, document types with their fields, and the limits."""
        engine_ = state["engine"]
        return {
            "service": engine_.info.service, "model": engine_.info.model, "precision": engine_.info.precision,
            "device": engine_.info.device, "reason": engine_.info.reason,
            "versions": {"obligations": __version__, "python": platform.python_version(), **_library_versions()},
            "doc_types": {d.id: d.field_ids for d in engine_.doctypes().values()},
            "limits": {"max_body_bytes": config.max_body_bytes, "max_pixels": config.max_pixels,
                       "max_queue": config.max_queue, "max_batch": state["scheduler"].max_batch},
        }

    @app.get("/metrics", tags=["service"], response_class=Response,
             responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}})
    async def prometheus():
        """Prometheus metrics: requests, errors and latency per route template, queue depth,
        batch sizes, current GPU memory, the process's resident memory."""
        engine_ = state["engine"]
        vram = engine_.vram_gb()
        metrics.vram_used.set((vram or 0.0) * 2**30)
        metrics.queue_depth.set(state["scheduler"].depth)
        return Response(metrics.render(), media_type=metrics.content_type)

    # ------------------------------------------------------------------ reading

    @app.post("/ocr", response_model=schemas.OcrResponse, responses=PROBLEMS, tags=["reading"],
              openapi_extra=schemas.request_body(schemas.OcrRequest))
    async def ocr(request: Request):
        """The words of one image with their boxes and confidences (0-1)."""
        body = _parsed(schemas.OcrRequest, await _json_body(request, config))
        image = _decode_image(body.image, config.max_pixels, "image")
        language = body.language.lower()
        if language not in LANGUAGES:
            raise HTTPProblem(422, f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
        return await _submit(state, "ocr", (image, LANGUAGES[language]))

    @app.post("/extract", response_model=schemas.ExtractResponse, response_model_exclude_unset=True,
              responses=PROBLEMS, tags=["reading"],
              openapi_extra=schemas.request_body(schemas.ExtractRequest, also={"multipart/form-data": {"schema": {
                  "type": "object", "required": ["file"], "properties": {
                      "file": {"type": "string", "format": "binary"}, "doc_type": {"type": "string"},
                      "pages": {"type": "string"}}}}}))
    async def extract(request: Request):
        """One file (PDF or image) read as `obligations run` reads it: JSON with the file as
        base64 in the key `file`, or multipart/form-data with a `file` part."""
        data, filename, doc_type, pages = await _extract_input(request, config)
        page_set = _check_extract_options(state, doc_type, pages)
        return await _submit(state, "extract", (data, filename, doc_type, page_set))

    # ------------------------------------------------------------------ OpenAI wire format

    @app.get("/v1/models", response_model=schemas.ModelList, responses=PROBLEMS, tags=["openai"])
    async def models():
        info_ = state["engine"].info
        return {"object": "list", "data": [
            {"id": info_.model or info_.service, "object": "model", "created": int(state["started"]),
             "owned_by": "obligations"}]}

    @app.post("/v1/chat/completions", response_model=schemas.ChatResponse, responses=PROBLEMS, tags=["openai"],
              openapi_extra=schemas.request_body(schemas.ChatRequest))
    async def chat(request: Request):
        """An OpenAI chat completion over the images of the messages (image_url data: URIs, in
        order), with the model's own token counts in `usage`; `stream: true` answers as
        server-sent events."""
        body = await _json_body(request, config)
        images, prompt, system = _chat_message(body, config.max_pixels)
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or 256
        if not isinstance(max_tokens, int) or not 1 <= max_tokens <= 32768:
            raise HTTPProblem(400, "max_tokens must be an integer between 1 and 32768")
        answer = await _submit(state, "chat", (ChatItem(images[0], prompt, system, tuple(images[1:])), max_tokens))
        logprob = math.log(max(answer.confidence, 1e-9))
        read, written = answer.prompt_tokens or 0, answer.completion_tokens or 0
        usage = {"prompt_tokens": read, "completion_tokens": written, "total_tokens": read + written}
        head = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()),
                "model": state["engine"].info.model or state["engine"].info.service}
        # One entry carrying the answer's mean token probability.
        logprobs = {"content": [{"token": "", "logprob": logprob}]}
        if body.get("stream") is True:
            with_usage = isinstance(body.get("stream_options"), dict) and body["stream_options"].get("include_usage")
            return StreamingResponse(_chat_events(head, answer.text, logprobs, usage if with_usage else None),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        return {**head, "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.text}, "logprobs": logprobs}],
                "usage": usage}

    # ------------------------------------------------------------------ the review page

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request):
        base = (request.scope.get("root_path") or "").rstrip("/") + "/"
        html = _static_text("review.html").replace("{{base}}", base).replace("{{version}}", __version__)
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        base = (request.scope.get("root_path") or "").rstrip("/") + "/"
        return HTMLResponse(_static_text("docs.html").replace("{{base}}", base))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str):
        if name not in STATIC:
            raise HTTPProblem(404, "no such file")
        return Response(_static_text(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    @app.get("/api/review/items", response_model=schemas.ReviewList, responses=PROBLEMS, tags=["review"])
    async def review_items():
        """The files to review: uploads and results opened from disk, those with invalid,
        to-review or low-confidence fields first."""
        store = state["review"]
        return {"items": store.listing(), "low_confidence": store.low_confidence,
                "workspace": store.describe_workspace()}

    @app.post("/api/review/items", response_model=schemas.ReviewItem, responses=PROBLEMS, tags=["review"],
              status_code=202, openapi_extra={"requestBody": {"required": True, "content": {
                  "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                      "file": {"type": "string", "format": "binary"}, "doc_type": {"type": "string"},
                      "pages": {"type": "string"}}}}}}})
    async def review_upload(request: Request):
        """Upload a file (PDF or image): it is queued for the server's backend at once; poll
        the item for its progress."""
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise HTTPProblem(400, "send the file as multipart/form-data with a 'file' part")
        data, filename, doc_type, pages = await _extract_input(request, config)
        page_set = _check_extract_options(state, doc_type, pages)
        store: ReviewStore = state["review"]
        entry = await run_in_threadpool(store.add_upload, filename, data)
        task = asyncio.create_task(_read_upload(state, entry, doc_type, page_set))
        state["tasks"].add(task)
        task.add_done_callback(state["tasks"].discard)
        return store.summary(entry)

    @app.get("/api/review/items/{item_id}", response_model=schemas.ReviewItem, responses=PROBLEMS,
             tags=["review"])
    async def review_item(item_id: str):
        store = state["review"]
        return store.summary(store.get(item_id))

    @app.get("/api/review/items/{item_id}/result", response_model=schemas.ExtractResponse,
             response_model_exclude_unset=True, responses=PROBLEMS, tags=["review"])
    async def review_result(item_id: str):
        """The item's result as it stands (corrections included, saved or not)."""
        return state["review"].result(item_id)

    @app.get("/api/review/items/{item_id}/pages/{page}", tags=["review"], response_class=Response,
             responses={200: {"content": {"image/jpeg": {}}, "description": "The page, upright, at the size "
                                                                         "its boxes refer to."}, **PROBLEMS})
    async def review_page_image(item_id: str, page: int):
        data = await run_in_threadpool(state["review"].page_image, item_id, page)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})

    @app.patch("/api/review/items/{item_id}/documents/{document}/fields/{field_id}",
               response_model=schemas.FieldEdited, response_model_exclude_unset=True, responses=PROBLEMS,
               tags=["review"],
               openapi_extra=schemas.request_body(schemas.FieldEdit))
    async def review_edit(item_id: str, document: int, field_id: str, request: Request):
        """Correct, accept or revert one field (document counts from 0). A correction is
        normalised and validated as a run would; the field gets source "user" and keeps the
        machine's answer in machine_value."""
        edit = _parsed(schemas.FieldEdit, await _json_body(request, config))
        store: ReviewStore = state["review"]
        f, warning, entry = store.edit(item_id, document, field_id, edit.value, edit.accept, edit.revert)
        return {"field": f, "warning": warning, "item": store.summary(entry)}

    @app.post("/api/review/items/{item_id}/save", response_model=schemas.Saved, responses=PROBLEMS,
              tags=["review"], openapi_extra=schemas.request_body(schemas.SaveRequest))
    async def review_save(item_id: str, request: Request):
        """Write the result atomically: beside the original as <stem>.reviewed.json, or over it
        with overwrite; an upload's beside the uploaded file in the workspace."""
        raw = await _read_body(request, config)
        save = _parsed(schemas.SaveRequest, _json_object(raw) if raw.strip() else {})
        store: ReviewStore = state["review"]
        entry = await run_in_threadpool(store.save, item_id, save.overwrite)
        return {"saved_as": entry.saved_as, "item": store.summary(entry)}

    @app.get("/api/review/items/{item_id}/export", tags=["review"], response_class=Response,
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}, **PROBLEMS})
    async def review_export(item_id: str, format: str = "json"):  # noqa: A002 (the query parameter's name)
        """Download the result as JSON (as saved) or CSV (one row per field, with machine_value)."""
        data, media_type, filename = state["review"].export(item_id, format)
        return Response(data, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{_ascii_name(filename)}"'})

    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in schemas.REQUEST_MODELS:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            if config.api_key:
                schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return app


async def _read_upload(state: dict, entry, doc_type: str, pages: set[int] | None) -> None:
    """An upload through the work queue, its progress kept on the item."""
    engine: Engine = state["engine"]
    try:
        entry.pages_total = await run_in_threadpool(engine.count_pages, entry.source_path) or None
        entry.status = "reading"

        def on_page():
            entry.pages_done += 1

        entry.result = await state["scheduler"].submit(
            "review", (entry.source_path, entry.name, doc_type, pages, on_page))
        entry.status = "done"
    except QueueFull as exc:
        entry.status, entry.error = "failed", f"the server is busy ({exc}): upload it again in a moment"
    except ObligationsError as exc:
        entry.status, entry.error = "failed", exc.message
    except Exception:
        logs.log.exception("review: reading %s failed", entry.name)
        entry.status, entry.error = "failed", f"internal error (request id {logs.request_id.get()})"


def _route_template(app: FastAPI, scope: dict) -> str:
    """The template of the route a request goes to (its label in metrics and in the key check)."""
    partial = None
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route.path
        if match == Match.PARTIAL and partial is None:
            partial = route.path  # the path exists, with another method (405)
    return partial or UNMATCHED


def _static_text(name: str) -> str:
    return resources.files("obligations.server").joinpath("static", name).read_text(encoding="utf-8")


def _ascii_name(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "result"


def _parsed(model, body: dict):
    try:
        return schemas.parse(model, body)
    except ValueError as exc:
        raise HTTPProblem(400, str(exc)) from None


def _check_extract_options(state: dict, doc_type: str, pages) -> set[int] | None:
    known = state["engine"].doctypes()
    if doc_type != "auto" and doc_type not in known:
        raise HTTPProblem(422, f"unknown doc_type {doc_type!r}: use auto or one of {', '.join(sorted(known))}")
    try:
        return parse_page_spec(pages) if pages else None
    except ObligationsError as exc:
        raise HTTPProblem(422, exc.message) from None


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
    return _json_object(await _read_body(request, config))


def _json_object(raw: bytes) -> dict:
    import json

    try:
        body = json.loads(raw)
    except ValueError:
        raise HTTPProblem(400, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HTTPProblem(400, "request body must be a JSON object")
    return body


def _decode_base64(data, key: str) -> bytes:
    if not isinstance(data, str) or not data:
        raise HTTPProblem(400, f"expected base64 data in a string under the key '{key}'")
    if data.startswith("data:"):
        _, _, data = data.partition(",")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPProblem(400, f"the key '{key}' is not valid base64") from None


def _decode_image(data, max_pixels: int, key: str) -> Image.Image:
    raw = _decode_base64(data, key)
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


async def _chat_events(head: dict, text: str, logprobs: dict, usage: dict | None):
    """A chat completion as OpenAI's stream of chunks: the role, the content, the finish, the
    usage if asked for, then [DONE]."""
    def event(choices: list, **more) -> str:
        return "data: " + json.dumps({**head, "object": "chat.completion.chunk", "choices": choices, **more},
                                     ensure_ascii=False) + "\n\n"

    yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    yield event([{"index": 0, "delta": {"content": text}, "logprobs": logprobs, "finish_reason": None}])
    yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    if usage is not None:
        yield event([], usage=usage)
    yield "data: [DONE]\n\n"


def _chat_message(body: dict, max_pixels: int) -> tuple[list[Image.Image], str, str | None]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise HTTPProblem(400, "messages must be a non-empty list")
    system, texts, images = None, [], []
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
                images.append(_decode_image(url, max_pixels, "image_url.url"))
    if not images:
        raise HTTPProblem(400, "no image in the messages (send one as an image_url data URI)")
    return images, "\n".join(texts), system


async def _extract_input(request, config: ServerConfig) -> tuple[bytes, str, str, str | None]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception:  # a malformed multipart body: what the parser says is no business of the client
            raise HTTPProblem(400, "malformed multipart/form-data body (expected a 'file' part)") from None
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise HTTPProblem(400, f"multipart request needs a 'file' part (got: {', '.join(form.keys()) or 'none'})")
        data = await upload.read()
        if len(data) > config.max_body_bytes:
            raise HTTPProblem(413, f"file over {config.max_body_bytes} bytes")
        if not data:
            raise HTTPProblem(400, "the 'file' part is empty")
        return (data, Path(upload.filename or "upload").name or "upload", str(form.get("doc_type") or "auto"),
                form.get("pages") or None)
    body = _parsed(schemas.ExtractRequest, await _json_body(request, config))
    data = _decode_base64(body.file, "file")
    return data, Path(body.filename or "upload").name or "upload", body.doc_type or "auto", body.pages


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
