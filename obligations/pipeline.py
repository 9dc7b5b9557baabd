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

import itertools
import multiprocessing
import os
import re
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Iterator

from .backends import Backend, BackendInfo, TesseractBackend, TextLayerBackend, select_backend
from .backends.base import PageText, Word, mean_confidence, union_box
from .classify import (UNKNOWN, Classification, classification_prompt, classify_answer, classify_page, forced,
                       group_pages)
from .doctypes import DocType, load_doctypes
from .errors import InputError, MissingDependency, ObligationsError, UsageError
from .fields.asking import Questions, ask_fields
from .fields.locate import (LINE_GAP, NEIGHBOUR_ROWS, PHRASE_GAP, SURE_CONF, Found, expand, find_text_box,
                            label_boxes, locate_fields, value_from_words)
from .fields.normalize import same_glyphs_in
from .fields.validate import script_of
from .results import DocumentResult, FieldResult, PageResult, Result
from .sources import DEFAULT_MAX_PIXELS, Source, open_source, render_page, text_layer

# A vertically printed field (a passport's series and number) missing from the page's
# horizontal text is read from the page's edge strips turned upright. A strip runs from the
# edge to where the horizontal text ends, kept between these fractions of the page width:
# a card scanned on A4 has its edge well inside the page, and text in a strip that is too
# wide turns into vertical noise beside the field.
EDGE_STRIP_WIDTH = (0.12, 0.35)
# Workers are forked where that is safe (Linux): they inherit what the parent loaded (OCR
# engines) and share its memory. Elsewhere Python's default start method is used.
FORK = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None


@dataclass
class RunOptions:
    service: str = "auto"
    doc_type: str = "auto"
    pages: set[int] | None = None
    dpi: int = 300
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


@dataclass
class FileOutcome:
    path: Path
    result: Result | None = None
    error: ObligationsError | None = None
    explain: list[str] = field(default_factory=list)


class Pipeline:
    def __init__(self, options: RunOptions, backend: tuple[Backend | None, str] | None = None):
        """`backend`: an engine already chosen (and loaded) with its reason, e.g. a server's."""
        if options.dpi < 50 or options.dpi > 1200:
            raise UsageError(f"--dpi {options.dpi}: use a value between 50 and 1200")
        self.options = options
        self.doctypes: dict[str, DocType] = load_doctypes(options.doctypes_dir)
        if options.doc_type not in ("auto", *self.doctypes):
            raise UsageError(
                f"unknown --doc-type {options.doc_type!r}: choose auto or one of {', '.join(sorted(self.doctypes))}"
            )
        self.backend, self.reason = backend or select_backend(options)
        # A model backend reads in this process (one copy of its weights); a Tesseract pass,
        # when asked for, gives its answers boxes.
        self.in_process = getattr(self.backend, "in_process", False)
        self.locator = TesseractBackend(lang=options.lang) if options.locate and self.in_process else None
        self.questions = Questions(options.mode, _collection(options.prompts), options.system_prompt)
        self._pool: ProcessPoolExecutor | None = None

    # ------------------------------------------------------------------ public surface

    def backend_info(self) -> BackendInfo:
        if self.backend is not None:
            return self.backend.info()
        return TextLayerBackend(self.reason).info()

    def run(self, paths: list[Path], on_page=None) -> Iterator[FileOutcome]:
        """Outcomes in input order; a bad file becomes an outcome with an error, never an exception."""
        files = deque()
        in_flight: deque[tuple[_FileWork, Future]] = deque()
        window = 2 * max(1, self.options.jobs)
        tasks = self._page_tasks(paths, files)
        first = next(tasks, None)
        tasks = itertools.chain([first] if first else [], tasks)
        exhausted = False
        with self._workers(first is not None and self._needs_ocr(*first)):
            while True:
                while not exhausted and len(in_flight) < window:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                        break
                    work, page = task
                    # A one-page file is read and finished (classified, its fields located) by
                    # one worker: the main process, which every file passes through, only writes
                    # it. Measured on 200 one-page digital PDFs, 2 workers: 60-67 -> 77-84 pages/s.
                    if self._pool is not None and len(work.source.pages) == 1:
                        in_flight.append((work, self._submit(_read_file, work, page)))
                    else:
                        in_flight.append((work, self._submit(_read_page, work.source, page)))
                # Finish the files at the head whose pages are all read.
                while files and (files[0].error or files[0].done_reading):
                    yield self._finish_safely(files.popleft())
                if not in_flight:
                    if exhausted and not files:
                        return
                    continue
                work, future = in_flight.popleft()
                _take(work, future.result)
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

    def _page_tasks(self, paths: list[Path], files: deque) -> Iterator[tuple["_FileWork", int]]:
        for path in paths:
            work = _FileWork(path)
            started = time.perf_counter()
            try:
                work.source = open_source(path, self.options.pages, self.options.password, self.options.max_pixels)
            except ObligationsError as exc:
                work.error = exc
            work.load_s = time.perf_counter() - started
            files.append(work)
            if work.source is None:
                continue
            work.pending = len(work.source.pages)
            for page in work.source.pages:
                yield work, page

    def _needs_ocr(self, work: "_FileWork", page: int) -> bool:
        """Whether a page will be OCR'd: no text layer, or --force-ocr."""
        assert work.source is not None
        if self.options.force_ocr or not work.source.is_pdf:
            return True
        try:
            return text_layer(work.source, page, self.options.dpi) is None
        except Exception:  # a damaged page: its worker reports it with the file
            return True

    @contextmanager
    def _workers(self, ocr_ahead: bool):
        """A pool of worker processes for the run (none for --jobs 1: work runs in-process).
        When the run's first page needs OCR, the engines are loaded before the workers are
        forked, so that they share one copy. A run that starts with a digital PDF is taken for
        a batch of them: loading engines would cost it more (0.25-0.5 s) than reading 30 of
        its pages; a worker that meets a scan later loads its own."""
        if self.options.jobs > 1 and not self.in_process:
            load_engines = getattr(self.backend, "load_engines", None)
            if load_engines is not None and FORK is not None and ocr_ahead:
                load_engines()  # before the fork: the workers share one copy
            self._pool = ProcessPoolExecutor(self.options.jobs, mp_context=FORK, initializer=_init_worker,
                                             initargs=(self,))
        try:
            yield
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None

    def _submit(self, fn, *args) -> Future:
        """`fn(pipeline, *args)` in a worker, with the worker's copy of this pipeline (set when
        the worker started, not sent with every task); in this process without workers."""
        if self._pool is not None:
            return self._pool.submit(_in_worker, fn, *args)
        future: Future = Future()
        try:
            future.set_result(fn(self, *args))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    # ------------------------------------------------------------------ finishing a file

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": None}  # what a spawned worker gets: it has no workers

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
        warnings: list[str] = []
        for page in pages:
            if page.text_source == "none":
                if self.options.service == "text":
                    warnings.append(f"page {page.page}: no text layer, and --ocr-service text does no OCR")
                else:
                    return FileOutcome(work.path, error=MissingDependency(
                        f"{work.path}: page {page.page} needs OCR, but Tesseract is not usable: "
                        "apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng"))
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
            if all(p.text_source == "vlm" for p in doc_pages) and self._answers():
                found = self._ask_fields(source, doctype, doc_pages)
            else:
                self._follow_up(source, doctype, doc_pages)
                found = locate_fields(doctype, doc_pages)
                self._reread_invalid(source, doctype, doc_pages, found)
                self._box_unboxed_values(doc_pages, found)
            fields = {field_id: FieldResult.from_found(f) for field_id, f in found.items()}
            warnings += [f"page {f.page}: {f.warning}" for f in found.values() if f.warning]
            documents.append(DocumentResult(doc_type, [p.page for p in doc_pages], confidence, fields))
        extract_s = time.perf_counter() - started

        per_page = [{"page": p.page, **{k: round(v, 4) for k, v in p.seconds.items()}} for p in pages]
        timing = {
            # The file's own work, not its wait behind other files in the shared pool.
            "total": round(work.load_s + sum(sum(p.seconds.values()) for p in pages) + classify_s + extract_s, 4),
            "load": round(work.load_s, 4),
            "rasterize": round(sum(p.seconds.get("rasterize", 0.0) for p in pages), 4),
            "ocr": round(sum(p.seconds.get("ocr", 0.0) for p in pages), 4),
            "classify": round(classify_s, 4),
            "extract": round(extract_s, 4),
            "per_page": per_page,
        }
        if self.in_process:
            timing["vlm"] = round(sum(p.seconds.get("vlm", 0.0) for p in pages), 4)
            timing["model_load"] = round(getattr(self.backend, "load_s", None) or 0.0, 4)
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
        return FileOutcome(work.path, result=result, explain=explain)

    def _classify(self, source: Source, page: PageText) -> Classification:
        if self.options.doc_type != "auto":
            return forced(self.options.doc_type)
        if page.text_source == "vlm" and not page.words and self._answers():
            # No OCR text to score: the model says what the page is.
            started = time.perf_counter()
            image = upright_raster(source, page, self.options.dpi)
            answer = self.backend.chat(image, [classification_prompt(self.doctypes)], max_new_tokens=8)[0]
            page.seconds["vlm"] = page.seconds.get("vlm", 0.0) + time.perf_counter() - started
            return classify_answer(answer.text, self.doctypes)
        return classify_page(page.text, self.doctypes)

    def _answers(self) -> bool:
        return getattr(self.backend, "kind", "reader") == "answerer"

    def _ask_fields(self, source: Source, doctype: DocType, pages: list[PageText]) -> dict[str, Found]:
        """Each field asked of the document's pages in turn until one answers it."""
        found: dict[str, Found] = {spec.id: Found() for spec in doctype.fields}
        for page in pages:
            todo = [spec for spec in doctype.fields if found[spec.id].value is None]
            if not todo:
                break
            started = time.perf_counter()
            image = upright_raster(source, page, self.options.dpi)
            for field_id, answer in ask_fields(self.backend, image, doctype, todo, page.page, page.words,
                                               self.questions).items():
                if answer.value is not None:
                    found[field_id] = answer
            page.seconds["vlm"] = page.seconds.get("vlm", 0.0) + time.perf_counter() - started
        return found

    def _box_unboxed_values(self, pages: list[PageText], found: dict[str, Found]) -> None:
        """A reader that gives no boxes (GOT-OCR2) lays its words over the page only to keep
        their order: a value's box comes from the Tesseract pass, or there is none."""
        if not self.in_process or getattr(self.backend, "gives_boxes", True):
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
            page.words, page.followed_up = done.words, done.followed_up

    def _reread_invalid(self, source: Source, doctype: DocType, pages: list[PageText], found: dict[str, Found]) -> None:
        """OCR an invalid value's own box again, in the document's language: a name read as
        Latin letters or a misread digit is often right the second time. Only a valid
        re-reading replaces the first one."""
        if self.backend is None:
            return
        by_number = {p.page: p for p in pages}
        boxes: dict[int, list[tuple[str, tuple]]] = {}
        for field_id, first in found.items():
            page = by_number.get(first.page or 0)
            if first.valid or first.bbox is None or page is None or page.text_source != "ocr":
                continue
            box = _grown(first.bbox, max(8, (first.bbox[3] - first.bbox[1]) // 2), page)
            boxes.setdefault(page.page, []).append((field_id, box))
        futures = {number: self._submit(_read_regions, source, by_number[number],
                                        [(box, 0, doctype.ocr_lang, False) for _, box in requests])
                   for number, requests in boxes.items()}
        jobs = [(field_id, by_number[number], words) for number, future in futures.items()
                for (field_id, _), words in zip(boxes[number], future.result())]
        for field_id, page, words in jobs:
            second = value_from_words(doctype.field(field_id), words, page.page, found[field_id].source or "label")
            # The margin may take in a neighbour's words: keep only a re-reading of as many
            # words of about the same length (the letters themselves may all differ: Latin
            # 'Tioji' re-read as Cyrillic 'Родионова').
            first_raw = found[field_id].raw or ""
            if (second is not None and second.valid and second.raw
                    and len(second.raw.split()) == len(first_raw.split())
                    and 0.6 <= len(second.raw) / max(1, len(first_raw)) <= 1.7):
                found[field_id] = second


@dataclass
class _FileWork:
    path: Path
    source: Source | None = None
    error: ObligationsError | None = None
    pages: list[PageText] = field(default_factory=list)
    pending: int = 0
    load_s: float = 0.0
    outcome: FileOutcome | None = None  # a one-page file finished by its worker

    @property
    def done_reading(self) -> bool:
        return self.source is not None and self.pending == 0


# ---------------------------------------------------------------------- worker side


def _take(work: _FileWork, read) -> None:
    """What a worker sent back for `work`: one of its pages, or the whole file finished."""
    try:
        value = read()
    except ObligationsError as exc:
        work.error = work.error or exc
    except Exception as exc:  # a worker died or a library failed: only this file fails
        work.error = work.error or InputError(f"{work.path}: {type(exc).__name__}: {exc}")
    else:
        if isinstance(value, FileOutcome):
            work.outcome = value
        else:
            work.pages.append(value)
    work.pending -= 1


_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
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
    try:
        return _read_page_text(pipeline, source, page)
    finally:
        _trim_heap()  # what the page needed goes back to the system before the next one


def _read_page_text(pipeline: Pipeline, source: Source, page: int) -> PageText:
    options, backend, locator, doctypes = pipeline.options, pipeline.backend, pipeline.locator, pipeline.doctypes
    dpi, force_ocr, doc_type = options.dpi, options.force_ocr, options.doc_type
    timings: dict[str, float] = {}
    if not force_ocr and source.is_pdf:
        started = time.perf_counter()
        layer = TextLayerBackend().read_page(source, page, dpi)
        timings["text_layer"] = time.perf_counter() - started
        if layer is not None:
            layer.seconds = timings
            return layer
    if backend is None:
        return PageText(page, 0, 0, dpi, "none", [], seconds=timings)
    started = time.perf_counter()
    raster = render_page(source, page, dpi, gray=getattr(backend, "reads_gray", False))
    timings["rasterize"] = time.perf_counter() - started
    reference: list[Word] = []
    rotation = 0
    if locator is not None:
        started = time.perf_counter()
        reference, rotation = locator.read(raster.image, raster.dpi)
        timings["ocr"] = time.perf_counter() - started
    width, height = raster.image.size
    if rotation in (90, 270):
        width, height = height, width
    if getattr(backend, "kind", "reader") == "answerer":
        # Questions are asked when the document type is known; OCR words, if any, give boxes.
        return PageText(page, width, height, raster.dpi, "vlm", reference, rotation, timings)
    image = raster.image.rotate(-rotation, expand=True) if rotation else raster.image
    started = time.perf_counter()
    words, turned = backend.read(image, raster.dpi)
    is_model = getattr(backend, "in_process", False)
    reading = "vlm" if is_model else "ocr"
    timings[reading] = time.perf_counter() - started
    if rotation == 0 and turned in (90, 270):
        width, height = height, width
    source_kind = getattr(backend, "text_source", "vlm" if is_model else "ocr")
    page_text = PageText(page, width, height, raster.dpi, source_kind, words, rotation or turned, timings,
                         reference_words=reference)
    if source_kind == "ocr":
        # The follow-up reads need this page's raster, which this worker holds now: do them
        # here for the type the page looks like, rather than render it again for each.
        guess = doctypes.get(doc_type) or doctypes.get(classify_page(page_text.text, doctypes).doc_type)
        if guess is not None:
            started = time.perf_counter()
            follow_up(page_text, image.rotate(-turned, expand=True) if turned else image, guess, backend)
            timings[reading] += time.perf_counter() - started
    return page_text


def follow_up(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """What one OCR pass misses on a page of `doctype`, read again in regions of its upright
    `image`: words misread (in the other script, as too few letters), vertically printed
    fields, lines the page segmentation dropped, numbers with check digits and dates still
    not read right, then text values read unsure or (a name) in pieces."""
    _reread_misread_words(page, image, doctype, backend)
    _read_vertical_fields(page, image, doctype, backend)
    _read_dropped_lines(page, image, doctype, backend)
    _reread_near_labels(page, image, doctype, backend)
    _reread_doubtful_values(page, image, doctype, backend)
    page.followed_up = doctype.id


def _follow_up_page(pipeline: Pipeline, source: Source, page: PageText, doctype: DocType) -> PageText:
    follow_up(page, _raster_for(pipeline, source, page), doctype, pipeline.backend)
    return page


def _reread_misread_words(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """Words read in the other script ('UMA' for 'ИМЯ', 'TIOJI' for 'ПОЛ' on a Russian card),
    or read unsure as far fewer letters than their box holds ('Е' for 'Отчество' on a
    blurred scan), are read again in the document's own language before any field is
    looked for. The new words keep their line. (Reading a whole page again when it has many
    such letters was tried too: it lost SROIE receipts.)"""
    words = _misreads_read_again(page.words, page, image, doctype, backend)
    if words is not page.words:
        page.words = words


def _misreads_read_again(words: list[Word], page: PageText, image, doctype: DocType, backend: Backend) -> list[Word]:
    """`words` with those read in the other script, or too few letters for their box, read
    again in the document's language (the list itself when there are none)."""
    if not doctype.ocr_lang or "+" in doctype.ocr_lang:
        return words
    script = "cyrillic" if doctype.ocr_lang == "rus" else "latin"
    replacements = {}
    for word in words:
        letters = [c for c in word.text if c.isalpha()]
        # 'НОМЕ' or 'В1S' on an English receipt: the glyphs say HOME, B1S. (Not the other way:
        # on Russian documents a Latin 'TOP.' is a misread 'ГОР.', so it is read again.)
        if script == "latin" and any(script_of(c) == "cyrillic" for c in letters):
            twin = same_glyphs_in(word.text, script)
            if twin is not None:
                replacements[id(word)] = [replace(word, text=twin)]
                continue
        x0, y0, x1, y1 = word.bbox
        foreign = len(letters) >= 2 and sum(script_of(c) == script for c in letters) < len(letters) / 2
        too_wide = (word.conf < SURE_CONF and bool(letters) and y1 - y0 >= MIN_WORD_HEIGHT
                    and x1 - x0 > WIDE_LETTER * (y1 - y0) * sum(c.isalnum() for c in word.text))
        if not (foreign or too_wide):
            continue
        box = _grown(word.bbox, max(6, (word.bbox[3] - word.bbox[1]) // 3), page)
        # Only what lies over the old word: the margin may take in a neighbour.
        again = [replace(w, line=word.line) for w in backend.read_region(image, box, 0, doctype.ocr_lang)
                 if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1]
        if again:
            replacements[id(word)] = again
    if not replacements:
        return words
    return [new for w in words for new in replacements.get(id(w), [w])]


WIDE_LETTER = 2.0  # a letter or digit is never wider than this many times its word's height
MIN_WORD_HEIGHT = 12  # pixels: flatter scraps are rules' and pictures' edges, not words misread


def _read_vertical_fields(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """OCR the page edges turned upright when a vertically printed field is not in the text."""
    patterns = [re.compile(expand(f.pattern)) for f in doctype.fields if f.vertical and f.pattern]
    if not patterns or all(p.search(page.text) for p in patterns):
        return
    for box in _edge_strips(page):
        if all(p.search(page.text) for p in patterns):
            break  # the first strip held it: the other edge is not read
        # As it is first; with the paper tint evened out if that finds nothing (each way reads
        # strips the other misses). Text turned the wrong way still reads as digits (6 for 9):
        # of the two directions keep the surer reading.
        for flatten in (False, True):
            best = max((backend.read_region(image, box, angle, None, flatten) for angle in (90, 270)),
                       key=mean_confidence)
            text = " ".join(w.text for w in best)
            if any(p.search(text) for p in patterns) or flatten:
                page.words = page.words + best
                break


def _read_dropped_lines(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """When a field is not found, the page is read again as sparse text. Its sure words that
    lie where the first reading has none are added: the first reading's page segmentation now
    and then drops a whole line (a table's first row, a name beside a photo). A field still
    missing that the sparse reading alone gives valid (digits spaced out in boxes, which a
    line reading runs together with the paper's pattern) takes the sparse words in its box.
    Pages whose fields were all found pay nothing."""
    read_sparse = getattr(backend, "read_sparse", None)
    if read_sparse is None:
        return
    missing = _missing(doctype, _located(doctype, page))
    if not missing:
        return
    # The whole page, not only bands round the missing fields' labels: Tesseract reads a line
    # differently in every framing, and bands read 3 fewer of 1872 fields right (about 5 %
    # less time on the benchmark's scans: measured, and not taken).
    sparse = [w for w in read_sparse(image, page.dpi) if any(c.isalnum() for c in w.text)]
    # Where the first reading has only unsure scraps ('ОЕ' for a small caption over a
    # box's rule), a sure sparse word takes their place.
    known = sorted((w for w in page.words if w.conf >= UNSURE_CONF), key=lambda w: w.bbox[1])
    # Words read in the other script are unsure for that alone: they are judged by their
    # reading in the document's language ('MHH/KTI' read again as 'ИНН/КПП').
    uncovered = [w for w in sparse if not _covered(w.bbox, known)]
    first = {id(w) for w in uncovered}
    fresh = _misreads_read_again(uncovered, page, image, doctype, backend)
    added = sorted((w for w in fresh if w.conf >= (DROPPED_LINE_CONF if id(w) in first else UNSURE_CONF)),
                   key=lambda w: w.bbox[1])
    if added:
        page.words = [w for w in page.words if w.conf >= UNSURE_CONF or not _covered(w.bbox, added)] + added
    still = [field_id for field_id in _missing(doctype, _located(doctype, page)) if field_id in missing]
    if not still:
        return
    alone = locate_fields(doctype, [replace(page, words=sparse)])
    for field_id in still:
        value = alone[field_id]
        if value.value is not None and value.valid and value.bbox is not None:
            page.words = _swapped_in(page.words, sparse, value.bbox)


def _reread_near_labels(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """A number with check digits (INN, SNILS) or a date not found or invalid is read again
    near its label with the light greys made paper (`read_inked`: digits printed in boxes,
    between what is left of the boxes' rules; a date whose month the first reading dropped,
    '«02» 2003 г.'). Tesseract reads such a row differently with every framing, so a few
    regions are tried in turn: the rows under the label, more of them, the rest of the
    label's row; for a number, then each again with its wide gaps closed up. The validator
    decides: only a valid reading replaces the words where it lies."""
    read_inked = getattr(backend, "read_inked", None)
    if read_inked is None:
        return
    found = _located(doctype, page)
    for spec in doctype.fields:
        if spec.validate not in READ_NEAR_LABEL or (found[spec.id].value is not None and found[spec.id].valid):
            continue
        lang = READ_NEAR_LABEL[spec.validate] or doctype.ocr_lang
        labels = label_boxes(doctype, page, spec.id)
        regions = [(0, y1, page.width, y1 + NEIGHBOUR_ROWS * h) for (_, _, _, y1), h in labels]
        regions += [(0, y1, page.width, y1 + (NEIGHBOUR_ROWS + LINE_GAP * spec.lines) * h) for (_, _, _, y1), h in labels]
        regions += [(x1, y0 - h / 2, page.width, y1 + h / 2) for (_, y0, x1, y1), h in labels]
        boxes = dict.fromkeys(_on_page(region, page) for region in regions)  # labels on one row ('номер налогоплательщика (ИНН)') share some
        # Then each with its wide gaps closed up: digits a box apart read as spaced digits.
        tries = [(box, False) for box in boxes] + [(box, True) for box in boxes if spec.validate in CHECKED_NUMBERS]
        for box, close_up in tries:
            words = read_inked(image, box, page.dpi, lang, close_up=close_up)
            # Found from its label as any value is, among the page's other words: a region
            # under the seller's INN may hold the buyer's, which is valid too.
            trial = replace(page, words=[w for w in page.words if not _inside(w.bbox, box)] + words)
            again = locate_fields(doctype, [trial])[spec.id]
            if again.value is not None and again.valid and again.bbox is not None and _inside(again.bbox, box):
                # A margin of half a line of the label's print: digits read between the
                # remnants of their boxes' walls may come boxed three lines tall.
                value_box = _grown(again.bbox, max(4, round(min(h for _, h in labels)) // 2), page)
                page.words = _swapped_in(page.words, words, value_box)
                break


def _reread_doubtful_values(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """A text value with an unsure word in it or beside it on its line ('орлов', 43 %, for
    'ОРЛОВА'; 'ООО' touching its underline read as '(©`0`®)', 0 %, and dropped as a speck),
    or a name read as two words ('ГАРИ ПОВ': letters spaced wide), is read again in its own
    box, in the document's language. The new reading replaces the words there when it is
    clearly surer, or when it reads the name as the one word a name is."""
    found = _located(doctype, page)
    for spec in doctype.fields:
        value = found[spec.id]
        if spec.pattern or value.value is None or value.bbox is None:
            continue
        x0, y0, x1, y1 = value.bbox
        inside = [w for w in page.words if _inside(w.bbox, value.bbox)]
        if not inside:
            continue
        height = sorted(w.bbox[3] - w.bbox[1] for w in inside)[len(inside) // 2]
        beside = [w for w in page.words if y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1
                  and w.bbox[2] >= x0 - PHRASE_GAP * height and w.bbox[0] <= x1 + PHRASE_GAP * height]
        unsure = [w for w in beside if w.conf < UNSURE_CONF and w.bbox[2] - w.bbox[0] >= height]  # a word's size, no speck
        in_pieces = spec.normalize == "name" and len((value.raw or "").split()) > 1
        if not unsure and not in_pieces and mean_confidence(inside) >= SURE_CONF:
            continue
        box = _grown(union_box([value.bbox] + [w.bbox for w in unsure]), max(4, height // 2), page)
        before = [w for w in page.words if _inside(w.bbox, box)]
        again = [w for w in backend.read_region(image, box, 0, doctype.ocr_lang) if _inside(w.bbox, box)]
        if not again:
            continue
        # Each new word on the line of the old word nearest it: read with its label, not as
        # a region's row of its own.
        again = [replace(w, line=min(before, key=lambda old: abs(old.bbox[1] + old.bbox[3] - w.bbox[1] - w.bbox[3])).line)
                 for w in again]
        surer = mean_confidence(again) >= max(SURE_CONF, mean_confidence(before) + MORE_SURE)
        one_name = (in_pieces and len(again) == 1 and again[0].conf >= SURE_CONF
                    and sum(c.isalnum() for c in again[0].text) >= sum(c.isalnum() for c in value.raw or ""))
        if surer or one_name:
            # The old words in the box under the new ones give way: a caption beside them, and
            # the next line a new word's box reaches into, stay.
            covering = sorted(again, key=lambda w: w.bbox[1])
            page.words = [w for w in page.words if not (_inside(w.bbox, box) and _covered(w.bbox, covering))] + again


MORE_SURE = 10  # points of mean confidence a second reading must gain to replace the first


CHECKED_NUMBERS = ("inn", "snils")  # validators with check digits: a misreading is told from a reading
DIGITS_LANG = "eng"  # digits read as well in either script: the English model reads fewer letters into them
READ_NEAR_LABEL = {"inn": DIGITS_LANG, "snils": DIGITS_LANG, "date": None}  # validator: language (None: the document's)


def _located(doctype: DocType, page: PageText) -> dict[str, Found]:
    """The fields found among the page's words as they are now. The follow-up steps ask in
    turn, and a page's words are only ever replaced whole: while no step replaced them, the
    last answer stands (most pages: three locations were one). Read only, never changed."""
    global _last_located
    last = _last_located
    if last is None or last[0] is not page or last[1] is not page.words or last[2] != doctype.id:
        last = _last_located = (page, page.words, doctype.id, locate_fields(doctype, [page]))
    return last[3]


_last_located: tuple[PageText, list[Word], str, dict[str, Found]] | None = None


def _missing(doctype: DocType, found: dict[str, Found]) -> list[str]:
    """Fields not found. (A number found but invalid has its own box read again by
    `_reread_invalid`: a whole page again for those was tried, and slowed scans further.)"""
    return [f.id for f in doctype.fields if found[f.id].value is None]


def _swapped_in(words: list[Word], reading: list[Word], box) -> list[Word]:
    """`words` with those centred in `box` replaced by the words of another `reading` there."""
    return [w for w in words if not _inside(w.bbox, box)] + [w for w in reading if _inside(w.bbox, box)]


def _inside(box, outer) -> bool:
    """Whether the centre of `box` lies in `outer`."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


DROPPED_LINE_CONF = 60  # a sparse reading's words less sure than this are mostly specks and pictures
UNSURE_CONF = 40  # a first reading's words less sure than this are scraps a sure reading replaces


def _covered(box, words: list[Word]) -> bool:
    """Whether any of `words` (sorted by top) overlaps a fifth or more of `box`."""
    x0, y0, x1, y1 = box
    area = max(1, (x1 - x0) * (y1 - y0))
    for word in words:
        wx0, wy0, wx1, wy1 = word.bbox
        if wy0 >= y1:
            break
        overlap = max(0, min(x1, wx1) - max(x0, wx0)) * max(0, min(y1, wy1) - max(y0, wy0))
        if overlap >= area / 5:
            return True
    return False


def _collection(path: Path | None):
    if path is None:
        return None
    from .prompts import PromptCollection

    return PromptCollection.load(path)


def upright_raster(source: Source, page: PageText, dpi: int, gray: bool = False):
    """The page image exactly as the words' boxes describe it (turned as OCR turned it)."""
    image = render_page(source, page.page, dpi, gray).image
    return image.rotate(-page.rotation, expand=True) if page.rotation else image


def _raster_for(pipeline: Pipeline, source: Source, page: PageText):
    """The upright page as the pipeline's backend reads it (grey for an engine that reads no colour)."""
    return upright_raster(source, page, pipeline.options.dpi, getattr(pipeline.backend, "reads_gray", False))


def _read_regions(pipeline: Pipeline, source: Source, page: PageText, requests: list[tuple]) -> list[list[Word]]:
    """Words of each (box, angle, lang, flatten) region of one page, rendered once."""
    image = _raster_for(pipeline, source, page)
    return [pipeline.backend.read_region(image, box, angle, lang, flatten) for box, angle, lang, flatten in requests]


def _edge_strips(page: PageText) -> list[tuple[int, int, int, int]]:
    """The right and left edge strips of a page, each reaching from the edge to the nearest
    horizontal line of text (confident words wider than tall), within EDGE_STRIP_WIDTH."""
    narrow, wide = (round(f * page.width) for f in EDGE_STRIP_WIDTH)
    text = [w.bbox for w in page.words if w.bbox[2] - w.bbox[0] > w.bbox[3] - w.bbox[1]
            and sum(c.isalnum() for c in w.text) >= 3 and w.conf >= 50]
    right = max((x1 for _, _, x1, _ in text if x1 <= page.width - narrow), default=page.width - wide)
    left = min((x0 for x0, _, _, _ in text if x0 >= narrow), default=wide)
    right = min(max(right, page.width - wide), page.width - narrow)
    left = max(min(left, wide), narrow)
    return [(right, 0, page.width, page.height), (0, 0, left, page.height)]


def _grown(bbox, margin: int, page: PageText) -> tuple[int, int, int, int]:
    """A word's or value's box with a margin round it, kept on the page."""
    x0, y0, x1, y1 = bbox
    return _on_page((x0 - margin, y0 - margin, x1 + margin, y1 + margin), page)


def _on_page(box, page: PageText) -> tuple[int, int, int, int]:
    """A box in whole pixels, cut to the page."""
    x0, y0, x1, y1 = (round(v) for v in box)
    return (max(0, x0), max(0, y0), min(page.width, x1), min(page.height, y1))
