"""file -> pages -> text (text layer or OCR) -> document types -> fields -> result.

Pages of all input files stream through one pool of worker processes: a worker
renders its page, reads it and, while it holds the raster, reads again the regions
one pass misses for the type the page looks like (words in the wrong script, the
passport's vertical number), so the main process never holds page rasters, and
single-page files keep every core busy. Each file is finished (classified,
fields located, validated) as soon as its last page is read, in input order; a
one-page file by the worker that read it, so that the main process only writes.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Iterator

from .backends import SERVICES, Backend, BackendInfo, TextLayerBackend, select_backend
from .backends.base import PageText, Word
from .classify import (UNKNOWN, Classification, classification_prompt, classify, classify_answer, classify_page,
                       forced, group_pages)
from .doctypes import DocType, load_doctypes
from .errors import InputError, MissingDependency, ObligationsError, UsageError
from .fields.locate import Found, find_text_box, locate_fields
from .reading import follow_up
from .reading.dropped_lines import doubt_block_values
from .reading.figures import doubt_disagreeing_figures
from .reading.invalid_values import reread_invalid
from .reading.page import page_raster, read_page, to_page_pixels
from .results import DocumentResult, FieldResult, PageResult, Result
from .sources import DEFAULT_DPI, DEFAULT_MAX_PIXELS, Source, absent_pages_notice, open_source, text_layer

# Workers are forked where that is safe (Linux): they inherit what the parent loaded (OCR
# engines) and share its memory. Elsewhere Python's default start method is used.
FORK = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None


@dataclass
class RunOptions:
    service: str = "auto"
    doc_type: str = "auto"
    pages: set[int] | None = None
    dpi: int | None = None  # PDF pages rendered at this resolution (None: a scan at its own, others at 300)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    lang: str = "rus+eng"
    force_ocr: bool = False
    password: str | None = None
    doctypes_dir: Path | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS
    # Model backends (issue B/C): see backends/__init__.py for how they are chosen.
    model: str | None = None  # catalog id or Hugging Face repo
    model_path: Path | None = None
    precision: str = "auto"
    attn: str = "auto"
    vlm_max_pixels: int | None = None
    need_bbox: bool = False
    locate: bool = False  # a Tesseract pass to give model answers their boxes
    mode: str = "per-field"
    prompts: Path | None = None
    system_prompt: Path | None = None
    remote_url: str | None = None
    remote_model: str | None = None
    api_key: str | None = None
    concurrency: int = 4
    # A text-layer document whose values fail their checks is read by OCR as well (verify.py).
    fallback: bool = True

    def reading_fingerprint(self) -> str:
        """The options that change how a page is read (for pages kept between runs)."""
        keys = ("service", "doc_type", "dpi", "lang", "force_ocr", "model", "model_path", "precision",
                "vlm_max_pixels", "locate", "mode", "remote_url", "remote_model")
        return repr({key: getattr(self, key) for key in keys})


@dataclass
class FileOutcome:
    path: Path
    result: Result | None = None
    error: ObligationsError | None = None
    explain: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the user is told at once (also in warnings)


class Pipeline:
    def __init__(self, options: RunOptions, backend: tuple[Backend | None, str] | None = None):
        """`backend`: an engine already chosen (and loaded) with its reason, e.g. a server's."""
        if options.dpi is not None and (options.dpi < 50 or options.dpi > 1200):
            raise UsageError(f"--dpi {options.dpi}: use a value between 50 and 1200")
        self.options = options
        self.doctypes: dict[str, DocType] = load_doctypes(options.doctypes_dir)
        if options.doc_type not in ("auto", *self.doctypes):
            raise UsageError(
                f"unknown --doc-type {options.doc_type!r}: choose auto or one of {', '.join(sorted(self.doctypes))}"
            )
        # How model backends are asked (fields/asking.py, imported by runs that ask).
        self._asking = (options.mode, _collection(options.prompts), options.system_prompt)
        self._pool: ProcessPoolExecutor | None = None
        self._threads: ThreadPoolExecutor | None = None
        if backend is not None:
            self._take_backend(*backend)
        elif _deferred(options):
            # `auto` chooses its engine when a page first needs one (see `_choose_backend`):
            # choosing costs 40-50 ms (a remote server's health check, the model catalog and a
            # GPU probe, Tesseract's check), which a batch of digital PDFs never needs.
            self._backend = _UNCHOSEN
        else:
            self._take_backend(*select_backend(options))

    def _take_backend(self, backend: Backend | None, reason: str) -> None:
        self._backend, self._reason = backend, reason
        # A model backend reads in this process (one copy of its weights); a Tesseract pass,
        # when asked for, gives its answers boxes.
        self._capabilities = (backend or TextLayerBackend()).capabilities
        self._in_process = self._capabilities.in_process
        self._locator = None
        if self.options.locate and self._in_process:
            from .backends.tesseract import TesseractBackend  # Pillow and Tesseract: runs that OCR

            self._locator = TesseractBackend(lang=self.options.lang)

    @property
    def chosen(self) -> bool:
        """Whether the engine for pages without a text layer has been chosen (see `_choose_backend`)."""
        return self._backend is not _UNCHOSEN

    def _choose_backend(self) -> None:
        if self._backend is _UNCHOSEN:
            self._take_backend(*select_backend(self.options))

    # The engine and what follows from it, chosen when first asked for.
    @property
    def backend(self) -> Backend | None:
        self._choose_backend()
        return self._backend

    @property
    def reason(self) -> str:
        self._choose_backend()
        return self._reason

    @property
    def capabilities(self):
        self._choose_backend()
        return self._capabilities

    @property
    def in_process(self) -> bool:
        self._choose_backend()
        return self._in_process

    @property
    def locator(self) -> Backend | None:
        self._choose_backend()
        return self._locator

    @property
    def questions(self):
        from .fields.asking import Questions

        return Questions(*self._asking)

    # ------------------------------------------------------------------ public surface

    def backend_info(self) -> BackendInfo:
        if self.backend is not None:
            return self.backend.info()
        return TextLayerBackend(self.reason).info()

    def run(self, paths: list[Path], on_page=None, read_before=None) -> Iterator[FileOutcome]:
        """Outcomes in input order; a bad file becomes an outcome with an error, never an exception.
        `read_before` (e.g. results.PartialPages): where a multi-page file's pages are kept as
        they are read (`add(path, source, page)`) and found again (`load(path, source)`), so
        that a run interrupted in a long PDF goes on where it stopped."""
        files = deque()
        in_flight: deque[tuple[_FileWork, int, Future]] = deque()
        window = 2 * max(1, self.options.jobs, self.options.concurrency)
        tasks = self._page_tasks(paths, files, read_before)
        first = next(tasks, None)
        tasks = itertools.chain([first] if first else [], tasks)
        exhausted = False
        ocr_ahead = first is not None and self._needs_ocr(*first)
        if ocr_ahead:
            self._choose_backend()  # before the workers start: they share what it loaded
        with self._workers(ocr_ahead):
            while True:
                while not exhausted and len(in_flight) < window:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                        break
                    work, page = task
                    in_flight.append((work, page, self._submit_page(work, page)))
                # Finish the files at the head whose pages are all read.
                while files and (files[0].error or files[0].done_reading):
                    yield self._finish_safely(files.popleft())
                if not in_flight:
                    if exhausted and not files:
                        return
                    continue
                work, page, future = in_flight.popleft()
                if _needs_backend(future):
                    # The run's first page without a text layer: the engine is chosen here, in
                    # the main process, and the page read again under it (first, in its turn).
                    self._backend_chosen_mid_run()
                    in_flight.appendleft((work, page, self._submit_page(work, page)))
                    continue
                page_read = _take(work, future.result)
                if read_before is not None and page_read is not None:
                    read_before.add(work.path, work.source, page_read)
                if on_page:
                    on_page()

    def process(self, path: Path) -> Result:
        """One file, raising its error: the entry point for servers and tests."""
        outcome = next(self.run([path]))
        if outcome.error:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result

    def count_pages(self, paths: list[Path]) -> int:
        """Pages the run will read (for a progress bar); unreadable files count none."""
        total = 0
        for path in paths:
            try:
                total += len(open_source(path, self.options.pages, self.options.password, self.options.max_pixels).pages)
            except ObligationsError:
                pass
        return total

    # ------------------------------------------------------------------ reading pages

    def _page_tasks(self, paths: list[Path], files: deque, read_before=None) -> Iterator[tuple["_FileWork", int]]:
        for path in paths:
            work = _FileWork(path, started=time.perf_counter())
            try:
                work.source = open_source(path, self.options.pages, self.options.password, self.options.max_pixels)
            except ObligationsError as exc:
                work.error = exc
            work.load_s = time.perf_counter() - work.started
            files.append(work)
            if work.source is None:
                continue
            if read_before is not None and len(work.source.pages) > 1:
                work.pages = read_before.load(path, work.source)
            done = {p.page for p in work.pages}
            todo = [page for page in work.source.pages if page not in done]
            work.pending = len(todo)
            for page in todo:
                yield work, page

    def _submit_page(self, work: "_FileWork", page: int) -> Future:
        # A one-page file is read and finished (classified, its fields located) by one worker:
        # the main process, which every file passes through, only writes it. Measured on 200
        # one-page digital PDFs, 2 workers: 60-67 -> 77-84 pages/s.
        if self._pool is not None and len(work.source.pages) == 1:
            return self._submit(_read_file, work, page)
        if self._threads is not None:
            return self._threads.submit(_read_page, self, work.source, page)
        return self._submit(_read_page, work.source, page)

    def _backend_chosen_mid_run(self) -> None:
        """The engine chosen once a page needs it, and the workers restarted to carry it: those
        started before it was chosen read text layers only (a page without one comes back
        unread). A model that reads in this process (one copy of its weights) reads the rest
        of the run there, as it would have from the start."""
        self._choose_backend()
        self._start_threads()
        if self._pool is None or self._pool_chosen:
            return
        # The pages already sent still come back (read, or unread to be sent again).
        self._pool.shutdown(wait=True)
        self._pool = None
        if not self._in_process:
            self._pool = self._start_pool()

    def _needs_ocr(self, work: "_FileWork", page: int) -> bool:
        """Whether a page will be OCR'd: no text layer, or --force-ocr."""
        assert work.source is not None
        if self.options.force_ocr or not work.source.is_pdf:
            return True
        try:
            return text_layer(work.source, page, self.options.dpi or DEFAULT_DPI) is None
        except Exception:  # a damaged page: its worker reports it with the file
            return True

    @contextmanager
    def _workers(self, ocr_ahead: bool):
        """A pool of worker processes for the run (none for --jobs 1: work runs in-process).
        When the run's first page needs OCR, the engines are loaded before the workers are
        forked, so that they share one copy. A run that starts with a digital PDF is taken for
        a batch of them: loading engines would cost it more (0.25-0.5 s) than reading 30 of
        its pages; a worker that meets a scan later loads its own."""
        # Not chosen yet: a run of digital PDFs, which workers read (see `_backend_chosen_mid_run`).
        if self.options.jobs > 1 and not (self.chosen and self._in_process):
            if self.chosen and self._capabilities.preloads and FORK is not None and ocr_ahead:
                self._backend.load_engines()  # before the fork: the workers share one copy
            self._pool = self._start_pool()
        if self.chosen:
            self._start_threads()
        try:
            yield
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or failed: the workers are stopped, not waited for.
            # Joining them could hang for good (a worker mid-page, a result half sent).
            if self._pool is not None:
                _stop_workers(self._pool)
                self._pool = None
            raise
        finally:
            if self._pool is not None:
                pool, self._pool = self._pool, None
                _shut_down(pool)
            if self._threads is not None:
                self._threads.shutdown(wait=False, cancel_futures=True)
                self._threads = None

    def _start_threads(self) -> None:
        """Threads that send pages to a remote engine several at a time (--remote-concurrency):
        a server batches what is in flight (a vLLM server reads 4 pages at once ~3x faster than
        one after another, benchmarks/remote_concurrency.py). Only pages are read in them;
        finishing a file stays in this thread."""
        if self._threads is None and self._capabilities.remote and self.options.concurrency > 1:
            self._threads = ThreadPoolExecutor(self.options.concurrency, thread_name_prefix="obligations-page")

    def _start_pool(self) -> ProcessPoolExecutor:
        self._pool_chosen = self.chosen  # whether its workers carry the engine
        if FORK is not None:
            # What is loaded now (modules, doctypes, engines) lives as long as the workers: kept
            # out of the collector's sight, a worker's full collections no longer walk it
            # (measured on 200 digital PDFs in one process: 6.0 -> 5.85 ms a page).
            gc.freeze()
        pool = ProcessPoolExecutor(self.options.jobs, mp_context=FORK, initializer=_init_worker, initargs=(self,))
        if FORK is not None and hasattr(signal, "pthread_sigmask"):
            # The workers forked now with Ctrl-C and SIGTERM held back: one arriving mid-fork is
            # raised inside the fork's own callbacks (a traceback, the interrupt lost); held, it
            # is acted on as soon as the workers are up.
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                try:
                    pool.submit(int).result()
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held is raised here
            except BaseException:
                _stop_workers(pool)  # not yet the run's: stopped here, as `_workers` stops the run's
                raise
        return pool

    def _submit(self, fn, *args) -> Future:
        """`fn(pipeline, *args)` in a worker, with the worker's copy of this pipeline (set when
        the worker started, not sent with every task); in this process without workers."""
        if self._pool is not None:
            return self._pool.submit(_in_worker, fn, *args)
        future: Future = Future()
        try:
            future.set_result(fn(self, *args))
        except Exception as exc:  # an interrupt is not the page's: it ends the run
            future.set_exception(exc)
        return future

    # ------------------------------------------------------------------ finishing a file

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": None, "_threads": None}  # what a spawned worker gets: no workers

    def _finish_safely(self, work: "_FileWork") -> FileOutcome:
        if work.outcome is not None:  # finished by its worker
            return work.outcome
        try:
            return self._finish(work)
        except ObligationsError as exc:
            return FileOutcome(work.path, error=exc)
        except Exception as exc:  # a bug must cost one file, not the batch
            return FileOutcome(work.path, error=InputError(
                f"{work.path}: internal error, please report: {type(exc).__name__}: {exc}"))

    def _finish(self, work: "_FileWork") -> FileOutcome:
        if work.error is not None:
            return FileOutcome(work.path, error=work.error)
        source = work.source
        assert source is not None
        pages = sorted(work.pages, key=lambda p: p.page)
        notices = [notice] if (notice := absent_pages_notice(source)) else []
        for page in pages:
            if page.text_source != "none":
                continue
            if self.options.service != "text":
                reason = f"pages without a text layer need OCR, but {self._unusable_ocr()}"
                return FileOutcome(work.path, error=MissingDependency(f"{work.path}: page {page.page}: {reason}", reason))
            if not source.is_pdf:
                return FileOutcome(work.path, error=InputError(
                    f"{work.path}: an image has no text layer, and --ocr-service text does no OCR "
                    "(use --ocr-service auto or tesseract)"))
            notices.append(f"page {page.page}: no text layer, and --ocr-service text does no OCR")
        warnings = list(notices)
        started = time.perf_counter()
        labels = [self._classify(source, page) for page in pages]
        classify_s = time.perf_counter() - started

        started = time.perf_counter()
        documents = []
        for doc_type, indexes, confidence in group_pages(labels, self.doctypes):
            doc_pages = [pages[i] for i in indexes]
            if doc_type == UNKNOWN:
                numbers = ", ".join(str(p.page) for p in doc_pages)
                warnings.append(f"page {numbers}: document type not recognised ({labels[indexes[0]].explain()})")
                documents.append(DocumentResult(UNKNOWN, [p.page for p in doc_pages], 0.0, {}))
                continue
            doctype = self.doctypes[doc_type]
            doubted = [(p.page, labels[i]) for p, i in zip(doc_pages, indexes) if labels[i].doubted_as is not None]
            for number, label in doubted:
                looks = ("no known type" if label.doubted_as == UNKNOWN
                         else f"a {label.doubted_as}")
                warnings.append(f"page {number}: --doc-type {doc_type} forced, but the page looks like {looks} "
                                f"({label.explain()}); confidence {label.confidence}")
            if labels[indexes[0]].by_values:
                warnings.append(f"page {doc_pages[0].page}: document type not recognised by its phrases; "
                                f"taken as {doc_type}, whose values validate best ({labels[indexes[0]].explain()})")
            if all(p.text_source == "vlm" for p in doc_pages) and self._answers():
                found = self._ask_fields(source, doctype, doc_pages)
            else:
                self._follow_up(source, doctype, doc_pages)
                found = locate_fields(doctype, doc_pages)
                doubt_block_values(doc_pages, found)
                doubt_disagreeing_figures(doc_pages, found)
                # Before an engine is chosen every page is a text layer's: nothing to read again.
                if self.chosen and self._backend is not None:
                    reread_invalid(doctype, doc_pages, found, lambda regions: self._read_regions_of_pages(source, doc_pages, regions))
                self._box_unboxed_values(doc_pages, found)
            to_page_pixels(doc_pages, found)
            fields = {field_id: FieldResult.from_found(f) for field_id, f in found.items()}
            warnings += [f"page {f.page}: {f.warning}" for f in found.values() if f.warning]
            if self._falls_back(doc_pages, fields):
                fields, disagreements = self._read_again_by_ocr(source, doctype, doc_pages, fields)
                warnings += disagreements
            documents.append(DocumentResult(doc_type, [p.page for p in doc_pages], confidence, fields))
        extract_s = time.perf_counter() - started

        per_page = [{"page": p.page, **{k: round(v, 4) for k, v in p.seconds.items()}} for p in pages]
        timing = {
            # Wall time from opening the file to its result (its pages read side by side count
            # once); `summed` adds up every step's time in every process.
            "total": round(time.perf_counter() - work.started, 4),
            "summed": round(work.load_s + sum(sum(p.seconds.values()) for p in pages) + classify_s + extract_s, 4),
            "load": round(work.load_s, 4),
            "rasterize": round(sum(p.seconds.get("rasterize", 0.0) for p in pages), 4),
            "ocr": round(sum(p.seconds.get("ocr", 0.0) for p in pages), 4),
            "classify": round(classify_s, 4),
            "extract": round(extract_s, 4),
            "per_page": per_page,
        }
        if self.chosen and self._in_process:
            timing["vlm"] = round(sum(p.seconds.get("vlm", 0.0) for p in pages), 4)
            timing["model_load"] = round(self.backend.load_s or 0.0, 4)
            peak = self.backend.peak_memory_gb()
            if peak is not None:
                timing["peak_vram_gb"] = peak
        result = Result(
            source={
                "path": str(source.path),
                "sha256": source.sha256,
                "media_type": source.media_type,
                "page_count": source.page_count,
            },
            backend=self._backend_for(pages),
            documents=documents,
            pages=[PageResult.from_page(p) for p in pages],
            timing_s=timing,
            warnings=warnings,
        )
        explain = [
            f"page {p.page}: {label.doc_type} (scores: {label.explain()}); text from {p.text_source}"
            for p, label in zip(pages, labels)
        ]
        return FileOutcome(work.path, result=result, explain=explain, notices=notices)

    def _falls_back(self, pages: list[PageText], fields: dict[str, FieldResult]) -> bool:
        """Whether a text-layer document is read by OCR as well: some value fails its checks (a
        text layer can be wrong: one that OCR software left under a scan). Valid ones pay nothing."""
        return (self.options.fallback and self.options.service != "text"
                and all(p.text_source == "text_layer" for p in pages)
                and any(f.value is not None and f.valid is False for f in fields.values()))

    def _read_again_by_ocr(self, source: Source, doctype: DocType, pages: list[PageText],
                           fields: dict[str, FieldResult]) -> tuple[dict[str, FieldResult], list[str]]:
        """`fields` merged with those OCR finds on the pages as they look (verify.merge_fields)."""
        from .verify import merge_fields, on_pages

        if self.backend is None or self._answers():
            return fields, [f"page {pages[0].page}: values fail their checks and no OCR engine here reads "
                            f"the page to check them ({self.reason})"]
        futures = [self._submit(_ocr_page, source, page.page) for page in pages]
        read = [future.result() for future in futures]
        self._follow_up(source, doctype, read)
        found = locate_fields(doctype, read)
        to_page_pixels(read, found)
        second = on_pages({field_id: FieldResult.from_found(f) for field_id, f in found.items()}, read, pages)
        return merge_fields(fields, second, "text_layer", self.backend.info().service)

    def _unusable_ocr(self) -> str:
        """Why no engine reads pages here (the install command for what is missing)."""
        from .backends.tesseract import TesseractBackend

        try:
            TesseractBackend(lang=self.options.lang).check()
        except MissingDependency as exc:
            return exc.message
        return f"no engine was chosen ({self.reason})"

    def _classify(self, source: Source, page: PageText) -> Classification:
        if self.options.doc_type != "auto":
            return forced(self.options.doc_type, classify_page(page.text, self.doctypes))
        if page.text_source == "vlm" and not page.words and self._answers():
            # No OCR text to score: the model says what the page is.
            started = time.perf_counter()
            image = page_raster(source, page)
            answer = self.backend.chat(image, [classification_prompt(self.doctypes)], max_new_tokens=8)[0]
            page.seconds["vlm"] = page.seconds.get("vlm", 0.0) + time.perf_counter() - started
            return classify_answer(answer.text, self.doctypes)
        label = classify(page, self.doctypes)
        if label.doc_type == UNKNOWN and page.claimed is not None:
            # Its title read first, lost to a follow-up read of the same line ('СТРАХОВОЕ
            # СВИДЕТЕЛЬСТВО' over a fax's streak, then 'С"ГРАХОВОЕ СВИДЕГЕЛЬСТВО').
            return page.claimed
        return label

    def _answers(self) -> bool:
        return self.capabilities.kind == "answerer"

    def _ask_fields(self, source: Source, doctype: DocType, pages: list[PageText]) -> dict[str, Found]:
        """Each field asked of the document's pages in turn until one answers it."""
        found: dict[str, Found] = {spec.id: Found() for spec in doctype.fields}
        for page in pages:
            todo = [spec for spec in doctype.fields if found[spec.id].value is None]
            if not todo:
                break
            started = time.perf_counter()
            image = page_raster(source, page)
            from .fields.asking import ask_fields  # runs that ask a model only

            for field_id, answer in ask_fields(self.backend, image, doctype, todo, page.page, page.words,
                                               self.questions).items():
                if answer.value is not None:
                    found[field_id] = answer
            page.seconds["vlm"] = page.seconds.get("vlm", 0.0) + time.perf_counter() - started
        return found

    def _box_unboxed_values(self, pages: list[PageText], found: dict[str, Found]) -> None:
        """A reader that gives no boxes (GOT-OCR2) lays its words over the page only to keep
        their order: a value's box comes from the Tesseract pass, or there is none."""
        if not (self.chosen and self._in_process) or self._capabilities.boxes:
            return
        by_number = {p.page: p for p in pages}
        for field_id, value in found.items():
            page = by_number.get(value.page or 0)
            if value.bbox is not None and page is not None and page.text_source == "vlm":
                found[field_id] = replace(value, bbox=find_text_box(value.raw or "", page.reference_words))

    def _backend_for(self, pages: list[PageText]) -> BackendInfo:
        if pages and all(p.text_source == "text_layer" for p in pages):
            return TextLayerBackend("every page has a usable PDF text layer").info()
        return self.backend_info()

    def _follow_up(self, source: Source, doctype: DocType, pages: list[PageText]) -> None:
        """The follow-up reads (see `follow_up`) of OCR'd pages their worker did not do for this
        document type: its guess from the page alone differed (e.g. an invoice's continuation)."""
        todo = [p for p in pages if p.text_source == "ocr" and p.followed_up != doctype.id]
        futures = [self._submit(_follow_up_page, source, p, doctype) for p in todo]
        for page, future in zip(todo, futures):
            done = future.result()
            page.words, page.followed_up, page.figures_read_again = done.words, done.followed_up, done.figures_read_again

    def _read_regions_of_pages(self, source: Source, pages: list[PageText],
                               regions: dict[int, list[tuple]]) -> dict[int, list]:
        """The words in regions of several pages, each page read by a worker."""
        by_number = {p.page: p for p in pages}
        futures = {number: self._submit(_read_regions, source, by_number[number], requests)
                   for number, requests in regions.items()}
        return {number: future.result() for number, future in futures.items()}


@dataclass
class _FileWork:
    path: Path
    source: Source | None = None
    error: ObligationsError | None = None
    pages: list[PageText] = field(default_factory=list)
    pending: int = 0
    started: float = 0.0  # time.perf_counter() when the file was opened (monotonic across processes)
    load_s: float = 0.0
    outcome: FileOutcome | None = None  # a one-page file finished by its worker

    @property
    def done_reading(self) -> bool:
        return self.source is not None and self.pending == 0


# ---------------------------------------------------------------------- worker side


class _NeedsBackend(Exception):
    """A page without a text layer, met before the engine was chosen: the main process
    chooses it and sends the page again."""


def _needs_backend(future: Future) -> bool:
    try:
        return isinstance(future.exception(), _NeedsBackend)
    except CancelledError:  # `_take` reports it
        return False


def _take(work: _FileWork, read) -> PageText | None:
    """What a worker sent back for `work`: one of its pages (returned), or the whole file finished."""
    page = None
    try:
        value = read()
    except _NeedsBackend:
        raise
    except ObligationsError as exc:
        work.error = work.error or exc
    except Exception as exc:  # a worker died or a library failed: only this file fails
        work.error = work.error or InputError(f"{work.path}: {type(exc).__name__}: {exc}")
    else:
        if isinstance(value, FileOutcome):
            work.outcome = value
        else:
            work.pages.append(value)
            page = value
    work.pending -= 1
    return page


_worker_pipeline: Pipeline | None = None


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    # (Taken before `shutdown`, which drops the pool's reference to it.)
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    # The pool's manager thread closes its wake-up pipe as it ends; the interpreter's exit wakes
    # it too, and on a loaded machine the two met: a traceback ('Bad file descriptor') after the
    # one-line message. Its workers killed, it ends at once: waited for, briefly.
    if manager is not None:
        manager.join(timeout=MANAGER_JOIN_S)
        # Ended or still closing (a CI machine running two batches), the exit's wake-up is taken
        # off it, so that the two cannot meet (a wake-up checked open, then closed under it, still
        # printed the traceback); the interpreter still waits for a thread that has not ended.
        from concurrent.futures import process as futures_process

        getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)


MANAGER_JOIN_S = 2.0


def _shut_down(pool: ProcessPoolExecutor) -> None:
    """A finished run's pool shut down, what it still holds cancelled. A signal that comes while
    it shuts down (the run's last page just read) stops its workers as any interrupt does: its
    manager thread, still closing its wake-up pipe when the interpreter's exit woke it, printed a
    traceback after the one-line message."""
    try:
        pool.shutdown(cancel_futures=True)
    except BaseException:
        _stop_workers(pool)
        raise


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
    # Ctrl-C reaches the whole process group: the main process alone decides, and stops the
    # workers (a worker interrupted mid-task can leave the pool waiting on it for good).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # held while it was forked
    # A forked worker inherits the parent's pool object: its own tasks run in-process.
    pipeline._pool = None
    _worker_pipeline = pipeline
    # Leptonica prints diagnostics straight to the C stderr; they mean nothing to a user.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    _tune_allocator()


def _in_worker(fn, *args):
    return fn(_worker_pipeline, *args)


def _tune_allocator() -> None:
    """Measured on 50-page scans, 2 workers: glibc's default heap keeps a page's image buffers
    (tens of MB) between pages and grows (434 MB in all); mapping every block over 1 MB
    afresh keeps it small (311 MB) but costs a fifth more time in page faults. Here big
    blocks come from the heap, which is trimmed after each page (368 MB, the fastest)."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-3, 64 << 20)  # M_MMAP_THRESHOLD, fixed: no dynamic raising
        libc.mallopt(-1, 1 << 20)  # M_TRIM_THRESHOLD


def _trim_heap() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _libc():
    """glibc, to tune its allocator; None elsewhere (nothing to tune)."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _read_file(pipeline: Pipeline, work: _FileWork, page: int) -> FileOutcome:
    """A one-page file, read and finished."""
    _take(work, lambda: _read_page(pipeline, work.source, page))
    return pipeline._finish_safely(work)


def _read_page(pipeline: Pipeline, source: Source, page: int) -> PageText:
    options = pipeline.options
    if not pipeline.chosen:
        # No engine yet: the page's text layer, or back to the main process to choose one.
        read = read_page(source, page, None, pipeline.doctypes, dpi=options.dpi, doc_type=options.doc_type,
                         force_ocr=options.force_ocr)
        if read.text_source == "none":
            raise _NeedsBackend()
        return read
    read = None
    try:
        read = read_page(source, page, pipeline.backend, pipeline.doctypes, dpi=options.dpi, doc_type=options.doc_type,
                         force_ocr=options.force_ocr, locator=pipeline.locator)
        return read
    finally:
        if read is None or read.text_source != "text_layer":  # a text layer leaves no raster behind
            _trim_heap()  # what the page needed goes back to the system before the next one



def _ocr_page(pipeline: Pipeline, source: Source, page: int) -> PageText:
    """A page read by the engine as it looks, whatever text layer it has."""
    options = pipeline.options
    return read_page(source, page, pipeline.backend, pipeline.doctypes, dpi=options.dpi, doc_type=options.doc_type,
                     force_ocr=True, locator=pipeline.locator)


def _follow_up_page(pipeline: Pipeline, source: Source, page: PageText, doctype: DocType) -> PageText:
    follow_up(page, _raster_for(pipeline, source, page), doctype, pipeline.backend)
    return page


def _raster_for(pipeline: Pipeline, source: Source, page: PageText):
    """The page as the pipeline's backend read it (grey for an engine that reads no colour)."""
    return page_raster(source, page, pipeline.capabilities.gray)


def _read_regions(pipeline: Pipeline, source: Source, page: PageText, requests: list[tuple]) -> list[list[Word]]:
    """Words of each (box, angle, lang, flatten) region of one page, rendered once."""
    image = _raster_for(pipeline, source, page)
    return [pipeline.backend.read_region(image, box, angle, lang, flatten) for box, angle, lang, flatten in requests]


class _Unchosen:
    """The engine not chosen yet (one object, also in a worker started by spawn)."""

    def __reduce__(self):
        return "_UNCHOSEN"


_UNCHOSEN = _Unchosen()


def _deferred(options: RunOptions) -> bool:
    """Whether the engine is chosen only when a page first needs one: `auto` without a model
    named (an engine named, or a service asked for by name, is chosen, and fails, at once)."""
    if options.service not in SERVICES:
        raise UsageError(f"unknown --ocr-service {options.service!r}: choose from {', '.join(SERVICES)}")
    return options.service == "auto" and options.model is None and options.model_path is None


def _collection(path: Path | None):
    if path is None:
        return None
    from .prompts import PromptCollection

    return PromptCollection.load(path)
