"""What the server runs, apart from HTTP: the backend, the work queue and its micro-batches.

Every request becomes a job in one bounded queue. Workers (threads, so the event loop never
blocks on inference) take jobs off it; a worker that finds several chat jobs waiting for a
generative model runs them as one batched `generate` call. A full queue refuses new work at
once (the HTTP layer answers 503 with Retry-After) rather than letting latency grow unbounded.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image

from ..backends.base import Answer, ChatItem, group_lines
from ..backends.text_layer import TextLayerBackend
from ..errors import ObligationsError
from ..pipeline import Pipeline, RunOptions
from . import logs
from .metrics import Metrics

LANGUAGES = {"russian": "rus", "english": "eng", "rus": "rus", "eng": "eng", "rus+eng": "rus+eng", "auto": None}
OCR_PROMPT = "Read all text in the image, line by line, exactly as printed."


class QueueFull(Exception):
    pass


@dataclass
class Job:
    kind: str  # "chat" | "ocr" | "extract"
    payload: object
    future: asyncio.Future
    queued_at: float = field(default_factory=time.perf_counter)
    request_id: str = field(default_factory=logs.request_id.get)


class Engine:
    """The backend chosen once at start-up, and the pipeline built around it."""

    def __init__(self, options: RunOptions):
        options = replace(options, jobs=1)  # the server's workers are its parallelism
        self.options = options
        self.pipeline = Pipeline(options)
        self.backend = self.pipeline.backend
        self.info = self.pipeline.backend_info()
        self.capabilities = self.backend.capabilities if self.backend is not None else TextLayerBackend.capabilities
        if self.capabilities.loads:
            self.backend.load()  # fail at start-up, not on the first request

    @property
    def loaded(self) -> bool:
        return not self.capabilities.loads or self.backend._model is not None

    def vram_gb(self) -> float | None:
        """GPU memory the process holds now, for /health and /metrics (None: no model on a GPU here).
        Now, not the peak: a gauge that only rises says nothing about a leak or a release."""
        if not self.capabilities.in_process:
            return None
        torch = sys.modules.get("torch")
        if torch is None or not torch.cuda.is_available() or not torch.cuda.is_initialized():
            return None
        held = sum(torch.cuda.memory_allocated(i) for i in range(torch.cuda.device_count()))
        return round(held / 2**30, 3)

    def doctypes(self) -> dict:
        return self.pipeline.doctypes

    # -------------------------------------------------------------- work (runs in worker threads)

    def chat(self, items: list[ChatItem], max_new_tokens: int) -> list[Answer]:
        if self.capabilities.generates:
            return self.backend.generate(items, max_new_tokens)
        # A reader service (Tesseract, a reader model) answers any prompt with the pages' text
        # (no tokens to count).
        return [Answer("\n\n".join(self.ocr(image, None)["text"] for image in item.images), 1.0, item.image.size)
                for item in items]

    def ocr(self, image: Image.Image, language: str | None) -> dict:
        started = time.perf_counter()
        if self.backend is None:
            raise RuntimeError("this server has no OCR engine (text layers only)")
        if self.capabilities.kind == "answerer":
            answer = self.backend.chat(image, [OCR_PROMPT], max_new_tokens=1024)[0]
            return {"text": answer.text, "blocks": [], "timing_s": round(time.perf_counter() - started, 4)}
        words, rotation = self.backend.read(image, None, language)
        # One confidence scale in every answer: 0-1 (words carry Tesseract's 0-100).
        blocks = [{"text": w.text, "bbox": [int(v) for v in w.bbox], "confidence": round(w.conf / 100, 4),
                   "line": _line_numbers(w.line)} for w in words]
        text = "\n".join(" ".join(w.text for w in line) for line in group_lines(words))
        return {"text": text, "blocks": blocks, "rotation": rotation,
                "timing_s": round(time.perf_counter() - started, 4)}

    def extract(self, data: bytes, filename: str, doc_type: str, pages: set[int] | None) -> dict:
        suffix = Path(filename).suffix[:10] or ".bin"
        with tempfile.TemporaryDirectory(prefix="obligations-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            return self.extract_path(path, filename, doc_type, pages)

    def extract_path(self, path: Path, shown_as: str, doc_type: str, pages: set[int] | None,
                     on_page=None) -> dict:
        """`path` read as `obligations run` reads it; its name in the result and in any error is
        `shown_as` (a client never sees where the server keeps its files)."""
        options = replace(self.options, doc_type=doc_type, pages=pages)
        pipeline = Pipeline(options, backend=(self.backend, self.pipeline.reason))
        try:
            outcome = next(pipeline.run([path], on_page=on_page))
            if outcome.error:
                raise outcome.error
        except ObligationsError as exc:
            exc.message = _hide_path(exc.message, path, shown_as)
            raise
        result = outcome.result
        result.source["path"] = shown_as
        return result.to_dict()

    def count_pages(self, path: Path) -> int:
        return self.pipeline.count_pages([path])


class Scheduler:
    """The bounded queue and the workers that drain it."""

    def __init__(self, engine: Engine, metrics: Metrics, max_queue: int = 64, max_batch: int = 8,
                 workers: int | None = None, batch_wait_s: float = 0.005):
        self.engine = engine
        self.metrics = metrics
        self.max_queue = max_queue
        self.max_batch = max_batch if engine.capabilities.generates else 1
        # One worker per GPU model (it holds the device); CPU engines use the cores.
        self.workers = workers or (1 if engine.capabilities.in_process else max(1, os.cpu_count() or 1))
        self.batch_wait_s = batch_wait_s
        self._queue: asyncio.Queue[Job] | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._tasks: list[asyncio.Task] = []
        self.in_flight = 0

    @property
    def depth(self) -> int:
        return (self._queue.qsize() if self._queue else 0) + self.in_flight

    def start(self) -> None:
        self._queue = asyncio.Queue()
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="obligations-worker")
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]

    async def stop(self) -> None:
        """Finish what is running; fail what still waits (its clients get 503, not a hang)."""
        for task in self._tasks:
            task.cancel()
        while self._queue is not None and not self._queue.empty():
            job = self._queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(QueueFull("server is shutting down"))
        if self._threads is not None:
            self._threads.shutdown(wait=True)

    async def submit(self, kind: str, payload) -> object:
        assert self._queue is not None
        if self.depth >= self.max_queue:
            raise QueueFull(f"queue full ({self.max_queue} requests waiting)")
        job = Job(kind, payload, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(job)
        self.metrics.queue_depth.set(self.depth)
        return await job.future

    async def _work(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            job = await self._queue.get()
            batch = [job]
            if job.kind == "chat" and self.max_batch > 1:
                # Let requests arriving together share one generate call.
                await asyncio.sleep(self.batch_wait_s)
                batch += self._take_more_chat(self.max_batch - 1)
            self.in_flight += len(batch)
            try:
                results = await loop.run_in_executor(self._threads, self._run, batch)
                for item, result in zip(batch, results):
                    if not item.future.done():
                        item.future.set_result(result)
            except Exception as exc:  # the batch fails together; the server goes on
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
            finally:
                self.in_flight -= len(batch)
                self.metrics.queue_depth.set(self.depth)

    def _take_more_chat(self, limit: int) -> list[Job]:
        taken, kept = [], []
        while self._queue is not None and not self._queue.empty() and len(taken) < limit:
            job = self._queue.get_nowait()
            (taken if job.kind == "chat" else kept).append(job)
        for job in kept:
            self._queue.put_nowait(job)
        return taken

    def _run(self, batch: list[Job]) -> list:
        logs.request_id.set(batch[0].request_id)  # this worker thread's log records name the request
        try:
            results = self._dispatch(batch)
            self.metrics.jobs.labels(batch[0].kind, "ok").inc(len(batch))
            return results
        except Exception:
            self.metrics.jobs.labels(batch[0].kind, "failed").inc(len(batch))
            raise
        finally:
            _return_freed_memory()

    def _dispatch(self, batch: list[Job]) -> list:
        kind = batch[0].kind
        if kind == "chat":
            self.metrics.batch_size.observe(len(batch))
            items = [job.payload[0] for job in batch]
            max_new_tokens = max(job.payload[1] for job in batch)
            return self.engine.chat(items, max_new_tokens)
        job = batch[0]
        if kind == "ocr":
            return [self.engine.ocr(*job.payload)]
        if kind == "review":
            return [self.engine.extract_path(*job.payload)]
        return [self.engine.extract(*job.payload)]


def _line_numbers(line) -> list[int]:
    """A word's line key ((block, paragraph, line) numbers) as a list of ints."""
    parts = line if isinstance(line, (tuple, list)) else (line,)
    return [int(v) for v in parts if isinstance(v, (int, float))]


def _hide_path(message: str, path: Path, shown_as: str) -> str:
    for form in sorted({str(path), str(path.resolve())}, key=len, reverse=True):
        message = message.replace(form, shown_as)
    for form in sorted({str(path.parent), str(path.parent.resolve())}, key=len, reverse=True):
        message = message.replace(form + "/", "").replace(form, "")
    return message


# ---------------------------------------------------------------------- memory
#
# Every worker thread gets a glibc malloc arena of its own, and a page's image buffers (tens of
# MB) freed in an arena stay with the process: measured, 40 concurrent /extract requests took
# the server from 321 to 814 MB for good. Fewer arenas, and the heap trimmed after each job, as
# the CLI's workers do after each page.

_M_ARENA_MAX = -8


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _libc()


def limit_arenas(count: int = 2) -> None:
    if _LIBC is not None:
        _LIBC.mallopt(_M_ARENA_MAX, count)


def _return_freed_memory() -> None:
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
